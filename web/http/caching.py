"""HTTP caching of pages and documents: validators, conditional GET, and a per-release render cache.

A release never changes while it is served, so its identity is the validator:

- ``ETag`` is the release id and the representation's format (``"20261128T…Z-ttl"``): a new
  release, or another format of the same URL, has another tag;
- ``Last-Modified`` is the time the release was created;
- ``Cache-Control: public, max-age=…`` (the ``cache_max_age`` setting).

:func:`finish` puts these on a response, answers a matching conditional GET with 304 and marks
the response as cacheable.  :class:`RenderCache` is WSGI middleware in front of the app: it keeps
the bytes of marked GET responses (200 and 303), keyed by release, path, query string and ``Accept``,
within a memory budget (``page_cache_mb``, keys counted, least recently used dropped first; the
same ``kg.query.cache.ResultCache`` as query answers), and replays
them — or a 304 — without running the app again, so a repeated page costs about what a static
file does.  Only responses a view marked are kept: everything else (errors, downloads, SPARQL
results) passes through untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, request
from werkzeug.http import is_resource_modified

from kg.query.cache import ResultCache
from web.context import RELEASE_ENVIRON, peel, served

CACHEABLE = "peelkg.cacheable"
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
_KEPT_STATUSES = ("200", "303")
_DROPPED_ON_304 = {"content-length", "content-type", "content-encoding", "transfer-encoding"}



def etag(variant: str) -> str:
    """The entity tag (unquoted) of representation ``variant`` of any resource in the served release."""
    return f"{peel().release.id}-{variant}"


def last_modified() -> datetime | None:
    created = peel().release.manifest.get("created")
    try:
        return datetime.fromisoformat(str(created)).astimezone(UTC) if created else None
    except ValueError:
        return None


def finish(response: Response, variant: str, *, cacheable: bool = True) -> Response:
    """Add validators and ``Cache-Control``; answer a conditional GET that still matches with 304.

    ``cacheable=False`` keeps the validators but leaves the response out of the render cache
    (for a URL with query parameters the view does not use, say).
    """
    response.set_etag(etag(variant))
    response.last_modified = last_modified()
    response.cache_control.public = True
    response.cache_control.max_age = peel().settings.cache_max_age
    if cacheable:
        request.environ[CACHEABLE] = True
    if response.status_code == 200:
        response.make_conditional(request)
    return response


@dataclass(frozen=True)
class Entry:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None
    last_modified: str | None

    def __len__(self) -> int:  # what it holds, for the cache's budget (its key is counted there)
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 256


class RenderCache:
    """WSGI middleware replaying marked responses from memory; at most ``budget`` bytes are kept."""

    def __init__(self, app: WSGIApp, budget: int, release_id: Callable[[], str] = str) -> None:
        self.app = app
        self.budget = budget
        self.release_id = release_id  # of the release new requests get: entries are kept per release
        self.hits = 0
        self.misses = 0
        self._entries: ResultCache[Entry] = ResultCache(budget, max_entry=budget)

    @property
    def used(self) -> int:
        """Bytes the kept responses and their keys hold."""
        return self._entries.used

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        key = self._key(environ)
        entry = self._entries.get(key)
        if entry is not None:
            self.hits += 1
        else:
            self.misses += 1
        if entry is not None:
            return self._replay(entry, environ, start_response, head=method == "HEAD")
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        if method != "GET" or not environ.get(CACHEABLE) or not captured or captured[0][:3] not in _KEPT_STATUSES:
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        headers = list(captured[1])
        found = {k.lower(): v for k, v in headers}
        key = (environ.get(RELEASE_ENVIRON, key[0]), *key[1:])  # the release the app rendered it from
        self._entries.put(key, Entry(captured[0], headers, body, found.get("etag"), found.get("last-modified")))
        return [body]

    def holds(self, environ: dict[str, Any]) -> bool:
        """Whether a GET or HEAD of ``environ`` would be replayed from memory (the app not run)."""
        return environ.get("REQUEST_METHOD") in ("GET", "HEAD") and self._key(environ) in self._entries

    def _key(self, environ: dict[str, Any]) -> tuple[str, str, str, str]:
        return (self.release_id(), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                environ.get("HTTP_ACCEPT", "").strip())

    @staticmethod
    def _replay(entry: Entry, environ: dict[str, Any], start_response: StartResponse, *, head: bool) -> Iterable[bytes]:
        conditional = "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
        if conditional and entry.status.startswith("200") and not is_resource_modified(
                environ, etag=entry.etag.strip('"') if entry.etag else None, last_modified=entry.last_modified):
            start_response("304 Not Modified", [(k, v) for k, v in entry.headers if k.lower() not in _DROPPED_ON_304])
            return []
        start_response(entry.status, entry.headers)
        return [] if head else [entry.body]

    def __len__(self) -> int:
        return len(self._entries)


def init_app(app: Flask) -> None:
    """Put a :class:`RenderCache` in front of ``app`` (none when the ``page_cache_mb`` setting is 0)."""
    budget = int(app.config["SETTINGS"].page_cache_mb) * 1024 * 1024
    if budget > 0:
        app.wsgi_app = RenderCache(  # type: ignore[method-assign]
            app.wsgi_app, budget, lambda: served(app).release.id)

