"""``/reconcile``: an OpenRefine-compatible reconciliation service (W3C Reconciliation API v0.2).

- ``GET /reconcile`` — the service manifest;
- ``GET|POST /reconcile?queries={…}`` — a batch of queries, each answered with candidates
  ``{id, name, description, score, match, type: [{id, name}]}``;
- ``GET /reconcile/suggest/{entity|type|property}?prefix=…`` — auto-completion;
- ``GET /reconcile/preview?id=…`` — a small HTML card of an entity, for an iframe;
- ``GET /reconcile/properties?type=…`` — the properties data extension offers for a type, and
  ``GET|POST /reconcile?extend={"ids": […], "properties": [{"id": …}]}`` — their values
  (``kg.link.reconcile_extend``).

Matching is ``kg.link.reconcile``; this module parses requests, checks their size and shape
(``BadQuery`` → a JSON 400) and shapes the answers.  A batch takes one of the lookup places
(``web.http.lookups``) and stops after ``lookup_seconds`` (503).  Entity ids are paths below ``/id/``
(``force/norfolk``).  See ``docs/reconciliation.md``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from kg import __version__
from kg.errors import BadQuery, NotFound, QueryTimeout
from kg.formats import HTML
from kg.link.reconcile import DEFAULT_LIMIT, PROPERTIES, TYPES, Index, suggest_properties, suggest_types
from kg.link.reconcile_extend import Extension
from kg.namespaces import ID, PEEL
from web.context import absolute_url, memo, peel
from web.http import lookups
from web.http.cors import allow_cross_origin

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")
bp.after_request(allow_cross_origin)

MAX_QUERIES = 50
MAX_EXTEND_IDS = 100
MAX_EXTEND_PROPERTIES = 50
MAX_TEXT = 300
MAX_BODY = 64 * 1024
PREVIEW_WIDTH, PREVIEW_HEIGHT = 400, 180
PREVIEW_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors *; base-uri 'none'"


@bp.errorhandler(BadQuery)
def bad_request(exc: BadQuery) -> tuple[Response, int]:
    return jsonify({"error": "Bad request", "message": str(exc), "status": 400}), 400


def index() -> Index:
    return memo("reconcile", lambda: Index.from_store(peel().store))


def extension() -> Extension:
    return memo("reconcile-extend", lambda: Extension(peel().store))


def manifest(root: str) -> dict[str, Any]:
    return {
        "versions": ["0.2"],
        "name": "PEEL inspection findings: police forces, partner organisations and themes",
        "identifierSpace": str(ID),
        "schemaSpace": str(PEEL),
        "serviceVersion": __version__,
        "defaultTypes": [{"id": t.id, "name": t.name} for t in TYPES],
        "view": {"url": root + "/doc/{{id}}"},
        "preview": {"url": root + "/reconcile/preview?id={{id}}", "width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
        "suggest": {kind: {"service_url": root, "service_path": f"/reconcile/suggest/{kind}"}
                    for kind in ("entity", "type", "property")},
        "extend": {"propose_properties": {"service_url": root, "service_path": "/reconcile/properties"}},
    }


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise BadQuery(f"{what} must be a string of at most {MAX_TEXT} characters")
    return value


def _types(value: object) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [_text(v, "type") for v in values]


def _properties(value: object) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, list):
        raise BadQuery("properties must be a list of {pid, v} objects")
    found: dict[str, list[str]] = {}
    for item in value:
        if not isinstance(item, dict) or "v" not in item:
            raise BadQuery("each property needs pid and v")
        pid = _text(item.get("pid", item.get("p")), "pid")
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        found.setdefault(pid, []).extend(str(v.get("id", v.get("name", ""))) if isinstance(v, dict) else str(v)
                                         for v in values)
    return found


def _json(raw: str, parameter: str) -> Any:
    """The decoded JSON of a request parameter of bounded size."""
    if len(raw) > MAX_BODY:
        raise BadQuery(f"the {parameter} parameter is longer than {MAX_BODY} bytes")
    try:
        return json.loads(raw)
    except ValueError:
        raise BadQuery(f"{parameter} is not valid JSON") from None


def parse_batch(raw: str) -> dict[str, dict[str, Any]]:
    """The checked queries of a batch (``BadQuery`` says what is wrong)."""
    batch = _json(raw, "queries")
    if not isinstance(batch, dict) or not batch:
        raise BadQuery("queries must be a non-empty JSON object of named queries")
    if len(batch) > MAX_QUERIES:
        raise BadQuery(f"at most {MAX_QUERIES} queries per batch")
    parsed = {}
    for key, query in batch.items():
        if not isinstance(query, dict) or "query" not in query:
            raise BadQuery(f"query {key!r} needs a query string")
        limit = query.get("limit", DEFAULT_LIMIT)
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise BadQuery(f"query {key!r}: limit must be a positive integer")
        parsed[str(key)] = {"query": _text(query["query"], "query"), "types": _types(query.get("type")),
                            "properties": _properties(query.get("properties")), "limit": limit}
    return parsed


def parse_extend(raw: str) -> tuple[list[str], list[str]]:
    """The entity ids and property ids of a data-extension request (``BadQuery`` says what is wrong)."""
    request_ = _json(raw, "extend")
    if not isinstance(request_, dict) or not isinstance(request_.get("ids"), list) \
            or not isinstance(request_.get("properties"), list):
        raise BadQuery('extend must be a JSON object with "ids" and "properties" lists')
    ids, properties = request_["ids"], request_["properties"]
    if len(ids) > MAX_EXTEND_IDS or len(properties) > MAX_EXTEND_PROPERTIES:
        raise BadQuery(f"at most {MAX_EXTEND_IDS} ids and {MAX_EXTEND_PROPERTIES} properties per request")
    entity_ids = [_text(i, "each id") for i in ids]
    if not all(isinstance(p, dict) for p in properties):
        raise BadQuery('each property must be an object with an "id"')
    property_ids = [_text(p.get("id"), "each property id") for p in properties]
    unknown = extension().unknown(property_ids)
    if unknown:
        raise BadQuery(f"unknown property {unknown[0]!r}; GET /reconcile/properties lists them")
    return entity_ids, list(dict.fromkeys(property_ids))


def extend(raw: str) -> dict[str, Any]:
    entity_ids, property_ids = parse_extend(raw)
    engine = extension()
    with lookups.slots():
        rows = engine.extend(entity_ids, property_ids)
    return {"meta": engine.meta(property_ids), "rows": rows}


@bp.route("", methods=["GET", "POST"], strict_slashes=False)
def service() -> Response:
    raw = request.values.get("queries")
    if raw is None and "extend" in request.values:
        return jsonify(extend(request.values["extend"]))
    if raw is None:
        return jsonify(manifest(absolute_url("")))
    batch, engine = parse_batch(raw), index()
    answers: dict[str, dict[str, Any]] = {}
    with lookups.slots():
        deadline = time.monotonic() + lookups.seconds()
        for key, q in batch.items():
            found = engine.reconcile(q["query"], q["types"], q["properties"], q["limit"])
            answers[key] = {"result": [s.to_json() for s in found]}
            if time.monotonic() > deadline and len(answers) < len(batch):
                raise QueryTimeout(f"the batch ran past {lookups.seconds():g} s and was stopped after "
                                   f"{len(answers)} of its {len(batch)} queries; send smaller batches")
    return jsonify(answers)


def _paging() -> tuple[str, int, int]:
    prefix = _text(request.args.get("prefix", ""), "prefix")
    cursor, limit = request.args.get("cursor", "0"), request.args.get("limit", "10")
    if not cursor.isdigit() or not limit.isdigit():
        raise BadQuery("cursor and limit must be whole numbers")
    return prefix, int(cursor), int(limit)


@bp.get("/suggest/entity")
def suggest_entity() -> Response:
    prefix, cursor, limit = _paging()
    found = index().suggest(prefix, _types(request.args.get("type")), limit=limit, cursor=cursor)
    return jsonify({"result": [{"id": c.id, "name": c.name, "description": c.description, "notable": c.type_json()}
                               for c in found]})


@bp.get("/suggest/type")
def suggest_type() -> Response:
    prefix, _cursor, _limit = _paging()
    return jsonify({"result": [{"id": t.id, "name": t.name} for t in suggest_types(prefix)]})


@bp.get("/suggest/property")
def suggest_property() -> Response:
    prefix, _cursor, _limit = _paging()
    found = {pid: (name, description) for pid, name, description in suggest_properties(prefix)}
    for p in extension().suggest(prefix):  # OpenRefine's "add column" dialog looks properties up here too
        found.setdefault(p.id, (p.name, p.description))
    return jsonify({"result": [{"id": pid, "name": name, "description": description}
                               for pid, (name, description) in found.items()]})


@bp.get("/properties")
def propose_properties() -> Response:
    type_id = _text(request.args.get("type", ""), "type").removeprefix(str(PEEL))
    limit = request.args.get("limit", "")
    if limit and not limit.isdigit():
        raise BadQuery("limit must be a whole number")
    if type_id and type_id not in {t.id for t in TYPES}:
        raise BadQuery(f"unknown type {type_id!r}; the manifest's defaultTypes lists them")
    found = extension().propose(type_id or None, int(limit) if limit else None)
    answer: dict[str, Any] = {"type": type_id, "properties": [{"id": p.id, "name": p.name} for p in found]}
    if limit:
        answer["limit"] = int(limit)
    return jsonify(answer)


@bp.get("/preview")
def preview() -> Response:
    candidate = index().by_id.get(request.args.get("id", ""))
    if candidate is None:
        raise NotFound("no entity with that id")
    labels = {pid: name for pid, (name, _d) in PROPERTIES.items()}
    response = Response(render_template("reconcile/preview.html", c=candidate, labels=labels,
                                        iri=str(ID) + candidate.id), mimetype=HTML.media_type)
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY  # OpenRefine shows it in an iframe
    return response
