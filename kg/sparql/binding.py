"""Values bound into query text, for a store that takes no substitutions: always as ``VALUES`` blocks of
serialised RDF terms (N-Triples syntax, rdflib's ``n3()``, which escapes quotes, newlines and backslashes), never as
raw text (decision 0500).

- :func:`bind_values`: one value a variable, as one ``VALUES`` row: how the remote store carries ``bindings``
  (the embedded store passes them to its engine as substitutions instead).
- :func:`bind_many`: many values a variable, one ``VALUES`` block each: how both stores carry ``values``, the
  many-valued binding of ``Store.select`` (the engine's substitutions bind one value a variable).

Both go first in the query's outermost ``WHERE`` group (found with the one lexer, ``kg.sparql.lexer``), so the
values join the top-level pattern and its filters see them.  A blank node, an IRI with characters no IRI holds,
or a name that is not a variable's is refused (``BadQuery``) before any query runs.

>>> bind_values("SELECT ?s ?o WHERE { ?s ?p ?o }", {"o": Literal("a b")})
'SELECT ?s ?o WHERE { VALUES (?o) { ("a b") } ?s ?p ?o }'
>>> bind_many("SELECT ?s WHERE { ?s ?p ?o }", {"s": [URIRef("http://e/a"), URIRef("http://e/b")]})
'SELECT ?s WHERE { VALUES ?s { <http://e/a> <http://e/b> } ?s ?p ?o }'
>>> query_form("PREFIX ex: <http://e/> # SELECT\\nASK { ?s ex:p '{' }")
'ASK'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rdflib import BNode, Literal, URIRef

from kg.errors import BadQuery
from kg.sparql.lexer import tokens

Term = URIRef | Literal | BNode

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")

_IRI_SAFE = re.compile(r'^[^<>"{}|^`\\\x00-\x20]*$')


def query_form(query: str) -> str:
    """SELECT, CONSTRUCT, DESCRIBE or ASK; ``BadQuery`` for anything else (updates included)."""
    for tok in tokens(query):
        if tok.kind != "word" or tok.keyword in ("BASE", "PREFIX"):
            continue
        if tok.keyword in FORMS:
            return tok.keyword
        break
    raise BadQuery("not a SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK")


def _where_group(query: str, form: str) -> int | None:
    """Offset just inside the ``{`` that opens the outermost WHERE group, or None if there is none."""
    started, depth, parens, template_done = False, 0, 0, form != "CONSTRUCT"
    for tok in tokens(query):
        text, end = tok.text, tok.end
        if not started:
            started = tok.keyword == form
            continue
        if tok.keyword == "WHERE" and not template_done:
            return None  # CONSTRUCT WHERE { triples }: the short form admits no VALUES inside
        if text == "(":
            parens += 1
        elif text == ")":
            parens -= 1
        elif text == "{" and parens == 0:
            if template_done and depth == 0:
                return end
            depth += 1
        elif text == "}" and parens == 0:
            depth -= 1
            template_done = template_done or depth == 0
    return None


def _projected(query: str) -> set[str] | None:
    """The variables a SELECT query projects (None for ``SELECT *``)."""
    started, parens, after_as, names = False, 0, False, set()
    for tok in tokens(query):
        text = tok.text
        if not started:
            started = tok.keyword == "SELECT"
            continue
        if parens == 0 and (text == "{" or tok.keyword in ("WHERE", "FROM")):
            break
        if text == "*" and parens == 0:
            return None
        parens += (text == "(") - (text == ")")
        if tok.kind == "var" and (parens == 0 or after_as):
            names.add(text[1:])
        after_as = tok.keyword == "AS"
    return names


def bindable_iri(text: str) -> bool:
    """Whether ``text`` can be bound as an IRI (it holds none of the characters IRIs cannot hold).

    >>> bindable_iri("https://e/a"), bindable_iri("https://e/a> } { <b")
    (True, False)
    """
    return bool(_IRI_SAFE.match(text))


def term_text(name: str, value: Term) -> str:
    """The N-Triples form of a bound value; ``BadQuery`` for what a VALUES block cannot carry."""
    if isinstance(value, BNode):
        raise BadQuery(f"variable ?{name}: a blank node cannot be bound on a remote store")
    if isinstance(value, URIRef) and not bindable_iri(str(value)):
        raise BadQuery(f"variable ?{name}: {str(value)[:80]!r} is not an IRI")
    if not isinstance(value, URIRef | Literal):
        raise BadQuery(f"variable ?{name}: {type(value).__name__} is not an RDF term")
    return value.n3()


def bind_values(query: str, bindings: Mapping[str, Term] | None) -> str:
    """``query`` with ``bindings`` as one VALUES row (see the module docstring for where it goes)."""
    if not bindings:
        return query
    _check_names(bindings)
    names = sorted(bindings)
    form = query_form(query)
    projected = _projected(query) if form == "SELECT" else None
    unselected = [n for n in names if projected is not None and n not in projected]
    if unselected:
        raise BadQuery(f"variable ?{unselected[0]} is bound, so the SELECT clause must name it")
    block = "VALUES ({}) {{ ({}) }}".format(
        " ".join("?" + n for n in names), " ".join(term_text(n, bindings[n]) for n in names)
    )
    at = _where_group(query, form)
    if at is None:
        if any(tok.keyword == "VALUES" for tok in tokens(query)):
            raise BadQuery("cannot bind values in a query without a WHERE group that has its own VALUES clause")
        return f"{query.rstrip()}\n{block}"
    return f"{query[:at]} {block}{query[at:]}"


def bind_many(query: str, values: Mapping[str, Sequence[Term]] | None) -> str:
    """``query`` with a ``VALUES ?name { term … }`` block for each variable of ``values`` (in name order), first in
    its outermost WHERE group; an empty sequence binds no value, so the query has no answer."""
    if not values:
        return query
    _check_names(values)
    blocks = " ".join("VALUES ?{} {{ {} }}".format(name, " ".join(term_text(name, v) for v in values[name]))
                      for name in sorted(values))
    at = _where_group(query, query_form(query))
    if at is None:
        raise BadQuery("many values can only be bound in a query with a WHERE group")
    return f"{query[:at]} {blocks}{query[at:]}"


def _check_names(bindings: Mapping[str, object]) -> None:
    for name in bindings:
        if not re.fullmatch(r"\w+", name):
            raise BadQuery(f"{name!r} is not a variable name")
