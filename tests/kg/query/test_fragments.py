"""Triple Pattern Fragments in the domain layer: the TPF term syntax read strictly, counts and pages
that agree with the store."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from kg.errors import BadQuery
from kg.namespaces import PEEL
from kg.query.fragments import Pattern, count, fragment, parse_term, write_term
from kg.store.local import LocalStore

GOOD = [
    ("http://e/x", URIRef("http://e/x")),
    ('"Norfolk"', Literal("Norfolk")),
    ('"say "hi""', Literal('say "hi"')),
    ('"Norfolk"@en-GB', Literal("Norfolk", lang="en-GB")),
    ('"3"^^http://www.w3.org/2001/XMLSchema#integer', Literal("3", datatype=XSD.integer)),
    ('"a"^^http://www.w3.org/2001/XMLSchema#string', Literal("a")),
]


@pytest.mark.parametrize(("text", "term"), GOOD)
def test_terms_read_and_write_back(text: str, term: object) -> None:
    assert parse_term("object", text) == term
    assert parse_term("object", write_term(parse_term("object", text))) == term  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "?o", "?_x1"])
def test_variables_and_empty_values_leave_the_position_open(text: str) -> None:
    assert parse_term("object", text) is None


@pytest.mark.parametrize(("text", "says"), [
    ("_:b0", "blank nodes"),
    ("norfolk", "not an absolute IRI"),
    ("http://e/a b", "not an absolute IRI"),
    ("<http://e/x>", "not an absolute IRI"),
    ('"open', "not a literal"),
    ('"x"@', "not a literal"),
    ('"x"@en gb', "not a literal"),
    ('"x"^^integer', "datatype"),
    ("?", "not a variable"),
    ("?a-b", "not a variable"),
])
def test_bad_terms_are_refused_naming_the_parameter(text: str, says: str) -> None:
    with pytest.raises(BadQuery, match=f"^object: .*{says}"):
        parse_term("object", text)


def test_a_literal_subject_and_a_literal_predicate_are_refused() -> None:
    with pytest.raises(BadQuery, match=r"^subject:"):
        Pattern.parse({"subject": '"x"'})
    with pytest.raises(BadQuery, match=r"^predicate:"):
        Pattern.parse({"predicate": '"x"'})


def triples(store: LocalStore, where: str) -> set[tuple[object, object, object]]:
    prefixes = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"
    rows = store.select(f"{prefixes} SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }}").rows
    return {(r["s"], r["p"], r["o"]) for r in rows}


@pytest.mark.parametrize(("pattern", "where"), [
    (Pattern(predicate=RDF.type, object=PEEL.Force), f"?s ?p ?o FILTER(?p = rdf:type && ?o = <{PEEL.Force}>)"),
    (Pattern(subject=URIRef("https://w3id.org/peelkg/id/force/norfolk")),
     "?s ?p ?o FILTER(?s = <https://w3id.org/peelkg/id/force/norfolk>)"),
    (Pattern(predicate=SKOS.prefLabel, object=Literal("Norfolk Constabulary")),
     '?s ?p ?o FILTER(?p = skos:prefLabel && str(?o) = "Norfolk Constabulary")'),
])
def test_pages_together_hold_the_pattern_s_triples_once(store: LocalStore, pattern: Pattern, where: str) -> None:
    expected = triples(store, where)
    assert expected, "the pattern matches nothing: the test proves nothing"
    assert count(store, pattern) == len(expected)
    seen: list[tuple[object, object, object]] = []
    page = 1
    while True:
        frag = fragment(store, pattern, page=page, page_size=7)
        seen += frag.triples
        if page == frag.last_page:
            break
        assert len(frag.triples) == 7
        page += 1
    assert len(seen) == len(set(seen)) and set(seen) == expected


def test_a_pattern_matching_nothing_has_one_empty_page(store: LocalStore) -> None:
    frag = fragment(store, Pattern(subject=URIRef("http://example.org/nothing")), page=1, page_size=10)
    assert (frag.total, frag.last_page, frag.triples) == (0, 1, [])
    with pytest.raises(BadQuery, match="has 1 page of 10 triples") as raised:
        fragment(store, Pattern(subject=URIRef("http://example.org/nothing")), page=2, page_size=10)
    assert raised.value.status == 404
