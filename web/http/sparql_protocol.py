"""Reading a SPARQL 1.1 Protocol query request (https://www.w3.org/TR/sparql11-protocol/#query-operation).

Three ways to send a query: ``GET ?query=``, ``POST`` of an
``application/x-www-form-urlencoded`` form with a ``query`` field, and ``POST`` of an
``application/sparql-query`` body (UTF-8; its parameters in the URL).  Each may carry
``default-graph-uri`` and ``named-graph-uri`` (any number of each).  The endpoint is read-only:
an ``update`` field or an ``application/sparql-update`` body is refused with 403.  Everything
else the protocol calls a malformed request gets 400; an unknown body type 415; a body far
larger than the longest accepted query 413, before it is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import request
from werkzeug.datastructures import MultiDict

from kg.errors import BadQuery
from kg.formats import FORM as FORM_FORMAT
from kg.formats import SPARQL_QUERY, SPARQL_UPDATE
from kg.query.service import Dataset

READ_ONLY = ("this endpoint is read-only: SPARQL Update is not accepted "
             "(https://www.w3.org/TR/sparql11-protocol/#update-operation)")
FORM = FORM_FORMAT.media_type
DIRECT = SPARQL_QUERY.media_type
UPDATE = SPARQL_UPDATE.media_type
MAX_GRAPHS = 100
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


@dataclass(frozen=True)
class QueryRequest:
    query: str | None  # None: no query (the service description or the query page)
    dataset: Dataset | None  # None: the service's default dataset
    formats: list[str]  # values of ?format=, in order


def body_limit(max_query_bytes: int) -> int:
    """The largest body read: a form percent-encodes a query to at most three times its size."""
    return 3 * max_query_bytes + 64 * 1024


def read_query_request(max_query_bytes: int) -> QueryRequest:
    """The query, dataset and format parameters of the current request; ``BadQuery`` if malformed."""
    limit = body_limit(max_query_bytes)
    if request.content_length is not None and request.content_length > limit:
        raise BadQuery(f"the request body is {request.content_length} bytes; this endpoint reads at most {limit}",
                       status=413)
    request.max_content_length = limit
    if request.method == "POST":
        queries, params = _posted(request.mimetype, limit)
    else:
        if "update" in request.args:
            raise BadQuery(READ_ONLY, status=403)
        queries, params = request.args.getlist("query"), request.args
    if len(queries) > 1:
        raise BadQuery("one query per request, please: the request has several query parameters")
    dataset = _dataset(params.getlist("default-graph-uri"), params.getlist("named-graph-uri"))
    return QueryRequest(queries[0] if queries else None, dataset, request.values.getlist("format"))


def _posted(mimetype: str, limit: int) -> tuple[list[str], MultiDict[str, str]]:
    if mimetype == UPDATE:
        raise BadQuery(READ_ONLY, status=403)
    if mimetype == FORM:
        if "update" in request.form or "update" in request.args:
            raise BadQuery(READ_ONLY, status=403)
        return request.form.getlist("query") + request.args.getlist("query"), request.values
    if mimetype == DIRECT:
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise BadQuery(f"a query body must be UTF-8, not {charset}", status=415)
        body = request.stream.read(limit + 1)
        if len(body) > limit:
            raise BadQuery(f"the request body is larger than {limit} bytes", status=413)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadQuery("the query body is not valid UTF-8") from None
        return [text, *request.args.getlist("query")], request.args
    shown = mimetype or "no media type"
    raise BadQuery(f"POST a query as {FORM} (a query field) or as {DIRECT}; this request has {shown}", status=415)


def _dataset(default_graphs: list[str], named_graphs: list[str]) -> Dataset | None:
    if not default_graphs and not named_graphs:
        return None
    for name, values in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
        if len(values) > MAX_GRAPHS:
            raise BadQuery(f"at most {MAX_GRAPHS} {name} parameters, please")
        for value in values:
            if not _IRI.match(value):
                raise BadQuery(f"{name} {value[:100]!r} is not an absolute IRI")
    return Dataset(tuple(default_graphs), tuple(named_graphs))
