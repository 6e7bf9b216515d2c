"""The store as a remote SPARQL 1.1 endpoint (any standard server), queried through SPARQLWrapper.

``RemoteStore`` offers what ``kg.store.local.LocalStore`` offers, with the same results:

- rows for SELECT (``SelectResult``), a bool for ASK, an rdflib ``Graph`` for CONSTRUCT and
  DESCRIBE; plain literals come back typed ``xsd:string``, as the embedded store gives them;
- ``bindings`` are values, never query text: they travel as one ``VALUES`` row of
  N-Triples-serialised terms placed first in the query's outermost ``WHERE`` group (or,
  for a query without one, as its trailing ``VALUES`` clause).  That is how the embedded
  store evaluates substitutions too: the bound values join the top-level pattern, filters
  of that group see them, and sub-queries that do not project a variable keep their own;
- the default graph must be the union of the named graphs, as it is for the embedded store:
  configure the server so (Oxigraph ``--union-default-graph``; Fuseki ``unionDefaultGraph``).

Failures are domain errors with a readable message and no server internals:
``BadQuery`` (the query cannot be run: syntax, a blank node bound, not a query form),
``QueryTimeout`` (no answer within ``timeout`` seconds) and ``StoreUnavailable`` (the
server cannot be reached or failed).

>>> bind_values("SELECT ?s ?o WHERE { ?s ?p ?o }", {"o": Literal("a b")})
'SELECT ?s ?o WHERE { VALUES (?o) { ("a b") } ?s ?p ?o }'
>>> query_form("PREFIX ex: <http://e/> # SELECT\\nASK { ?s ex:p '{' }")
'ASK'
"""

from __future__ import annotations

import ast
import json
import re
import urllib.error
from collections.abc import Mapping, Sequence
from http.client import HTTPException
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointNotFound, QueryBadFormed, SPARQLWrapperException

from kg import __version__
from kg.errors import BadQuery, QueryTimeout, StoreUnavailable
from kg.formats import N_TRIPLES as N_TRIPLES_FORMAT
from kg.formats import SPARQL_JSON
from kg.query.lexer import tokens
from kg.store.interface import QueryOutcome, Runner, SelectResult, Term
from kg.store.local import to_rdflib

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
RESULTS_JSON = SPARQL_JSON.media_type
N_TRIPLES = N_TRIPLES_FORMAT.media_type
MESSAGE_LIMIT = 300  # characters of a server's error message passed on to the user

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


def term_text(name: str, value: Term) -> str:
    """The N-Triples form of a bound value; ``BadQuery`` for what a VALUES block cannot carry."""
    if isinstance(value, BNode):
        raise BadQuery(f"variable ?{name}: a blank node cannot be bound on a remote store")
    if isinstance(value, URIRef) and not _IRI_SAFE.match(str(value)):
        raise BadQuery(f"variable ?{name}: {str(value)[:80]!r} is not an IRI")
    if not isinstance(value, URIRef | Literal):
        raise BadQuery(f"variable ?{name}: {type(value).__name__} is not an RDF term")
    return value.n3()


def bind_values(query: str, bindings: Mapping[str, Term] | None) -> str:
    """``query`` with ``bindings`` as one VALUES row (see the module docstring for where it goes)."""
    if not bindings:
        return query
    for name in bindings:
        if not re.fullmatch(r"\w+", name):
            raise BadQuery(f"{name!r} is not a variable name")
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


def _term(value: Mapping[str, str]) -> Term:
    """An rdflib term from a SPARQL 1.1 Query Results JSON term, typed as the embedded store types it."""
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return Literal(value["value"], lang=value["xml:lang"])
        return Literal(value["value"], datatype=URIRef(value.get("datatype", str(XSD.string))))
    raise StoreUnavailable(f"the SPARQL store answered a term of an unsupported kind ({kind})")


def _server_message(exc: SPARQLWrapperException) -> str:
    """The first line of the server's own error text, shortened to ``MESSAGE_LIMIT`` characters.

    SPARQLWrapper keeps the response body only as a ``repr`` inside its message.
    """
    text = str(exc)
    _, found, body = text.partition("Response:\n")
    if found:
        try:
            raw = ast.literal_eval(body.strip())
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        except (ValueError, SyntaxError):
            text = body
    else:
        text = getattr(exc, "msg", "") or text
    line = next((part.strip() for part in text.splitlines() if part.strip()), "no message")
    return line[:MESSAGE_LIMIT]


class RemoteStore:
    """The ``kg.store.interface.Store`` over a SPARQL 1.1 query endpoint.

    ``endpoint`` is the query URL (Oxigraph: ``http://host:7878/query``); ``timeout`` bounds
    each request, in seconds.  Queries are sent with POST (form-encoded), so long queries
    and bound values never hit a URL length limit.  Instances hold no connection and are safe
    to share between threads.
    """

    def __init__(self, endpoint: str, *, timeout: float = 10.0) -> None:
        if not re.match(r"^https?://", endpoint):
            raise BadQuery(f"the store URL must be an http(s) URL of a SPARQL endpoint, not {endpoint!r}")
        self.endpoint = endpoint
        self.timeout = timeout

    def send(self, query: str, form: str, *, accept: str | None = None,
             default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
             timeout: float | None = None) -> bytes:
        """POST ``query`` (whose form is ``form``) and return the raw answer in ``accept``
        (default: results JSON, or N-Triples for a graph), with the protocol's graph parameters.
        ``timeout`` (default: the store's) bounds this request, in seconds."""
        limit = self.timeout if timeout is None else timeout
        wrapper = SPARQLWrapper(self.endpoint, agent=f"peelkg/{__version__}")
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON if form in ("SELECT", "ASK") else TURTLE)
        wrapper.timeout = limit  # type: ignore[assignment]  # setTimeout() truncates to int
        wrapper.addCustomHttpHeader("Accept", accept or (RESULTS_JSON if form in ("SELECT", "ASK") else N_TRIPLES))
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        wrapper.queryString = query  # setQuery would guess the form again, and warn on what it cannot guess
        wrapper.queryType = form
        try:
            with wrapper.query().response as response:
                data: bytes = response.read()
                return data
        except QueryBadFormed as exc:
            raise BadQuery(f"the SPARQL store refused the query: {_server_message(exc)}") from None
        except EndPointNotFound:
            raise StoreUnavailable(f"no SPARQL endpoint at {self.endpoint} (HTTP 404)") from None
        except SPARQLWrapperException as exc:  # 401, 414, 500
            raise StoreUnavailable(f"the SPARQL store failed: {_server_message(exc)}") from None
        except urllib.error.HTTPError as exc:
            raise StoreUnavailable(f"the SPARQL store answered HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise QueryTimeout(f"the SPARQL store did not answer within {limit:g} s") from None
            raise StoreUnavailable(f"cannot reach the SPARQL store at {self.endpoint}: {exc.reason}") from None
        except TimeoutError:
            raise QueryTimeout(f"the SPARQL store did not answer within {limit:g} s") from None
        except (HTTPException, OSError) as exc:
            raise StoreUnavailable(f"the connection to the SPARQL store failed ({type(exc).__name__})") from None

    def _results(self, query: str) -> dict[str, Any]:
        data = self.send(query, query_form(query))
        try:
            parsed: dict[str, Any] = json.loads(data)
        except ValueError:
            raise StoreUnavailable("the SPARQL store answered something other than SPARQL results JSON") from None
        return parsed

    def query(self, query: str, bindings: Mapping[str, Term] | None = None) -> QueryOutcome:
        """Run any query form: rows for SELECT, a bool for ASK, a graph for CONSTRUCT/DESCRIBE."""
        form = query_form(query)
        if form == "SELECT":
            return self.select(query, bindings)
        if form == "ASK":
            return self.ask(query, bindings)
        return self.construct(query, bindings)

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        if query_form(query) != "SELECT":
            raise BadQuery("not a SELECT query")
        parsed = self._results(bind_values(query, bindings))
        variables = list(parsed.get("head", {}).get("vars", []))
        rows = [
            {name: _term(value) for name, value in solution.items() if name in variables}
            for solution in parsed.get("results", {}).get("bindings", [])
        ]
        return SelectResult(variables, rows)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        if query_form(query) != "ASK":
            raise BadQuery("not an ASK query")
        answer = self._results(bind_values(query, bindings)).get("boolean")
        if not isinstance(answer, bool):
            raise StoreUnavailable("the SPARQL store answered an ASK query without a boolean")
        return answer

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> Graph:
        if query_form(query) not in ("CONSTRUCT", "DESCRIBE"):
            raise BadQuery("not a CONSTRUCT or DESCRIBE query")
        data = self.send(bind_values(query, bindings), query_form(query))
        graph = Graph()
        try:
            for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        except SyntaxError:
            raise StoreUnavailable("the SPARQL store answered a graph that is not N-Triples") from None
        return graph

    def runner(self, *, workers: int, memory_mb: int, timeout: float, queue: int,
               in_process: bool = False) -> Runner:
        """The endpoint's jobs sent to this same endpoint (``kg.query.remote``): at most ``workers`` at once and
        ``queue`` more waiting, each within ``timeout`` seconds, its wait included; the server does the work,
        so no worker process or memory limit is kept here."""
        from kg.query.remote import RemoteRunner

        return RemoteRunner(self, timeout=timeout, size=workers, queue=queue)

    def close(self) -> None:
        """Nothing to release: every query is its own HTTP request."""
