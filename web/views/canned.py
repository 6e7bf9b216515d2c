"""``/queries/``: the canned queries of ``queries/*.rq``, each at its own URL.

``/queries/`` lists them by their header comments (title, description, parameters), as a
page or, for ``Accept: application/json``, as JSON; ``/queries/{name}`` runs one with the
parameters of the URL bound as values and shows a table; ``/queries/{name}.json`` and
``.csv`` give the same answer as SPARQL JSON results and CSV — what ``peelkg query NAME``
prints; ``/queries/{name}.rq`` is its text (``application/sparql-query``), with the URL's
parameters bound, ready for any SPARQL client.  Every run goes through the SPARQL endpoint's
query service: same limits, row cap (``X-SPARQL-MaxRows``), cache and time limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from kg.errors import BadQuery
from kg.formats import HTML, JSON, SPARQL_CSV, SPARQL_JSON, SPARQL_QUERY
from kg.query.canned import CannedQuery, get_query, load_queries
from kg.query.execute import Cell
from kg.query.facets import table_parameter
from web.context import memo, peel
from web.http.cors import allow_cross_origin
from web.present.choices import Choice, choices
from web.present.table_view import TableView, table_view
from web.views.sparql import MAX_ROWS_HEADER, client, page_table, service

bp = Blueprint("canned", __name__)
bp.after_request(allow_cross_origin)
_DATA_FORMATS = {f.key: f for f in (SPARQL_JSON, SPARQL_CSV)}


@bp.get("/queries/")
def index() -> Response:
    queries = list(load_queries().values())
    if request.accept_mimetypes.best_match([HTML.media_type, JSON.media_type]) == JSON.media_type:
        response = jsonify({"queries": [describe(q) for q in queries]})
    else:
        response = Response(render_template("queries.html", queries=queries), mimetype=HTML.media_type)
    response.vary.add("Accept")
    return response


@bp.get("/queries/<name>")
def page(name: str) -> Response:
    args = {k: v for k, v in request.args.to_dict().items() if not table_parameter(k)}
    data = run_for_page(get_query(name), args)
    response = Response(render_template("query.html", **vars(data)), status=data.status, mimetype=HTML.media_type)
    response.headers["Link"] = ", ".join(f'<{href}>; rel="alternate"; type="{media_type}"'
                                         for _name, href, media_type in data.downloads)
    if data.truncated:
        response.headers[MAX_ROWS_HEADER] = str(data.max_rows)
    return response


@bp.get("/queries/<name>.<any(json, csv):ext>")
def results(name: str, ext: str) -> Response:
    text = get_query(name).bind(_values(request.args.to_dict()))
    answer = service().complete(text, service().check(text), ext, client=client())
    response = Response(answer.body, content_type=_DATA_FORMATS[ext].content_type)  # CSV defused by the service
    if answer.truncated:
        response.headers[MAX_ROWS_HEADER] = str(service().max_rows)
    return response


@bp.get("/queries/<name>.rq")
def text(name: str) -> Response:
    body = get_query(name).bind(_values(request.args.to_dict()))
    return Response(body, content_type=f"{SPARQL_QUERY.media_type}; charset=utf-8")


def describe(query: CannedQuery) -> dict[str, object]:
    """A canned query's header as plain data."""
    return {"name": query.name, "title": query.title, "description": query.description,
            "url": url_for("canned.page", name=query.name, _external=False),
            "parameters": [{"name": p.name, "type": p.type, "optional": p.optional, "description": p.description}
                           for p in query.parameters]}


@dataclass
class CannedPage:
    """What the page of one canned query shows, as plain data."""

    query: CannedQuery
    values: dict[str, str]
    text: str
    max_rows: int
    downloads: list[tuple[str, str, str]]  # format name, URL, media type
    status: int = 200
    error: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Cell]] = field(default_factory=list)
    truncated: bool = False
    shown_cut: bool = False  # more rows than the page shows; the downloads hold them
    choices: dict[str, list[Choice]] = field(default_factory=dict)  # parameter → the values the release holds
    view: TableView | None = None  # the rows sorted and filtered as the page's address says (kg.query.facets)


def choices_of(query: CannedQuery) -> dict[str, list[Choice]]:
    """The values each parameter of ``query`` can take (none for a parameter without a fixed set)."""
    def of_type(kind: str) -> list[Choice]:
        found: list[Choice] = memo(f"choices.{kind}", lambda: choices(peel().store, kind))
        return found

    return {p.name: of_type(p.type) for p in query.parameters}


def unmatched(query: CannedQuery, values: dict[str, str], offered: dict[str, list[Choice]]) -> str | None:
    """Why a given value can match nothing (it is not one of its parameter's choices), or None."""
    for p in query.parameters:
        value, known = values.get(p.name, "").strip(), offered.get(p.name)
        if value and known and value not in {v for v, _label in known}:
            close = [label for v, label in known if value.casefold() in (v.casefold(), label.casefold())]
            hint = f" (did you mean {close[0]}?)" if close else ""
            return (f"parameter {p.name}: {value!r} matches no {p.type} in this dataset{hint}; "
                    f"choose one of the {len(known)} listed in the form")
    return None


def run_for_page(query: CannedQuery, args: dict[str, str]) -> CannedPage:
    """What the page of ``query`` shows for the parameters ``args``."""
    suffix = ("?" + urlencode(args)) if args else ""
    data = CannedPage(query, args, query.text, service().max_rows,
                      [(f.name, url_for("canned.results", name=query.name, ext=key) + suffix, f.media_type)
                       for key, f in _DATA_FORMATS.items()])
    data.choices = choices_of(query)
    if (problem := unmatched(query, args, data.choices)) is not None:
        data.error, data.status = problem, 400
        return data
    try:
        text = query.bind(_values(args))
        answer = service().answer(text, service().check(text), "json", client=client())
    except BadQuery as exc:
        data.error, data.status = str(exc), exc.status
        return data
    data.text = text
    data.columns, data.rows, data.shown_cut = page_table(answer.body, "SELECT")
    data.truncated = answer.truncated
    try:
        data.view = table_view(data.columns, data.rows)
    except BadQuery as exc:
        data.error, data.status = str(exc), exc.status
    return data


def _values(args: dict[str, str]) -> dict[str, str]:
    """The parameters given a value (a form's empty fields mean "any")."""
    return {k: v for k, v in args.items() if v.strip() and not table_parameter(k)}
