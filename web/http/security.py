"""Security headers on every response, and the one filter that turns an IRI into a link.

- A Content-Security-Policy that allows scripts, styles and images from this site only (no
  inline script or style, nothing from elsewhere, no framing), with ``nosniff``, a referrer
  policy and a permissions policy beside it.  A view may set its own policy; these are defaults.
- ``href``: the address a page may link to for an IRI — the local page of an IRI minted here
  (``/id/…`` → ``/doc/…``, ``/def/…`` as is), the IRI itself when it is an ``http(s)`` address
  elsewhere, and nothing (``None``) otherwise, so ``javascript:``, ``data:`` and other schemes
  are shown as text, never as links.  Jinja's autoescaping does the escaping of every literal.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, redirect, request
from werkzeug.routing import RequestRedirect

from kg.namespaces import BASE, ID, doc_path
from web.context import public_url

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

def init_app(app: Flask) -> None:
    """Set the security headers on every answer, answer slash redirects without the Host, and give
    templates the ``href`` filter."""
    app.after_request(secure)
    app.before_request(own_redirects)
    app.add_template_filter(href, "href")


def secure(response: Response) -> Response:
    framing_refused = "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy",
                                                                       CONTENT_SECURITY_POLICY)
    for name, value in HEADERS.items():
        if name == "X-Frame-Options" and not framing_refused:
            continue  # a view that allows framing (its own frame-ancestors) must not be denied it here
        response.headers.setdefault(name, value)
    return response


def own_redirects() -> Response | None:
    """Werkzeug's slash redirect (``/download`` → ``/download/``) builds its target, Location and body, from
    the request's Host header; answer it instead with the same path under ``public_base_url``, or
    root-relative, so a client's Host never reaches a response."""
    routed = request.routing_exception
    if not isinstance(routed, RequestRedirect):
        return None
    target = urlsplit(routed.new_url)
    path = (target.path or "/") + (f"?{target.query}" if target.query else "")
    return redirect(public_url(path), code=routed.code)  # type: ignore[return-value]


def href(iri: object) -> str | None:
    """Where a page may link for ``iri``, or ``None`` when it must not be a link.

    >>> href("https://w3id.org/peelkg/id/force/norfolk")
    '/doc/force/norfolk'
    >>> href("https://w3id.org/peelkg/def/peel#Force")
    '/def/peel#Force'
    >>> href("https://data.police.uk/api/forces/norfolk")
    'https://data.police.uk/api/forces/norfolk'
    >>> href("javascript:alert(1)") is None, href("//evil.example/") is None, href(None) is None
    (True, True, True)
    """
    if not isinstance(iri, str) or not iri:
        return None
    if iri.startswith(str(ID)):
        return doc_path(iri)
    if iri.startswith(BASE + "def/"):
        return "/" + iri[len(BASE):]
    if iri.startswith(BASE):
        return None
    parts = urlsplit(iri)
    if parts.scheme in ("http", "https") and parts.netloc and not any(c in iri for c in "\t\r\n\\ "):
        return iri
    return None
