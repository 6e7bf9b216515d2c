"""Cross-origin access (CORS) for the read-only data surfaces, in one place.

Browsers running YASGUI, Comunica or a notebook on another site may read the SPARQL endpoint
and the canned queries: ``allow_cross_origin`` is an ``after_request`` hook of those
blueprints.  It allows ``GET``, ``POST`` and the preflight ``OPTIONS`` (which Flask answers
itself), from the origins of the ``cors_origins`` setting (``*`` or a comma-separated list),
and exposes the headers a client needs to read (the row cap notice among them).  No
credentials are ever allowed: the data is public.
"""

from __future__ import annotations

from flask import Response, request

from web.context import peel

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Accept, Content-Type"
EXPOSED_HEADERS = "X-SPARQL-MaxRows, Content-Type, Link"
PREFLIGHT_MAX_AGE = "86400"


def allowed_origin(setting: str, origin: str | None) -> str | None:
    """The ``Access-Control-Allow-Origin`` value for a request from ``origin``, or ``None``.

    >>> allowed_origin("*", "https://yasgui.example")
    '*'
    >>> allowed_origin("https://a.example, https://b.example", "https://b.example")
    'https://b.example'
    >>> allowed_origin("https://a.example", "https://c.example") is None
    True
    """
    if setting.strip() == "*":
        return "*"
    allowed = {o.strip() for o in setting.split(",") if o.strip()}
    return origin if origin in allowed else None


def allow_cross_origin(response: Response) -> Response:
    origin = allowed_origin(peel().settings.cors_origins, request.headers.get("Origin"))
    if origin is None:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    if origin != "*":
        response.vary.add("Origin")
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response
