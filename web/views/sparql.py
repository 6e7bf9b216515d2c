"""``/sparql``: the SPARQL 1.1 Protocol endpoint, its service description and its query page.

- With a query (GET, or either POST): the answer in the negotiated format
  (``web.http.sparql_formats``), or the query page with the answer as a table for a browser.
- Without one: the service description (Turtle, JSON-LD …), or the query page for a browser.

Queries run through the app's ``kg.query.service.QueryService`` (limits, row cap, cache,
worker processes with a time limit); a cut answer carries ``X-SPARQL-MaxRows``.  ``create_app``
starts the service (:func:`init_app`), so its workers are warm before the first query, and owns it:
``web.lifecycle.close_app`` stops the workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for

from kg.errors import BadQuery, QueryFailed, QueryTimeout
from kg.formats import HTML, SPARQL_QUERY
from kg.namespaces import PREFIXES, sparql_prefixes
from kg.query.canned import load_queries
from kg.query.execute import Answer, Cell, table
from kg.query.guard import Limits
from kg.query.results import serialise
from kg.query.service import Dataset, QueryService
from kg.query.service_description import describe, summary
from web.context import PeelContext, endpoint_iri, peel
from web.errors import render_error
from web.http.cors import allow_cross_origin
from web.http.sparql_formats import GRAPH, PAGE, Format, choose, formats_of, kind_of, wants_page
from web.http.sparql_protocol import read_query_request
from web.lifecycle import own
from web.present.charts import chart_palette
from web.present.table_view import TableView, table_view
from web.settings import Settings

bp = Blueprint("sparql", __name__)
bp.after_request(allow_cross_origin)
EXTENSION = "peelkg.sparql"
EDITOR_ASSET = Path(__file__).parents[1] / "static" / "sparql" / "vendor" / "yasgui.min.js"
EXAMPLE = sparql_prefixes("peel", "rdfs") + """
SELECT ?force ?label WHERE {
  ?force a peel:Force ;
         rdfs:label ?label .
}
ORDER BY ?label
"""
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"


def init_app(app: Flask) -> None:
    """Start the query service of the app's release, owned by the app (``web.lifecycle``)."""
    app.extensions[EXTENSION] = attach_service(app.config["SETTINGS"], app.extensions["peelkg"])
    own(app, app.extensions[EXTENSION].close)


def attach_service(settings: Settings, context: PeelContext) -> QueryService:
    """Start the query service (and its workers) over the store of ``context``'s release; it closes with
    the release (``PeelContext.close``: a server that follows new releases starts one per release)."""
    limits = Limits(settings.max_query_bytes, settings.max_nesting, settings.max_triple_patterns,
                    tuple(settings.service_allowlist))
    started = QueryService(
        context.store, context.release.id, limits=limits, max_rows=settings.max_rows, timeout=settings.query_timeout,
        workers=settings.query_worker_count, memory_mb=settings.query_memory_mb,
        cache_bytes=settings.query_cache_mb * 1024 * 1024,
        queue=settings.query_queue, budget_seconds=settings.query_budget_seconds,
        shared=settings.shared_query_workers)
    context.cache[EXTENSION] = started
    context.owned.append(started.close)
    return started


def client() -> str:
    """Who the query budget charges: the connection's address, or the last address of the
    ``client_header`` setting's header (written by a proxy in front)."""
    header = current_app.config["SETTINGS"].client_header
    forwarded = request.headers.get(header, "") if header else ""
    return forwarded.rsplit(",", 1)[-1].strip() or request.remote_addr or ""


def service() -> QueryService:
    """The query service of the request's release."""
    query_service: QueryService = peel().cache[EXTENSION]
    return query_service




@bp.app_errorhandler(QueryFailed)
def query_failed(exc: QueryFailed) -> Response:
    return render_error(exc.status, exc.title, str(exc))


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    query_request = read_query_request(service().limits.max_query_bytes)
    if query_request.query is None:
        if request.method == "POST":
            raise BadQuery("no query: send it as the query field of a form, or as an "
                           f"{SPARQL_QUERY.media_type} body")
        return description(query_request.formats)
    accept = request.headers.get("Accept", "")  # the raw value: negotiated once per distinct header
    if wants_page(query_request.formats, accept):
        return page(query_request.query, query_request.dataset)
    info = service().check(query_request.query)
    assert info.form is not None
    fmt = choose(kind_of(info.form), query_request.formats, accept, html=False)
    answer = service().complete(query_request.query, info, fmt.key, query_request.dataset, client=client())
    return answer_response(answer, fmt)


def answer_response(answer: Answer, fmt: Format) -> Response:
    """An answer as an HTTP response: its media type, ``Vary: Accept``, and the row-cap notice."""
    response = Response(answer.body, content_type=fmt.content_type)
    response.vary.add("Accept")
    if answer.truncated:
        response.headers[MAX_ROWS_HEADER] = str(service().max_rows)
    return response


def description(formats: list[str]) -> Response:
    fmt = choose(GRAPH, formats, request.accept_mimetypes)
    if fmt.kind == PAGE:
        return page(None, None)
    facts = service()
    graph = describe(endpoint_iri(), peel().release.manifest.get("graphs", []), facts.limits,
                     query_timeout=facts.timeout, max_rows=facts.max_rows)
    response = Response(serialise(graph, fmt.key), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


@dataclass
class QueryPage:
    """What the query page shows, as plain data."""

    query: str
    examples: list[tuple[str, str, str, str]]  # name, title, description, text
    limits: str
    max_rows: int
    editor: bool  # the editor's assets are installed
    prefixes: dict[str, str] = field(default_factory=lambda: dict(PREFIXES))  # what the editor declares when used
    ran: bool = False
    status: int = 200
    error: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Cell]] = field(default_factory=list)
    truncated: bool = False
    shown_cut: bool = False  # more rows than the page shows (the page_rows setting); the downloads hold them
    downloads: list[tuple[str, str]] = field(default_factory=list)  # format name, URL
    view: TableView | None = None  # the rows sorted and filtered as the page's address says (kg.query.facets)
    answer_json: str | None = None  # a SELECT answer's JSON address, which the editor's result viewer shows
    chart_colours: dict[str, object] = field(default_factory=chart_palette)  # the result chart's (results-chart.js)


def page(query: str | None, dataset: Dataset | None) -> Response:
    """The query page: the editor, and the answer to ``query`` as a table (or why there is none)."""
    data = page_data(query, dataset)
    response = Response(render_template("sparql.html", **vars(data)), status=data.status, mimetype=HTML.media_type)
    response.vary.add("Accept")
    if data.truncated:
        response.headers[MAX_ROWS_HEADER] = str(data.max_rows)
    return response


def page_data(query: str | None, dataset: Dataset | None) -> QueryPage:
    facts = service()
    data = QueryPage(
        query=query if query is not None else EXAMPLE, ran=query is not None, max_rows=facts.max_rows,
        examples=[(q.name, q.title, q.description, q.text) for q in load_queries().values()],
        limits=summary(facts.limits, query_timeout=facts.timeout, max_rows=facts.max_rows),
        editor=EDITOR_ASSET.is_file())
    if query is None:
        return data
    try:
        info = facts.check(query)
        assert info.form is not None
        shown = "nt" if kind_of(info.form) == GRAPH else "json"
        answer = facts.answer(query, info, shown, dataset, client=client())
        data.columns, data.rows, data.shown_cut = page_table(answer.body, info.form)
        data.truncated = answer.truncated
        data.view = table_view(data.columns, data.rows)
        data.downloads = [(f.name, download_url(query, f.key, dataset)) for f in formats_of(kind_of(info.form))]
        if info.form == "SELECT":
            data.answer_json = download_url(query, "json", dataset)
    except BadQuery as exc:
        data.error, data.status = str(exc), exc.status
    except QueryTimeout as exc:
        data.error, data.status = str(exc), 503
    except QueryFailed as exc:
        data.error, data.status = str(exc), exc.status
    return data


def page_table(body: bytes, form: str) -> tuple[list[str], list[dict[str, Cell]], bool]:
    """The columns and the rows a page shows of an answer, and whether the answer has more."""
    shown = current_app.config["SETTINGS"].page_rows
    columns, rows = table(body, form, limit=shown + 1)
    return columns, rows[:shown], len(rows) > shown


def download_url(query: str, fmt: str, dataset: Dataset | None) -> str:
    """The endpoint's URL answering ``query`` in ``fmt`` over ``dataset``."""
    params: list[tuple[str, str]] = [("query", query), ("format", fmt)]
    if dataset:
        params += [("default-graph-uri", g) for g in dataset.default_graphs]
        params += [("named-graph-uri", g) for g in dataset.named_graphs]
    return url_for("sparql.endpoint") + "?" + urlencode(params)
