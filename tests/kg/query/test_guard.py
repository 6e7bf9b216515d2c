"""The lexical checks made before any engine sees a query (kg.query.guard)."""

from __future__ import annotations

import re

import pytest

from kg.errors import BadQuery
from kg.query.canned import load_queries
from kg.query.guard import Limits, capped, check, inspect

LIMITS = Limits()


def nested(depth: int, opening: str = "{", closing: str = "}") -> str:
    return "SELECT * WHERE " + opening * depth + " ?s ?p ?o " + closing * depth


@pytest.mark.parametrize("depth", [5000, 100_000 // 2])
def test_deep_nesting_is_refused_without_recursion(depth: int) -> None:
    text = nested(depth)
    with pytest.raises(BadQuery) as err:
        check(text, Limits(max_query_bytes=len(text) + 1))
    assert err.value.status == 400
    assert f"{depth} deep" in str(err.value)


@pytest.mark.parametrize(("opening", "closing"), [("{", "}"), ("(", ")"), ("[", "]")])
def test_every_bracket_counts_towards_nesting(opening: str, closing: str) -> None:
    text = "SELECT * { FILTER(" + opening * 70 + closing * 70 + ") }"
    with pytest.raises(BadQuery, match="deep"):
        check(text, LIMITS)


def test_brackets_in_strings_iris_and_comments_do_not_count() -> None:
    text = ('SELECT * { ?s <http://e/((((]]]]> "{{{{[[[[((((" . ?s ?p \'\'\'}}}}\n{{{{\'\'\' } # {{{{{{{{\n'
            "# ((((((((((((\n")
    assert inspect(text).nesting == 1


def test_a_query_at_the_nesting_limit_passes() -> None:
    assert check(nested(LIMITS.max_nesting), LIMITS).nesting == LIMITS.max_nesting


def test_size_is_checked_first_with_413() -> None:
    text = "SELECT * { ?s ?p ?o } #" + "x" * LIMITS.max_query_bytes
    with pytest.raises(BadQuery) as err:
        check(text, LIMITS)
    assert err.value.status == 413


def test_size_counts_bytes_not_characters() -> None:
    text = "ASK { ?s ?p 'é' }" + " " * (LIMITS.max_query_bytes - 17)
    assert len(text) <= LIMITS.max_query_bytes < len(text.encode("utf-8"))
    with pytest.raises(BadQuery):
        check(text, LIMITS)


@pytest.mark.parametrize("update", [
    "INSERT DATA { <a:s> <a:p> <a:o> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX e: <http://e/> DELETE { ?s e:p ?o } INSERT { ?s e:q ?o } WHERE { ?s e:p ?o }",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1/data.ttl>",
    "CLEAR ALL", "DROP GRAPH <http://e/g>", "CREATE GRAPH <http://e/g>",
    "COPY DEFAULT TO <http://e/g>", "MOVE DEFAULT TO <http://e/g>", "ADD DEFAULT TO <http://e/g>",
    "SELECT * { ?s ?p ?o } ; drop all",
])
def test_updates_are_refused(update: str) -> None:
    with pytest.raises(BadQuery, match="read-only") as err:
        check(update, LIMITS)
    assert err.value.status == 400


@pytest.mark.parametrize("query", [
    "SELECT * { ?s <http://e/delete> 'INSERT DATA' } # DROP ALL",
    "PREFIX e: <http://e/> SELECT ?insert ?load WHERE { ?insert e:delete ?load }",
    "SELECT * { ?s ?p \"\"\"CLEAR\nALL\"\"\" }",
])
def test_update_words_inside_names_strings_and_comments_are_not_updates(query: str) -> None:
    assert check(query, LIMITS).form == "SELECT"


@pytest.mark.parametrize("query", [
    "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "PREFIX x: <http://127.0.0.1:9/> SELECT * { service x:sparql { ?s ?p ?o } }",
    "SELECT * { VALUES ?e { <http://127.0.0.1:9/> } SERVICE ?e { ?s ?p ?o } }",
    "SELECT * { { SELECT * { OPTIONAL { SERVICE <http://127.0.0.1:9/> {} } } } }",
])
def test_service_is_refused_by_default(query: str) -> None:
    with pytest.raises(BadQuery, match="SERVICE") as err:
        check(query, LIMITS)
    assert err.value.status == 400


def test_service_on_the_allowlist_passes_and_others_do_not() -> None:
    limits = Limits(service_allowlist=("http://127.0.0.1:9/sparql",))
    assert check("PREFIX x: <http://127.0.0.1:9/> SELECT * { SERVICE x:sparql { ?s ?p ?o } }", limits)
    with pytest.raises(BadQuery, match=re.escape("http://127.0.0.1:9/other")):
        check("SELECT * { SERVICE <http://127.0.0.1:9/other> { ?s ?p ?o } }", limits)


def test_service_inside_a_string_is_not_a_service() -> None:
    assert inspect("SELECT * { ?s ?p 'SERVICE <http://127.0.0.1:9/>' }").services == []


@pytest.mark.parametrize(("query", "patterns"), [
    ("SELECT * { ?s ?p ?o }", 1),
    ("SELECT * { ?s ?p ?o . ?a ?b ?c . }", 2),
    ("SELECT * { ?s a <x:C> ; <x:p> 1, 2 . FILTER(?s) ?x <x:p>/<x:q> ?y }", 4),
    ("SELECT * { ?s (<x:p>|<x:q>)+ ?o ; ^<x:r> [] ; !(<x:t>) ?z }", 3),
    ("SELECT * { ?s <x:p> \"1\"^^<x:d>, 'a'@en }", 2),
    ("SELECT * { VALUES ?x { <x:a> <x:b> <x:c> } ?x <x:p> ?o }", 1),
    ("SELECT * { { SELECT ?x WHERE { ?x <x:p> ?y } LIMIT 5 } ?x <x:q> ?z FILTER NOT EXISTS { ?z <x:r> ?w } }", 3),
    ("CONSTRUCT { ?s <x:p> ?o } WHERE { GRAPH ?g { ?s <x:q> ?o } OPTIONAL { ?o <x:r> (1 2) } }", 3),
    ("SELECT * { ?s <x:p> [ <x:q> ?x ; <x:r> [ <x:t> 3 ] ] }", 4),
    ("SELECT * { FILTER regex(?x, 'a') ?s ?p ?o BIND(1 AS ?one) ?s ?q ?r }", 2),
    ("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f } GROUP BY ?a HAVING (COUNT(*) > 1) VALUES ?a { 1 2 3 4 }", 2),
])
def test_triple_patterns_are_counted(query: str, patterns: int) -> None:
    assert inspect(query).triple_patterns == patterns


def test_too_many_triple_patterns_are_refused() -> None:
    query = "SELECT * { " + " . ".join(f"?s{i} ?p ?o" for i in range(201)) + " }"
    with pytest.raises(BadQuery, match="201 triple patterns"):
        check(query, LIMITS)
    assert check(query, Limits(max_triple_patterns=201)).triple_patterns == 201


@pytest.mark.parametrize(("query", "form"), [
    ("PREFIX e: <http://e/> BASE <http://b/> select * { ?s ?p ?o }", "SELECT"),
    ("# a comment with SELECT\nASK { ?s ?p ?o }", "ASK"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://e/x>", "DESCRIBE"),
])
def test_the_query_form_is_found(query: str, form: str) -> None:
    assert check(query, LIMITS).form == form


def test_text_without_a_query_form_is_refused() -> None:
    with pytest.raises(BadQuery, match="not a SPARQL query"):
        check("PREFIX e: <http://e/>", LIMITS)


def test_dataset_clauses_are_noticed_only_at_the_top() -> None:
    assert inspect("SELECT * FROM <http://e/g> { ?s ?p ?o }").dataset_clause
    assert inspect("SELECT * FROM NAMED <http://e/g> { GRAPH ?g { ?s ?p ?o } }").dataset_clause
    assert not inspect("SELECT * { ?s <http://e/from> 'FROM <x>' }").dataset_clause


@pytest.mark.parametrize(("query", "expected", "count"), [
    ("SELECT * { ?s ?p ?o }", "SELECT * { ?s ?p ?o }\nLIMIT 11\n", True),
    ("SELECT * { ?s ?p ?o } LIMIT 5", "SELECT * { ?s ?p ?o } LIMIT 5", False),
    ("SELECT * { ?s ?p ?o } LIMIT 10", "SELECT * { ?s ?p ?o } LIMIT 10", False),
    ("SELECT * { ?s ?p ?o } OFFSET 3 LIMIT 500", "SELECT * { ?s ?p ?o } OFFSET 3 LIMIT 11", True),
    ("SELECT * { ?s ?p ?o } ORDER BY ?s # the end", "SELECT * { ?s ?p ?o } ORDER BY ?s # the end\nLIMIT 11\n", True),
    ("SELECT * { ?s ?p ?o } VALUES ?s { <x:a> }", "SELECT * { ?s ?p ?o } \nLIMIT 11\nVALUES ?s { <x:a> }", True),
    ("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 2 } }", "SELECT * { { SELECT * { ?s ?p ?o } LIMIT 2 } }\nLIMIT 11\n",
     True),
    ("ASK { ?s ?p ?o }", "ASK { ?s ?p ?o }", False),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }", True),
])
def test_capped_asks_the_engine_for_one_row_more_than_the_cap(query: str, expected: str, count: bool) -> None:
    assert capped(query, inspect(query), 10) == (expected, count)


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_every_canned_query_passes_the_default_limits(name: str) -> None:
    query = load_queries()[name]
    assert check(query.text, LIMITS).form == "SELECT"
