"""The ``/analytics`` page and the analytics sections of entity pages.

Views are thin: the data dicts (tables and SVG charts) come from ``web.present.analytics``; the
release never changes in a process, so each dict is computed once and kept in the app's
per-release cache.  Entity pages include a partial (``analytics/force.html``,
``analytics/theme.html``, ``analytics/question.html``) that calls the template global
``peel_analytics(kind, iri)``; the partial renders nothing when there is nothing to show.
The SVG text is built with escaping (``web.present.charts``), so templates insert it as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, render_template
from rdflib import URIRef

from kg.errors import NotFound
from kg.formats import HTML
from kg.namespaces import ID, force_iri
from kg.query.canned import SLUG
from kg.store.local import Store
from web.context import memo, peel
from web.present import analytics as analytics_pages

bp = Blueprint("analytics", __name__)

SECTIONS: dict[str, Callable[[Store, URIRef], dict[str, Any] | None]] = {
    "force": analytics_pages.force_analytics,
    "theme": analytics_pages.theme_analytics,
    "question": analytics_pages.question_analytics,
}


@bp.app_template_global("peel_analytics")
def peel_analytics(kind: str, iri: object) -> dict[str, Any] | None:
    """The analytics of entity ``iri`` for a ``kind`` of page (force, theme or question), or None."""
    if kind not in SECTIONS or not isinstance(iri, str) or not iri.startswith(str(ID)):
        return None
    return memo(f"analytics:{kind}:{iri}", lambda: SECTIONS[kind](peel().store, URIRef(iri)))


@bp.get("/analytics")
def overview() -> Response:
    data = memo("analytics:overview", lambda: analytics_pages.overview(peel().store))
    return Response(render_template("analytics.html", data=data), mimetype=HTML.media_type)


@bp.get("/analytics/force/<force>")
def force(force: str) -> Response:
    """A force's analytics on a page of their own (the force page includes the same section)."""
    iri = str(force_iri(force)) if SLUG.match(force) else ""
    data = peel_analytics("force", iri)
    if data is None:
        raise NotFound(f"no analytics for a force {force!r}")
    page = render_template("analytics/force-page.html", analytics_iri=iri, force=force)
    return Response(page, mimetype=HTML.media_type)
