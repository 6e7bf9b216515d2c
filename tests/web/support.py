"""Helpers shared by the web tests that talk HTTP to a live server."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit


def fetch(
    base: str, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request to the live server at ``base``, the path sent exactly as given, redirects not followed."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()
