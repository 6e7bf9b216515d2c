"""What the bench sends: the query mix, the one-URI lookup, entity pages, and peelkg's own surfaces.

Every SPARQL server gets the same query texts by GET (``?query=``, the SPARQL 1.1 protocol), with
``Accept: application/sparql-results+json`` for rows and ``application/n-triples`` for graphs.
Canned queries are the project's ``queries/*.rq`` bound the way ``/queries/{name}`` binds them.
:func:`answer_size` fetches one answer and counts it (rows, triples or bytes), so a run can show
that every server answers the same before it is timed.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from kg.namespaces import force_iri, sparql_prefixes
from kg.query.canned import load_queries

from .load import Request

ROWS = "application/sparql-results+json"
TRIPLES = "application/n-triples"
NORFOLK = str(force_iri("norfolk"))


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    accept: str = ROWS


def query_mix() -> list[Query]:
    """The canned queries (bound as users bind them), a lookup, DESCRIBE, CONSTRUCT, an aggregate, a text search."""
    canned = load_queries()
    bound = {"forces": {}, "judgements": {"force": "norfolk"}, "areas-for-improvement": {"force": "norfolk"},
             "partners": {}, "themes": {}, "grade-changes": {"force": "norfolk"}}
    mix = [Query(f"canned:{name}", canned[name].bind(values)) for name, values in bound.items() if name in canned]
    mix += [
        lookup(),
        Query("describe", f"DESCRIBE <{NORFOLK}>", TRIPLES),
        Query("construct", sparql_prefixes() + "CONSTRUCT { ?j peel:grade ?g ; peel:year ?y } WHERE { "
              f"?j a peel:Judgement ; peel:force <{NORFOLK}> ; peel:grade ?g ; peel:year ?y }}", TRIPLES),
        Query("aggregate", "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)"),
        Query("text-search", sparql_prefixes() + "SELECT ?s ?text WHERE { ?s peel:text ?text "
              'FILTER(CONTAINS(LCASE(?text), "domestic abuse")) } ORDER BY ?s LIMIT 20'),
    ]
    return mix


def lookup() -> Query:
    return Query("lookup", f"SELECT ?p ?o WHERE {{ <{NORFOLK}> ?p ?o }}")


def sparql_request(path: str, query: Query) -> Request:
    return Request(f"{path}?{urllib.parse.urlencode({'query': query.text})}", headers=(("Accept", query.accept),))


PAGE = "/doc/force/norfolk"
SITE = (  # peelkg's own surfaces, as a browsing user and a data user reach them
    "/doc/force/norfolk",
    "/doc/inspection/2016/norfolk/effectiveness",
    "/doc/theme/domestic-abuse",
    "/doc/force/norfolk.ttl",
    "/queries/judgements?force=norfolk",
    "/search?q=domestic+abuse",
)


def answer_size(base: str, request: Request) -> tuple[int, int]:
    """(HTTP status, size) of one answer: rows of a results document, lines of N-Triples, else bytes."""
    accept = dict(request.headers).get("Accept", "*/*")
    try:
        with urllib.request.urlopen(urllib.request.Request(base + request.path, headers={"Accept": accept}),
                                    timeout=600) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, 0
    if accept == ROWS:
        try:
            data = json.loads(body)
        except ValueError:
            return status, -1
        return status, len(data.get("results", {}).get("bindings", [])) if "results" in data else 1
    if accept == TRIPLES:
        return status, sum(1 for line in body.splitlines() if line.strip())
    return status, len(body)


def fetch(base: str, path: str) -> bytes:
    with urllib.request.urlopen(base + path, timeout=120) as response:
        data: bytes = response.read()
        return data
