"""One SPARQL lexer (kg.sparql.lexer) that reads a query as the engine does, and the smuggling
corpus: every way we know to spell a SERVICE call is a real one for pyoxigraph (it connects to
a loopback listener when run in this, unisolated, process) and the guard refuses each of them,
naming SERVICE.  The lexical limits hold behind every trick that hides text.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rdflib import Literal

from kg.errors import BadQuery
from kg.query.canned import CannedQuery, Parameter, _values_rows
from kg.query.guard import Limits, check, inspect
from kg.sparql.binding import bind_values, query_form
from kg.sparql.lexer import iri_value, tokens
from tests.listener import counting_listener
from tests.smuggling_corpus import ENGINE_NEVER_CALLS, smuggling_corpus

LIMITS = Limits()
HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def port() -> Iterator[tuple[int, list[int]]]:
    """A loopback TCP listener counting the connections it accepts (closing each at once)."""
    with counting_listener() as listener:
        yield listener


def connections(port: tuple[int, list[int]], query: str) -> int:
    """How many connections pyoxigraph opens to the listener while running ``query`` here."""
    _, accepted = port
    before = len(accepted)
    try:
        result = ox.Store().query(query)
        if not isinstance(result, bool):
            list(result)
    except (OSError, SyntaxError, RuntimeError):
        pass
    time.sleep(0.05)
    return len(accepted) - before


CORPUS_NAMES = list(smuggling_corpus("http://h:1/"))


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_each_smuggling_form_is_a_real_service_call_and_the_guard_refuses_it(
        port: tuple[int, list[int]], name: str) -> None:
    query = smuggling_corpus(f"http://{HOST}:{port[0]}/sparql")[name]
    if name in ENGINE_NEVER_CALLS:
        assert connections(port, query) == 0
    else:
        assert connections(port, query) >= 1, "the engine did not call the listener: not a real smuggling form"
    with pytest.raises(BadQuery) as err:
        check(query, LIMITS)
    assert err.value.status == 400
    assert "SERVICE" in str(err.value)


def test_an_allowlisted_service_is_only_the_one_spelled_plainly(port: tuple[int, list[int]]) -> None:
    url = f"http://{HOST}:{port[0]}/sparql"
    allowing = Limits(service_allowlist=(url,))
    corpus = smuggling_corpus(url)
    for name in ("plain", "silent", "relative to BASE", "codepoint escapes in the IRI", "prefixed name"):
        assert check(corpus[name], allowing).services
    for name in ("silent run together", "prefix run into keyword", "SILENT as a prefix", "variable"):
        with pytest.raises(BadQuery, match="SERVICE"):
            check(corpus[name], allowing)


# Text that the lexer skips whole, followed by code; each is followed by what a limit counts.
TRICKS = {
    "comment ended by CR": "# a comment\r",
    "comment ended by LF": "# a comment\n",
    "IRI holding #": "BIND(<http://e/#x> AS ?i)",
    "IRI holding an escape and #": "BIND(<http://e/\\u0041#> AS ?i)",
    "string holding #": 'BIND("#" AS ?h)',
    "long string holding # and newlines": "BIND('''#\n# ''' AS ?h)",
    "string holding an escaped quote": 'BIND("\\"#" AS ?h)',
    "string holding a codepoint-escaped quote": 'BIND("\\u0022#" AS ?h)',
    "upper-case and lower-case keywords": "bind(1 As ?k) FiLtEr(?k < 2)",
    "less-than with a space": "FILTER(1 < 2)",
}


@pytest.mark.parametrize("trick", list(TRICKS))
def test_every_lexical_limit_applies_after_each_trick(trick: str) -> None:
    prefix = "SELECT * WHERE { " + TRICKS[trick] + " "
    deep = prefix + "{" * 70 + " ?s ?p ?o " + "}" * 70 + " }"
    many = prefix + " UNION ".join(f"{{ ?s ?p ?o{i} }}" for i in range(250)) + " }"  # cheap to plan
    update = prefix + "} ; DELETE WHERE { ?s ?p ?o }"
    for query, refusal in [(deep, "71 deep"), (many, "triple patterns"), (update, "read-only")]:
        if refusal != "read-only":
            ox.Store().query(query)  # valid SPARQL: only the guard's limit stands in the way
        with pytest.raises(BadQuery, match=refusal):
            check(query, Limits(max_query_bytes=100_000))
    big = prefix + " " * 20_001 + " }"
    with pytest.raises(BadQuery) as err:
        check(big, LIMITS)
    assert err.value.status == 413


def test_parentheses_hidden_behind_a_less_than_still_count() -> None:
    query = "SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<" + "(" * 70 + "1" + ")" * 70 + "&&?a>0) }"
    with pytest.raises(BadQuery, match="'<'"):
        check(query, LIMITS)
    assert inspect("SELECT * WHERE { ?s <http://e/x(1)#> ?o }").nesting == 1  # an IRI where no operator can be


@pytest.mark.parametrize(("text", "kinds"), [
    ("#\rSELECT", ["word"]),
    ("# x\nSELECT", ["word"]),
    ("'#' \"#\" '''#\n''' \"\"\"#\"\"\"", ["string"] * 4),
    ("<http://e/#> <http://e/\\u0041>", ["iri", "iri"]),
    ("?x $y _:b ex:a\\#b 1.5e3 @en-GB", ["var", "var", "bnode", "pname", "number", "langtag"]),
    ("\\u0053ELECT", ["punct", "word"]),  # no escapes outside strings and IRIs, as the engine reads it
    ("SELECT\x0c*", ["word", "punct", "punct"]),  # form feed is no whitespace for the engine
])
def test_token_kinds(text: str, kinds: list[str]) -> None:
    assert [t.kind for t in tokens(text)] == kinds


def test_codepoint_escapes_are_decoded_in_iris() -> None:
    assert iri_value(next(tokens("<http://e/\\u0041\\U00000042>"))) == "http://e/AB"


def test_keywords_are_ascii_only() -> None:
    assert [t.keyword for t in tokens("select ſelect")] == ["SELECT", None]


# -- the bindings read queries with the same lexer ---------------------------------------------

def test_remote_binding_is_not_misled_by_a_comment_ended_by_cr() -> None:
    query = "SELECT ?o WHERE #\r{ ?s ?p ?o }"
    assert query_form("#\rASK {}") == "ASK"
    assert bind_values(query, {"o": Literal("x")}) == 'SELECT ?o WHERE #\r{ VALUES (?o) { ("x") } ?s ?p ?o }'


def test_remote_binding_skips_an_escaped_iri_holding_a_brace_like_comment() -> None:
    query = "SELECT ?o WHERE { ?s <http://e/\\u0041#{> ?o }"
    bound = bind_values(query, {"o": Literal("x")})
    assert bound == 'SELECT ?o WHERE { VALUES (?o) { ("x") } ?s <http://e/\\u0041#{> ?o }'


def test_canned_binding_ignores_a_values_line_in_a_comment_or_string() -> None:
    param = Parameter("force", "f", "force", True, "")
    text = ("# VALUES (?f) { (UNDEF) }\rSELECT ?f WHERE {\n"
            "  BIND(\"VALUES (?f) { (UNDEF) }\" AS ?s)\n  VALUES (?f) { (UNDEF) }\n  ?f ?p ?o }")
    assert len(_values_rows(text, (param,))) == 1
    query = CannedQuery("q", "q", "", (param,), text, None)  # type: ignore[arg-type]
    bound = query.bind({"force": "norfolk"})
    assert bound.count("(UNDEF)") == 2 and "{ (<" in bound
    assert bound.index("{ (<") > bound.index("AS ?s")
