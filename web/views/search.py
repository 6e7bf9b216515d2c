"""Search: ``/search?q=…`` (a page of results) and ``/search.json?q=…`` (autocomplete).

Both read the release's full-text index (``kg.release.search``).  ``/search`` ranks entities whose
label or text matches every word; ``type`` keeps one class, ``page`` pages through.
``/search.json`` completes the last word as a prefix, in labels only, and answers
``{"query", "corrected", "total", "results": [{"label", "type", "typeLabel", "url", "iri"}]}``
(``corrected``: the text searched instead when the query matched nothing, else null); ``limit``
caps it (at most the ``search_results`` setting).  Bad input is a 400, never a 500.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, render_template, request

from kg.errors import BadQuery
from kg.formats import HTML
from kg.release.search import INDEX_FILE, MAX_LIMIT, Hit, search, types
from web.context import memo, peel
from web.http import lookups
from web.http.caching import finish

bp = Blueprint("search", __name__)


def whole(name: str, default: int, *, low: int, high: int) -> int:
    """The query parameter ``name`` as a whole number in [low, high] (``default`` when absent)."""
    raw = request.args.get(name, "")
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadQuery(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def known_types() -> dict[str, str]:
    """The classes the index holds (local name → label), read once per process."""
    known: dict[str, str] = memo("search.types", lambda: types(peel().release.path / INDEX_FILE))
    return known


def kind(known: dict[str, str]) -> str | None:
    """The ``type`` parameter, checked against the classes the index holds."""
    value = request.args.get("type") or None
    if value is not None and value not in known:
        raise BadQuery(f"type must be one of {', '.join(known)}")
    return value


@bp.get("/search")
def page() -> Response:
    index, size = peel().release.path / INDEX_FILE, min(peel().settings.search_results, MAX_LIMIT)
    known, text = known_types(), request.args.get("q", "")
    number = whole("page", 1, low=1, high=10_000)
    with lookups.slots():
        results = search(index, text, type=kind(known), limit=size, offset=(number - 1) * size,
                         seconds=lookups.seconds())
    body = render_template("search.html", r=results, types=known, type=request.args.get("type", ""),
                           page=number, pages=(results.total + size - 1) // size)
    return finish(Response(body, mimetype=HTML.media_type), HTML.key, cacheable=False)


@bp.get("/search.json")
def suggest() -> Response:
    index, size = peel().release.path / INDEX_FILE, min(peel().settings.search_results, MAX_LIMIT)
    with lookups.slots():
        results = search(index, request.args.get("q", ""), type=kind(known_types()), prefix=True,
                         limit=whole("limit", size, low=1, high=size), seconds=lookups.seconds())
    response = jsonify({"query": results.query, "corrected": results.corrected, "total": results.total, "results": [
        {"label": h.label, "type": h.type, "typeLabel": h.type_label, "url": h.url, "iri": h.iri}
        for h in results.hits]})
    return finish(response, "json", cacheable=False)


def maybe_meant(path: str, *, limit: int = 5) -> list[Hit]:
    """Entities a reader may have meant by a missing page's address: its last segment's words, searched as typed
    (so typos are forgiven), else its longest word alone. Empty when nothing matches or there is no index."""
    segment = next((s for s in reversed(path.split("/")) if s), "")
    words = [w for w in re.split(r"[-_.+\s]+", segment) if w.isalpha() and w not in {"doc", "id", "html"}]
    if not words:
        return []
    index = peel().release.path / INDEX_FILE
    try:
        for text in dict.fromkeys([" ".join(words), max(words, key=len)]):
            hits = search(index, text, limit=limit).hits
            if hits:
                return hits
    except BadQuery:
        return []
    return []
