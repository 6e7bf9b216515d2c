"""Dereferencing through a real server (Granian on 127.0.0.1): 303s, negotiation, formats, caching, redirects.

Documents are parsed back with rdflib and compared with the entity's triples read from the
release's N-Quads dump (not from the code under test).
"""

from __future__ import annotations

import gzip
import re
import warnings
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.namespaces import ID, PEEL
from kg.release.layout import DUMP, Release
from tests.web.support import fetch

RDF_FORMATS = {  # media type → (suffix, rdflib parser)
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/rdf+xml": ("rdf", "xml"),
    "application/n-triples": ("nt", "nt"),
}
NORFOLK = ID["force/norfolk"]
GRAPH_TERM = re.compile(r"\s<[^<>]*>\s*\.\s*$")  # an N-Quads line's last term, its graph




def parse(body: bytes, parser: str) -> Graph:
    """rdflib's parse; its JSON-LD parser uses its own deprecated ConjunctiveGraph, so that warning is muted."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=body, format=parser)


def canonical(graph: Graph) -> set[tuple[object, object, object]]:
    """Triples with xsd:string literals as simple literals (the same RDF 1.1 term), and decimals by value
    (rdflib's Turtle writes the decimal "1" as ``1.0``: another lexical form of the same value)."""
    def term(t: object) -> object:
        if isinstance(t, Literal) and t.datatype == XSD.string:
            return Literal(str(t))
        if isinstance(t, Literal) and t.datatype in (XSD.decimal, XSD.double):
            return (t.datatype, float(str(t)))
        return t
    return {(term(s), term(p), term(o)) for s, p, o in graph}


@pytest.fixture(scope="module")
def dumped(release: Release) -> Graph:
    """Every statement of the release, from its N-Quads dump (each line's graph IRI dropped)."""
    with gzip.open(release.file(DUMP), "rt", encoding="utf-8") as handle:
        lines = [GRAPH_TERM.sub(" .", line) for line in handle if line.strip()]
    return Graph().parse(data="\n".join(lines), format="nt")


def expected(dumped: Graph, iri: URIRef) -> set[tuple[object, object, object]]:
    """The entity's own triples and those of its hash IRIs, from the dump."""
    graph = Graph()
    for s, p, o in dumped:
        if s == iri or (isinstance(s, URIRef) and str(s).startswith(str(iri) + "#")):
            graph.add((s, p, o))
    return canonical(graph)


@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_identifier_303_then_document_in_the_asked_format(live_server: str, dumped: Graph, media_type: str) -> None:
    status, headers, _ = fetch(live_server, "/id/force/norfolk", {"Accept": media_type})
    assert status == 303
    assert headers["Location"] == "/doc/force/norfolk"
    status, headers, body = fetch(live_server, headers["Location"], {"Accept": media_type})
    assert status == 200
    assert headers.get_content_type() == media_type
    assert "Accept" in headers["Vary"]
    graph = parse(body, RDF_FORMATS[media_type][1])
    assert (NORFOLK, PEEL.onsCode, Literal("E23000024")) in canonical(graph)
    assert canonical(graph) == expected(dumped, NORFOLK)


@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_suffix_gives_the_same_document(live_server: str, media_type: str) -> None:
    suffix, parser = RDF_FORMATS[media_type]
    _, _, negotiated = fetch(live_server, "/doc/force/norfolk", {"Accept": media_type})
    status, headers, body = fetch(live_server, f"/doc/force/norfolk.{suffix}", {"Accept": "text/html"})
    assert status == 200
    assert headers.get_content_type() == media_type
    assert canonical(parse(body, parser)) == canonical(parse(negotiated, parser))


def test_hash_iris_travel_with_their_entity(live_server: str, dumped: Graph) -> None:
    iri = ID["improvement/2016/norfolk/effectiveness/2/1"]
    _, _, body = fetch(live_server, "/doc/improvement/2016/norfolk/effectiveness/2/1.ttl")
    graph = canonical(parse(body, "turtle"))
    tags = {s for s, _p, _o in graph if str(s).startswith(str(iri) + "#")}
    assert tags, "the theme tags of a statement are part of its document"
    assert graph == expected(dumped, iri)


def test_link_header_names_every_format(live_server: str) -> None:
    _, headers, _ = fetch(live_server, "/doc/force/norfolk")
    link = headers["Link"]
    for suffix, media_type in [("html", "text/html"), *((s, m) for m, (s, _p) in RDF_FORMATS.items())]:
        assert f'</doc/force/norfolk.{suffix}>; rel="alternate"; type="{media_type}"' in link


@pytest.mark.parametrize(("accept", "media_type"), [
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
    ("application/rdf+xml;q=0.1, text/turtle;q=0.2, text/html;q=0.05", "text/turtle"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("*/*", "text/html"),
    ("application/x-turtle", "application/x-turtle"),  # Turtle, in the type asked for
    ("text/turtle;q=0, */*;q=0.1", "text/html"),
])
def test_negotiation_follows_q_values(live_server: str, accept: str, media_type: str) -> None:
    status, headers, _ = fetch(live_server, "/doc/force/norfolk", {"Accept": accept})
    assert status == 200
    assert headers.get_content_type() == media_type


def test_no_accept_header_gets_html(live_server: str) -> None:
    status, headers, body = fetch(live_server, "/doc/force/norfolk")
    assert status == 200 and headers.get_content_type() == "text/html"
    assert b"Norfolk Constabulary" in body


@pytest.mark.parametrize("path", ["/doc/force/atlantis", "/id/force/atlantis", "/doc/force/atlantis.ttl",
                                  "/doc/nothing", "/id/force/norfolk.ttl", "/doc/force/norfolk.txt"])
@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "application/json"])
def test_unknown_identifiers_are_404(live_server: str, path: str, accept: str) -> None:
    status, _headers, body = fetch(live_server, path, {"Accept": accept})
    assert status == 404
    assert b"Traceback" not in body and b"/work" not in body and b".py" not in body


@pytest.mark.parametrize("accept", ["image/png", "application/pdf, text/csv", "text/turtle;q=0"])
def test_nothing_acceptable_is_406(live_server: str, accept: str) -> None:
    status, headers, body = fetch(live_server, "/doc/force/norfolk", {"Accept": accept})
    assert status == 406
    assert "Accept" in headers["Vary"]
    assert b"text/turtle" in body  # it says what it could have served


def test_etag_last_modified_and_304(live_server: str, release: Release) -> None:
    status, headers, _ = fetch(live_server, "/doc/force/norfolk", {"Accept": "text/turtle"})
    assert status == 200
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert release.id in etag
    assert "max-age=" in headers["Cache-Control"] and "public" in headers["Cache-Control"]
    for conditional in ({"If-None-Match": etag}, {"If-Modified-Since": modified}, {"If-None-Match": f'"x", {etag}'}):
        status, again, body = fetch(live_server, "/doc/force/norfolk", {"Accept": "text/turtle", **conditional})
        assert status == 304, conditional
        assert body == b""
        assert again["ETag"] == etag
    status, _, _ = fetch(live_server, "/doc/force/norfolk", {"Accept": "text/turtle", "If-None-Match": '"stale"'})
    assert status == 200
    earlier = formatdate(0, usegmt=True)
    status, _, _ = fetch(live_server, "/doc/force/norfolk", {"Accept": "text/turtle", "If-Modified-Since": earlier})
    assert status == 200


def test_each_format_has_its_own_etag(live_server: str) -> None:
    tags = {fetch(live_server, f"/doc/force/norfolk.{suffix}")[1]["ETag"] for suffix in ("html", "ttl", "nt")}
    assert len(tags) == 3


def test_304_before_the_page_was_ever_rendered(live_server: str, release: Release) -> None:
    """A conditional GET for a page this server has not rendered yet is answered by the app itself."""
    status, _, body = fetch(live_server, "/doc/theme/victim-care.nt", {"If-None-Match": f'"{release.id}-nt"'})
    assert status == 304 and body == b""


def test_head_has_headers_and_no_body(live_server: str) -> None:
    fetch(live_server, "/doc/force/norfolk")
    status, headers, body = fetch(live_server, "/doc/force/norfolk", method="HEAD")
    assert status == 200 and body == b""
    assert headers.get_content_type() == "text/html" and headers["ETag"]


PROBES = [
    "//evil.example", "//evil.example/", "/%2F%2Fevil.example", "/%09/evil.example", "/%5Cevil.example",
    "/\\evil.example", "/\\\\evil.example", "/id//evil.example", "/id/%2F%2Fevil.example", "/id/%5Cevil.example",
    "/id/%09/evil.example", "/doc//evil.example", "/doc/%2F%2Fevil.example", "/id/force/norfolk//evil.example",
    "/id/http://evil.example", "/id/https:%2F%2Fevil.example", "/id/force/../../evil.example",
    "/id/force/%2E%2E/%2E%2E/%2Fevil.example", "/doc/force/norfolk/", "/forces/", "/static//evil.example",
    "/id/force/norfolk?next=//evil.example", "/id/%0d%0aLocation:%20http://evil.example",
]


@pytest.mark.parametrize("probe", PROBES)
def test_redirects_stay_on_this_site(live_server: str, probe: str) -> None:
    status, headers, _ = fetch(live_server, probe)
    assert status != 500
    location = headers.get("Location")
    if location is None:
        return
    target = urlsplit(location)
    assert not location.startswith("//") and "\\" not in location and "\t" not in location
    assert target.netloc in ("", urlsplit(live_server).netloc), location
    assert target.scheme in ("", "http")


def test_identifier_redirect_is_a_relative_location(live_server: str) -> None:
    status, headers, _ = fetch(live_server, "/id/question/2016/effectiveness/3")
    assert status == 303
    assert headers["Location"] == "/doc/question/2016/effectiveness/3"


def test_server_is_granian(live_server: str) -> None:
    _, headers, _ = fetch(live_server, "/")
    assert "granian" in headers.get("Server", "")


def test_every_kind_of_entity_dereferences(live_server: str, dumped: Graph) -> None:
    """One entity of each class under /id/ answers in Turtle with exactly its triples."""
    samples: dict[object, URIRef] = {}
    for s, o in dumped.subject_objects(RDF.type):
        if isinstance(s, URIRef) and str(s).startswith(str(ID)) and "#" not in str(s):
            samples.setdefault(o, s)
    assert len(samples) >= 10
    for iri in samples.values():
        path = "/id/" + str(iri)[len(str(ID)):]
        status, headers, _ = fetch(live_server, path, {"Accept": "text/turtle"})
        assert status == 303, path
        status, headers, body = fetch(live_server, headers["Location"], {"Accept": "text/turtle"})
        assert status == 200, path
        assert canonical(parse(body, "turtle")) == expected(dumped, iri), path


def test_content_location_names_the_variant(live_server: str) -> None:
    _, headers, _ = fetch(live_server, "/doc/force/norfolk", {"Accept": "application/n-triples"})
    assert headers["Content-Location"] == "/doc/force/norfolk.nt"


def test_negotiation_docstrings_hold() -> None:
    import doctest

    import web.http.negotiation
    import web.http.security

    for module in (web.http.negotiation, web.http.security):
        outcome = doctest.testmod(module)
        assert outcome.attempted > 0 and outcome.failed == 0, module.__name__


def test_docs_page_describes_the_uri_scheme() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "linked-data.md").read_text(encoding="utf-8")
    for needle in ("/id/force/norfolk", "303", ".ttl", ".jsonld", ".rdf", ".nt", "406", "ETag"):
        assert needle in text
