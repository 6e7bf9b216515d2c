"""What the public reads: no internal words on any page type the sitemap lists, nor on the site's own pages.

Each page is rendered, its visible text read as a person reads it — not scripts, styles, code, query text,
and not the "data" disclosures that hold technical details on purpose — and searched for words that belong to
the data's machinery (prefixed names, datatypes, offsets, raw IRIs in headings, "Concept scheme" …).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from kg.namespaces import BASE

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Words a member of the public should never have to read, each with why it is internal.
FORBIDDEN = {
    r"\btheme tags?\b": "how themes are stored",
    r"\boffsets?\b": "character positions in the report text",
    r"\bxsd:|XMLSchema#": "a datatype",
    r"\bconcept schemes?\b": "SKOS machinery",
    r"\b(?:skos|rdfs?|owl|dcterms|prov|peel|sh|void|dcat|foaf|schema|org):[A-Za-z]": "a prefixed name",
    r"\^\^": "a typed literal",
    r"\bURIRef\b|\bLiteral\(": "a Python type",
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "th", "caption", "summary", "label", "legend", "option", "dt", "title"}
RAW_IRI = re.compile(r"https?://\S+|\bw3id\.org/")
SKIPPED = {"script", "style", "textarea", "pre", "code"}  # machine text shown on purpose (query text, identifiers)
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SITE_PAGES = ["/", "/forces", "/themes", "/search?q=domestic+abuse", "/sparql", "/queries/", "/queries/judgements",
              "/queries/areas-for-improvement?theme=domestic-abuse", "/analytics", "/analytics/force/norfolk",
              "/download/", "/dataset", "/accessibility", "/compare?force=norfolk&force=suffolk",
              "/doc/force/no-such-force", "/search?q=norfok"]
TECHNICAL_PAGES = ("/def/peel", "/def/shapes")  # the vocabulary's documentation: its subject is the terms
TERMS_OF_THE_VOCABULARY = ("a prefixed name", "SKOS machinery", "how themes are stored",
                           "character positions in the report text", "a datatype")  # what they name on purpose


class PublicText(HTMLParser):
    """The text a person reads on a page, and the text of its headings, labels and options."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from the reading)
        self.text: list[str] = []
        self.headings: list[str] = []
        self._heading: list[str] | None = None
        self._depth = 0
        self.feed(page)

    def hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        hidden = tag in SKIPPED or (tag == "details" and "data" in classes) or "hidden" in found
        self.stack.append((tag, hidden))
        if tag in HEADINGS and self._heading is None and not self.hidden():
            self._heading, self._depth = [], len(self.stack)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if self._heading is not None and len(self.stack) < self._depth:
                self.headings.append(" ".join("".join(self._heading).split()))
                self._heading = None
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.hidden():
            return
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)


def problems(page: str, *, technical: bool = False) -> list[str]:
    """What on ``page`` a member of the public should not read (empty when nothing)."""
    read = PublicText(page)
    text = " ".join(" ".join(read.text).split())
    found = []
    for pattern, why in FORBIDDEN.items():
        if technical and why in TERMS_OF_THE_VOCABULARY:
            continue
        for hit in re.finditer(pattern, text, re.IGNORECASE):
            found.append(f"{why}: …{text[max(hit.start() - 60, 0):hit.end() + 60]}…")
    found += [f"a raw IRI in a heading: {h}" for h in read.headings if RAW_IRI.search(h)]
    return found


def test_the_reading_finds_what_it_is_meant_to() -> None:
    """The check is live: internal words in the text and IRIs in headings are found; the data disclosure,
    code and scripts are not read."""
    page = ("<h1>https://w3id.org/peelkg/id/theme/x</h1><p>2016 xsd:integer</p><p>Concept scheme</p>"
            "<label>theme tag</label><details class='data'><summary>data</summary><p>offset 12, skos:Concept</p>"
            "</details><code>peel:Force</code><script>rdfs:label</script><p>Good</p>")
    found = problems(page)
    assert len(found) == 4, found
    assert not any("offset" in f or "peel:Force" in f or "rdfs:label" in f for f in found)
    assert problems("<h2>Grades</h2><p>Norfolk Constabulary is good.</p>") == []


def local(url: str) -> str:
    """A sitemap's absolute URL (under the persistent base IRI, as no public_base_url is set) as a local path."""
    root = BASE.rstrip("/")
    assert url.startswith(root), url
    return url[len(root):]


def sitemap_pages(client: FlaskClient) -> list[str]:
    """Every page the sitemap lists, as local paths."""
    root = ET.fromstring(client.get("/sitemap.xml").get_data())
    parts = [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]
    if root.tag == f"{SITEMAP}sitemapindex":
        parts = [loc.text or "" for part in parts
                 for loc in ET.fromstring(client.get(local(part)).get_data()).iter(f"{SITEMAP}loc")]
    return [local(url) for url in parts]


def page_types(paths: list[str], per_type: int = 3) -> list[str]:
    """A few pages of each type (``/doc/force/…``, ``/doc/judgement/…`` …), spread over the list."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        parts = path.strip("/").split("/")
        by_type["/".join(parts[:2]) if parts[0] == "doc" else path].append(path)
    chosen = []
    for found in by_type.values():
        step = max(len(found) // per_type, 1)
        chosen += found[::step][:per_type]
    return chosen


def test_the_sitemap_lists_every_entity_page_type(client: FlaskClient) -> None:
    types = {"/".join(p.strip("/").split("/")[:2]) for p in sitemap_pages(client)}
    assert {"doc/force", "doc/inspection", "doc/judgement", "doc/question", "doc/finding", "doc/improvement",
            "doc/theme", "doc/grade", "doc/organisation"} <= types, types


def test_no_internal_words_on_any_page_type(client: FlaskClient) -> None:
    found = {}
    for path in [p for p in page_types(sitemap_pages(client)) if p not in TECHNICAL_PAGES] + SITE_PAGES:
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code in (200, 404), (path, response.status_code)
        if hits := problems(response.get_data(as_text=True)):
            found[path] = hits
    assert not found, "\n".join(f"{path}\n  " + "\n  ".join(hits[:6]) for path, hits in found.items())


@pytest.mark.parametrize("path", TECHNICAL_PAGES)
def test_the_vocabulary_pages_speak_plainly_too(client: FlaskClient, path: str) -> None:
    """The ontology's documentation names terms (its subject), but no datatype or offset is left unexplained."""
    hits = problems(client.get(path).get_data(as_text=True), technical=True)
    assert not hits, "\n".join(hits[:10])
