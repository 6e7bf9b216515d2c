"""The one format table (kg.formats) and the surfaces that read it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg import formats
from kg.formats import DATASET, FORMATS, GRAPH, PAGE, RESULTS, by_media_type, find, of_kind
from kg.query.guard import Limits
from kg.query.service_description import SD, describe
from web.http import negotiation, sparql_formats


def test_media_types_and_keys_are_unique_within_a_kind() -> None:
    assert len({f.media_type for f in FORMATS}) == len(FORMATS)
    for kind in {f.kind for f in FORMATS}:
        names = [name for f in of_kind(kind) for name in (f.key, *f.aliases)]
        assert len(names) == len(set(names)), kind


@pytest.mark.parametrize("fmt", of_kind(GRAPH, DATASET), ids=lambda f: f.key)
def test_every_rdf_format_has_both_writers(fmt: formats.Format) -> None:
    assert fmt.rdflib and isinstance(fmt.rdf_format, ox.RdfFormat) and fmt.w3c


@pytest.mark.parametrize("fmt", of_kind(RESULTS), ids=lambda f: f.key)
def test_every_results_format_has_pyoxigraph_writer(fmt: formats.Format) -> None:
    assert isinstance(fmt.results_format, ox.QueryResultsFormat) and fmt.w3c


def test_surfaces_offer_the_table_s_formats_in_its_order() -> None:
    assert [f.key for f in negotiation.FORMATS] == ["html", "ttl", "jsonld", "rdf", "nt"]
    assert [f.key for f in negotiation.DATASET_FORMATS] == ["trig", "nq", "ttl", "jsonld", "rdf", "nt"]
    assert [f.key for f in sparql_formats.FORMATS] == ["json", "xml", "csv", "tsv", "ttl", "jsonld", "rdf", "nt",
                                                       "html"]
    assert all(f in FORMATS for f in (*negotiation.DATASET_FORMATS, *sparql_formats.FORMATS))


@pytest.mark.parametrize(("accept", "key"), [("text/n3", "ttl"), ("application/turtle", "ttl"),
                                             ("application/xml", "rdf"), ("text/plain", "nt")])
def test_pages_answer_every_media_type_the_table_names_for_a_format(accept: str, key: str) -> None:
    chosen = negotiation.negotiate(parse_accept_header(accept, MIMEAccept))
    assert chosen is not None and chosen.key == key and chosen.media_type == accept


def test_pages_never_answer_xhtml() -> None:
    assert negotiation.negotiate(parse_accept_header("application/xhtml+xml", MIMEAccept)) is None


def test_the_service_description_names_every_answer_format() -> None:
    graph = describe("http://127.0.0.1/sparql", [], Limits(), query_timeout=1.0, max_rows=1)
    named = {str(o) for o in graph.objects(None, SD.resultFormat)}
    assert named == {f.w3c_iri for f in of_kind(RESULTS, GRAPH)}


def test_lookups() -> None:
    assert find("html", PAGE) is formats.HTML and find("html", GRAPH) is None
    assert by_media_type("text/csv; charset=utf-8") is formats.SPARQL_CSV
    with pytest.raises(KeyError, match="image/png"):
        by_media_type("image/png")


def test_fragments_negotiate_by_the_same_rules_as_documents() -> None:
    chosen = negotiation.negotiate(parse_accept_header("application/json", MIMEAccept), negotiation.DATASET_FORMATS)
    assert chosen is not None and chosen.key == "jsonld" and chosen.media_type == "application/json"
    assert negotiation.negotiate(MIMEAccept(), negotiation.DATASET_FORMATS) is formats.TRIG
