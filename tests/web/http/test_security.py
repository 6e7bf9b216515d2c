"""Hostile content: a release built from a report (and partner and force names) written to break pages.

The fixture report (``fixtures/hostile/``) holds ``<script>``, event-handler markup, ``javascript:``
links and quotes in its text, in a question heading (which becomes a question's label) and in a
partner's name; the force table gives Cumbria a name with quotes and markup and a
``javascript:`` source.  Every page must show all of it as text.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal

from kg.namespaces import ID, SKOS
from kg.release.build import build_dataset, collect_inputs
from kg.release.layout import open_release
from kg.release.publish import publish
from kg.resources import reference_dir
from kg.store.local import open_store
from web.app import create_app
from web.http.security import CONTENT_SECURITY_POLICY, href
from web.settings import Settings

FIXTURE = Path(__file__).parents[1] / "fixtures" / "hostile"
FORCE_NAME = 'Cumbria "Quoted" <b>Constabulary</b>'
PARTNER_NAME = "Evil \"Quote\" <script>alert('org')</script> Trust"
QUESTION = "How \"safe\" is <script>alert('question')</script> Cumbria's approach to data?"
REPORT_URL = "https://example.org/peel?report='cumbria'&x=1"
PAGES = [
    "/", "/forces", "/themes", "/doc/force/cumbria", "/doc/inspection/2016/cumbria/effectiveness",
    "/doc/report/2016/cumbria/effectiveness", "/doc/question/2016/effectiveness/6",
    "/doc/organisation/evil-quote-trust", "/doc/improvement/2016/cumbria/effectiveness/6/1",
    "/doc/improvement/2016/cumbria/effectiveness/6/2", "/doc/finding/2016/cumbria/effectiveness/0/1",
    "/doc/finding/2016/cumbria/effectiveness/1/1", "/doc/finding/2016/cumbria/effectiveness/1/2",
    "/doc/theme/domestic-abuse", "/doc/judgement/2016/cumbria/effectiveness/0", "/doc/grade/good",
]
RAW = ("<script>alert", "<img src=x", "<svg onload", "<b>Constabulary", "</textarea>", "<b>Streets", 'href="javascript')


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    inputs = tmp_path_factory.mktemp("hostile-inputs")
    for path in FIXTURE.iterdir():
        if path.suffix in (".txt", ".csv"):
            shutil.copy(path, inputs / path.name)
    with (reference_dir() / "forces.csv").open(encoding="utf-8", newline="") as handle:
        forces = list(csv.DictReader(handle))
    for row in forces:
        if row["police_uk_id"] == "cumbria":
            row["name"] = FORCE_NAME
            row["source_urls"] = "javascript:alert(1);" + row["source_urls"]
    with (inputs / "forces.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(forces[0]))
        writer.writeheader()
        writer.writerows(forces)
    organisations = (reference_dir() / "organisations.csv").read_text(encoding="utf-8")
    partner = PARTNER_NAME.replace('"', '""')
    (inputs / "organisations.csv").write_text(
        organisations.rstrip("\n") + f'\nevil-quote-trust,"{partner}",voluntary-sector,"Evil ""Quote"" Trust",\n',
        encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile-data")
    publish(build_dataset(collect_inputs([inputs])), out)
    release = open_release(out)
    store = open_store(release.store_path)
    yield create_app(Settings(data_dir=out), store, release=release)
    store.close()


@pytest.fixture()
def hostile(hostile_app: Flask) -> FlaskClient:
    return hostile_app.test_client()


class Tags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.title = ""
        self._in: str | None = None
        self._inline = False  # inside an inline script (one without src), whose text is kept in scripts
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "title", "style"):
            self._in = tag
            self._inline = tag == "script" and not dict(attrs).get("src")  # external scripts are only in tags
            if self._inline:
                self.scripts.append((dict(attrs).get("type") or "", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None
            self._inline = False

    def handle_data(self, data: str) -> None:
        if self._in == "script" and self._inline:
            kind, text = self.scripts[-1]
            self.scripts[-1] = (kind, text + data)
        elif self._in == "title":
            self.title += data
        else:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join("".join(self.text).split())


@pytest.mark.parametrize("path", PAGES)
def test_hostile_text_is_shown_as_text(hostile: FlaskClient, path: str) -> None:
    response = hostile.get(path)
    assert response.status_code == 200, path
    body = response.get_data(as_text=True)
    for raw in RAW:
        assert raw not in body, (path, raw)
    page = Tags(body)
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (path, tag, name)
            assert name != "style", (path, tag)
            if name in ("href", "src", "action", "formaction", "cite") and value:
                assert value.strip().lower().startswith(("/", "#", "http://", "https://")), (path, value)
            if tag == "script" and name == "src":
                assert value is not None and value.startswith("/static/"), (path, value)  # our own files only
        assert tag != "style"
    for kind, text in page.scripts:
        assert kind == "application/ld+json", (path, kind)
        assert "<" not in text, path  # "</script>" inside the data cannot end the block
        json.loads(text)


def test_the_hostile_texts_are_on_the_pages(hostile: FlaskClient) -> None:
    force = Tags(hostile.get("/doc/force/cumbria").get_data(as_text=True))
    assert FORCE_NAME in force.visible
    assert force.title.startswith(FORCE_NAME)
    assert "javascript:alert(1)" in force.visible  # a source shown, not linked
    assert PARTNER_NAME in force.visible
    question = Tags(hostile.get("/doc/question/2016/effectiveness/6").get_data(as_text=True))
    assert question.title.startswith(QUESTION)
    description = next(a["content"] for t, a in question.tags if t == "meta" and a.get("name") == "description")
    assert QUESTION in (description or "")
    afi = Tags(hostile.get("/doc/improvement/2016/cumbria/effectiveness/6/1").get_data(as_text=True))
    assert 'The force should stop <script>alert("afi")</script> delays' in afi.visible
    assert REPORT_URL in [a.get("href") for t, a in afi.tags if t == "a"]
    finding = Tags(hostile.get("/doc/finding/2016/cumbria/effectiveness/1/1").get_data(as_text=True))
    assert "<a href=\"javascript:alert('x')\">this link</a>" in finding.visible


def test_json_ld_carries_the_text_intact(hostile: FlaskClient) -> None:
    page = Tags(hostile.get("/doc/question/2016/effectiveness/6").get_data(as_text=True))
    data = json.loads(page.scripts[0][1])
    assert data["name"] == QUESTION
    org = Tags(hostile.get("/doc/organisation/evil-quote-trust").get_data(as_text=True))
    assert json.loads(org.scripts[0][1])["name"] == PARTNER_NAME


@pytest.mark.parametrize("suffix", ["ttl", "nt", "rdf"])
def test_rdf_documents_round_trip_hostile_literals(hostile: FlaskClient, suffix: str) -> None:
    response = hostile.get(f"/doc/question/2016/effectiveness/6.{suffix}")
    graph = Graph().parse(data=response.get_data(), format={"ttl": "turtle", "nt": "nt", "rdf": "xml"}[suffix])
    labels = {str(o) for o in graph.objects(ID["question/2016/effectiveness/6"], SKOS.prefLabel)}
    assert labels == {QUESTION}
    assert isinstance(next(iter(graph.objects(ID["question/2016/effectiveness/6"], SKOS.prefLabel))), Literal)


def test_error_pages_escape_the_path(hostile: FlaskClient) -> None:
    response = hostile.get("/doc/<script>alert(1)</script>")
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.get_data(as_text=True)
    response = hostile.get("/doc/force/cumbria?page=<script>alert(1)</script>")
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/doc/force/cumbria", "/doc/force/cumbria.ttl", "/doc/force/atlantis",
                                  "/static/peel.css", "/id/force/cumbria"])
def test_security_headers_everywhere(hostile: FlaskClient, path: str) -> None:
    with hostile.get(path) as response:
        headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


def test_static_files_and_no_way_out_of_the_folder(hostile: FlaskClient) -> None:
    with hostile.get("/static/peel.css") as css:
        assert css.status_code == 200 and css.mimetype == "text/css"
    for path in ("/static/../pages.py", "/static/%2e%2e/pages.py", "/static/..%2fpages.py", "/static/%2e%2e%2fapp.py",
                 "/static//etc/passwd"):
        with hostile.get(path) as response:
            assert response.status_code in (404, 308), path
            assert b"def " not in response.get_data() and b"root:" not in response.get_data(), path


@pytest.mark.parametrize(("iri", "target"), [
    ("https://w3id.org/peelkg/id/force/norfolk", "/doc/force/norfolk"),
    ("https://w3id.org/peelkg/def/peel#Force", "/def/peel#Force"),
    ("https://example.org/a?b='c'&d=1", "https://example.org/a?b='c'&d=1"),
    ("http://example.org/", "http://example.org/"),
    ("javascript:alert(1)", None),
    ("JavaScript:alert(1)", None),
    (" javascript:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("vbscript:msgbox(1)", None),
    ("//evil.example/", None),
    ("/\\evil.example", None),
    ("http:evil.example", None),
    ("https://evil.example\\@good.example", None),
    ("http://a b.example/", None),
    ("mailto:someone@example.org", None),
    ("urn:isbn:0451450523", None),
    ("https://w3id.org/peelkg/graph/reference", None),
    ("", None),
])
def test_href_links_only_http_and_local_pages(iri: str, target: str | None) -> None:
    assert href(iri) == target


def test_a_frameable_view_gets_no_contradicting_x_frame_options(client: FlaskClient) -> None:
    """Regression: /reconcile/preview allowed framing in its CSP and forbade it with X-Frame-Options."""
    preview = client.get("/reconcile/preview", query_string={"id": "force/metropolitan"})
    assert preview.status_code == 200
    assert "frame-ancestors *" in preview.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in preview.headers
    page = client.get("/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


FORMULA = '=HYPERLINK("http://127.0.0.1:9/x","click")'


IMPROVEMENT_TEXTS = "/sparql?" + urlencode({
    "format": "csv", "query": "PREFIX peel: <https://w3id.org/peelkg/def/peel#> "
                              "SELECT ?text WHERE { ?a a peel:AreaForImprovement ; peel:text ?text }"})


@pytest.mark.parametrize("path", ["/queries/areas-for-improvement.csv?force=cumbria",
                                  "/download/areas-for-improvement.csv", IMPROVEMENT_TEXTS])
def test_a_formula_in_a_report_is_neutralised_in_the_csv_the_site_serves(hostile: FlaskClient, path: str) -> None:
    response = hostile.get(path)
    try:
        assert response.status_code == 200
        cells = [cell for row in csv.reader(response.get_data(as_text=True).splitlines()) for cell in row]
    finally:
        response.close()  # a download is a file the response holds open
    texts = [cell for cell in cells if FORMULA in cell]
    assert texts and all(cell.startswith("'" + FORMULA) for cell in texts), texts
    assert not any(cell[:1] in "=+-@\t\r" and not cell.lstrip("+-").replace(".", "").isdigit()
                   for cell in cells if cell)


def test_the_endpoints_csv_defuses_formulas_and_keeps_numbers_while_tsv_stays_exact(client: FlaskClient) -> None:
    """/sparql's CSV is a CSV the site serves: a spreadsheet opens it, so formula cells are defused (numbers are
    not); TSV and JSON keep every value exact for programs."""
    query = 'SELECT ?text ?n WHERE { VALUES (?text ?n) { ("=HYPERLINK(1)" -2) ("@SUM(1)" 3) ("plain" -0.5) } }'
    rows = list(csv.reader(client.get("/sparql", query_string={"query": query, "format": "csv"})
                           .get_data(as_text=True).splitlines()))
    assert rows == [["text", "n"], ["'=HYPERLINK(1)", "-2"], ["'@SUM(1)", "3"], ["plain", "-0.5"]]
    tsv = client.get("/sparql", query_string={"query": query, "format": "tsv"}).get_data(as_text=True)
    assert '"=HYPERLINK(1)"' in tsv and '"@SUM(1)"' in tsv
