"""Values bound into query text (kg.sparql.binding): many values a variable as VALUES blocks of terms."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kg.errors import BadQuery
from kg.sparql.binding import bind_many


def test_each_variable_gets_its_block_first_in_the_outermost_where_group() -> None:
    query = "SELECT ?s ?o WHERE { ?s ?p ?o { SELECT ?x WHERE { ?x ?y ?z } } }"
    bound = bind_many(query, {"s": [URIRef("http://e/a")], "o": [Literal("1"), Literal("x", lang="en")]})
    assert bound == ('SELECT ?s ?o WHERE { VALUES ?o { "1" "x"@en } VALUES ?s { <http://e/a> } '
                     "?s ?p ?o { SELECT ?x WHERE { ?x ?y ?z } } }")


def test_a_literal_that_reads_like_query_text_stays_one_value() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal('x" } ?s ?p ?o . { "')))
    hostile = Literal('x" } ?s ?p ?o . { "')
    query = bind_many("SELECT ?s WHERE { ?s ?p ?o }", {"o": [hostile, Literal("other")]})
    assert [str(r["s"].value) for r in store.query(query)] == ["http://e/s"]  # type: ignore[union-attr]


def test_no_values_no_change_and_an_empty_list_matches_nothing() -> None:
    assert bind_many("SELECT ?s WHERE { ?s ?p ?o }", None) == "SELECT ?s WHERE { ?s ?p ?o }"
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("1")))
    assert list(store.query(bind_many("SELECT ?s WHERE { ?s ?p ?o }", {"s": []}))) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(("values", "message"), [
    ({"s } ASK {": [Literal("1")]}, "is not a variable name"),
    ({"s": [URIRef("http://e/a> } ASK { <b")]}, "is not an IRI"),
])
def test_what_cannot_be_a_value_is_refused(values: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(BadQuery, match=message):
        bind_many("SELECT ?s WHERE { ?s ?p ?o }", values)


def test_a_query_without_a_where_group_cannot_take_many_values() -> None:
    with pytest.raises(BadQuery, match="WHERE group"):
        bind_many("CONSTRUCT WHERE { ?s ?p ?o }", {"s": [URIRef("http://e/a")]})
