"""Central error rendering: domain errors and HTTP errors become a short page or JSON.

No traceback, exception text of an unexpected error or file path ever reaches a response.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from kg.errors import BadQuery, DamagedRelease, NotFound, OverBudget, Overloaded, QueryTimeout, StoreUnavailable
from kg.formats import HTML, JSON

log = logging.getLogger(__name__)


def wants_json() -> bool:
    """JSON unless the client takes HTML (a browser, or no Accept header at all)."""
    accept = request.accept_mimetypes
    if not accept:
        return False
    html = HTML.media_type
    return accept.quality(html) == 0 or accept.best_match([html, JSON.media_type]) != html


def render_error(status: int, title: str, message: str) -> Response:
    if wants_json() or request.path.endswith(".json"):
        response = jsonify({"error": title, "message": message, "status": status})
    else:
        meant = _maybe_meant() if status == 404 else []
        response = Response(
            render_template("error.html", status=status, title=title, message=message, meant=meant),
            mimetype=HTML.media_type)
    response.status_code = status
    if not request.path.endswith(".json"):
        response.vary.add("Accept")  # HTML or JSON was chosen by the Accept header
    return response


def _maybe_meant() -> list[Any]:
    """Pages a reader who reached a missing one may have meant; none when the release cannot say."""
    from web.views.search import maybe_meant

    try:
        return list(maybe_meant(request.path))
    except Exception:  # a missing page stays a readable 404 whatever the index does
        log.exception("no suggestions for the missing page %s", request.path)
        return []


def init_app(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def not_found(exc: NotFound) -> Response:
        return render_error(404, "Not found", str(exc))

    @app.errorhandler(BadQuery)
    def bad_query(exc: BadQuery) -> Response:
        return render_error(exc.status, HTTP_STATUS_CODES.get(exc.status, "Bad request"), str(exc))

    @app.errorhandler(QueryTimeout)
    def timeout(exc: QueryTimeout) -> Response:
        response = render_error(503, "Query took too long", str(exc))
        response.headers["Retry-After"] = "10"
        return response

    @app.errorhandler(Overloaded)
    def overloaded(exc: Overloaded) -> Response:
        response = render_error(503, "Busy", str(exc))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(OverBudget)
    def over_budget(exc: OverBudget) -> Response:
        response = render_error(429, "Too many queries", str(exc))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(DamagedRelease)
    def damaged_release(exc: DamagedRelease) -> Response:
        log.error("damaged release: %s", exc)
        return render_error(500, "Damaged release", str(exc))

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(exc: StoreUnavailable) -> Response:
        log.error("SPARQL store unavailable: %s", exc)  # the store's address stays in the log
        message = "The SPARQL store behind this service did not answer; try again later."
        return render_error(502, "Store unavailable", message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return render_error(exc.code or 500, exc.name, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.path)
        return render_error(500, "Internal error", "Something went wrong on our side; it has been logged.")
