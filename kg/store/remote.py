"""The store as a remote SPARQL 1.1 endpoint (any standard server), queried through SPARQLWrapper.

``RemoteStore`` offers what ``kg.store.local.LocalStore`` offers, with the same results:

- rows for SELECT (``SelectResult``), a bool for ASK, an rdflib ``Graph`` for CONSTRUCT and
  DESCRIBE; plain literals come back typed ``xsd:string``, as the embedded store gives them;
- ``bindings`` are values, never query text: they travel as one ``VALUES`` row of
  N-Triples-serialised terms placed first in the query's outermost ``WHERE`` group (or,
  for a query without one, as its trailing ``VALUES`` clause; ``kg.sparql.binding``).  That is how the embedded
  store evaluates substitutions too: the bound values join the top-level pattern, filters
  of that group see them, and sub-queries that do not project a variable keep their own;
  ``values`` (many values a variable, for ``select``) travel as ``VALUES`` blocks, on both stores alike;
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
from kg.sparql.binding import bind_many, bind_values, query_form
from kg.store.interface import QueryOutcome, Runner, SelectResult, Term
from kg.store.local import to_rdflib

RESULTS_JSON = SPARQL_JSON.media_type
N_TRIPLES = N_TRIPLES_FORMAT.media_type
MESSAGE_LIMIT = 300  # characters of a server's error message passed on to the user


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

    def select(self, query: str, bindings: Mapping[str, Term] | None = None, *,
               values: Mapping[str, Sequence[Term]] | None = None) -> SelectResult:
        if query_form(query) != "SELECT":
            raise BadQuery("not a SELECT query")
        parsed = self._results(bind_values(bind_many(query, values), bindings))
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
               in_process: bool = False, shared: bool = False) -> Runner:
        """The endpoint's jobs sent to this same endpoint (``kg.query.remote``): at most ``workers`` at once and
        ``queue`` more waiting, each within ``timeout`` seconds, its wait included; the server does the work,
        so no worker process or memory limit is kept here."""
        from kg.query.remote import RemoteRunner

        return RemoteRunner(self, timeout=timeout, size=workers, queue=queue)

    def close(self) -> None:
        """Nothing to release: every query is its own HTTP request."""
