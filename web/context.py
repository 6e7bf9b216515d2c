"""What the views reach per request: settings, store and release, held by the app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import current_app

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
    cache: dict[str, Any] = field(default_factory=dict)  # per-release memo (the release never changes in a process)


def peel() -> PeelContext:
    context: PeelContext = current_app.extensions["peelkg"]
    return context


def memo(key: str, make: Callable[[], T]) -> T:
    """``make()``, computed once per process for the served release (kept in ``PeelContext.cache`` under ``key``):
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
