"""What the views reach per request: settings, store and release, held by the app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request

from kg.namespaces import BASE
from kg.release.layout import Release
from kg.store.local import Store
from web.settings import Settings

T = TypeVar("T")


@dataclass
class PeelContext:
    settings: Settings
    store: Store
    release: Release
    cache: dict[str, Any] = field(default_factory=dict)  # per-release memo (a release never changes)
    owned: list[Callable[[], object]] = field(default_factory=list)  # what closes with this release (its workers)
    closed: bool = False

    def close(self) -> None:
        """Stop what this release started, close its store and give up its lease (``web.following``); once."""
        if self.closed:
            return
        self.closed = True
        for stop in reversed(self.owned):
            stop()
        self.store.close()
        if self.release.lease is not None:
            self.release.lease.close()


FOLLOWER = "peelkg.follower"  # app.extensions key of the web.following.ReleaseFollower, when the app has one
PINNED = "peelkg.pinned"  # WSGI environ key: the release a request is pinned to (one per request, nested or not)
RELEASE_ENVIRON = "peelkg.release"  # WSGI environ key: the id of that release (for the render cache)


def peel() -> PeelContext:
    """The release the current request is pinned to (one release for all of the request)."""
    pinned: PeelContext | None = request.environ.get(PINNED) if has_request_context() else None
    return pinned if pinned is not None else served(current_app)


def served(app: Flask) -> PeelContext:
    """The release new requests to ``app`` get (the app's own, unless it follows new releases)."""
    follower = app.extensions.get(FOLLOWER)
    context: PeelContext = follower.latest() if follower is not None else app.extensions["peelkg"]
    return context


def memo(key: str, make: Callable[[], T]) -> T:
    """``make()``, computed once per process for the request's release (kept in ``PeelContext.cache`` under ``key``):
    the one memo of the web layer."""
    cache = peel().cache
    if key not in cache:
        cache[key] = make()
    found: T = cache[key]
    return found


def check_public_base(value: str) -> str:
    """``value`` (the ``public_base_url`` setting) without its trailing slash; ValueError unless it is empty or
    an absolute http(s) URL of a host's root, with no query or fragment."""
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment \
            or parts.path.strip("/") or any(c in value for c in ' "<>\\^`{|}'):
        raise ValueError(f"public_base_url must be an absolute http(s) URL of a site's root, not {value!r}")
    return value.rstrip("/")


def public_url(path: str) -> str:
    """``path`` (root-relative, ``/…``) under the ``public_base_url`` setting; the path itself when that is empty.
    Never built from the request, so no header a client sends can reach a response body or a cache."""
    return check_public_base(peel().settings.public_base_url) + path


def absolute_url(path: str) -> str:
    """``path`` (root-relative, ``/…``) as an absolute URL, for the formats that need one (the sitemap protocol,
    robots.txt's Sitemap line, the reconciliation manifest, the service description): under ``public_base_url``,
    else under the persistent base IRI, which redirects to wherever the dataset is published (decision 0001)."""
    base = check_public_base(peel().settings.public_base_url)
    return (base or BASE.rstrip("/")) + path


def endpoint_iri() -> str:
    """The SPARQL endpoint's IRI for the service description (see :func:`absolute_url`)."""
    return absolute_url("/sparql")
