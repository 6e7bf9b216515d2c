"""Absolute URLs come from the ``public_base_url`` setting, never from the request's Host header.

Each surface that names the site (robots.txt, sitemap.xml, /download/, /dataset, the service
description, the reconciliation manifest, Werkzeug's slash redirects) is asked on a real server
(Granian, ``peelkg serve``) with a hostile Host header; nothing of that host may come back, in a
body or a header, so a shared cache cannot be poisoned with it.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.namespaces import BASE
from web.context import check_public_base
from web.settings import Settings

from .conftest import start_server, stop_server

HOSTILE = "attacker.example"
PUBLIC = "https://peel.example.org"
# (path, Accept): every surface that names the site
SURFACES = [
    ("/robots.txt", "text/plain"),
    ("/sitemap.xml", "application/xml"),
    ("/download/", "text/html"),
    ("/dataset", "text/html"),
    ("/sparql", "text/turtle"),
    ("/reconcile", "application/json"),
]


def fetch(base: str, path: str, accept: str, host: str = HOSTILE) -> tuple[int, dict[str, str], str]:
    """GET ``path`` from the server at ``base`` with ``Host: host`` and every header a proxy might forward."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=True)
        for name, value in (("Host", host), ("Accept", accept), ("X-Forwarded-Host", host),
                            ("X-Forwarded-Proto", "http"), ("Forwarded", f"host={host}")):
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def public_server(data_dir: Path) -> Iterator[str]:
    process, base = start_server(data_dir, env={"PEELKG_PUBLIC_BASE_URL": PUBLIC + "/"})
    try:
        yield base
    finally:
        stop_server(process)


@pytest.mark.parametrize(("path", "accept"), SURFACES)
def test_configured_base_names_the_public_site_whatever_the_host(public_server: str, path: str, accept: str) -> None:
    status, headers, body = fetch(public_server, path, accept)
    assert status == 200, body[:300]
    assert HOSTILE not in body and HOSTILE not in str(headers)
    assert "127.0.0.1" not in body  # nor the address the server listens on
    expected = {"/sparql": PUBLIC + "/sparql"}.get(path, PUBLIC + "/")
    assert expected in body


@pytest.mark.parametrize(("path", "accept"), SURFACES)
def test_default_is_relative_whatever_the_host(live_server: str, path: str, accept: str) -> None:
    status, headers, body = fetch(live_server, path, accept)
    assert status == 200, body[:300]
    assert HOSTILE not in body and HOSTILE not in str(headers)
    assert "127.0.0.1" not in body


def test_default_robots_and_sitemap_are_under_the_persistent_base(live_server: str) -> None:
    """Sitemaps and robots.txt's Sitemap line must be absolute: without public_base_url they use the base IRI."""
    assert f"Sitemap: {BASE}sitemap.xml" in fetch(live_server, "/robots.txt", "text/plain")[2]
    assert f"<loc>{BASE}dataset</loc>" in fetch(live_server, "/sitemap.xml", "application/xml")[2].replace("\n", "")
    assert f"<{BASE}sparql>" in fetch(live_server, "/sparql", "text/turtle")[2]


def test_slash_redirect_points_under_the_public_base(public_server: str) -> None:
    status, headers, body = fetch(public_server, "/download?x=1", "text/html")
    assert status == 308
    assert HOSTILE not in body and PUBLIC + "/download/" in body
    assert headers["location"] == PUBLIC + "/download/?x=1"


def test_default_slash_redirect_is_root_relative(live_server: str) -> None:
    status, headers, body = fetch(live_server, "/download", "text/html")
    assert status == 308
    assert HOSTILE not in body
    assert headers["location"] == "/download/"


@pytest.mark.parametrize(("path", "accept"), SURFACES)
def test_same_body_for_any_host_so_shared_caches_are_safe(public_server: str, path: str, accept: str) -> None:
    """Cached publicly, and the same for every Host: the body varies only by what ``Vary`` names."""
    first, other = fetch(public_server, path, accept), fetch(public_server, path, accept, host="other.example")
    if accept == "text/turtle":  # blank nodes come in any order: compare the graphs
        assert isomorphic(Graph().parse(data=first[2], format="turtle"), Graph().parse(data=other[2], format="turtle"))
    else:
        assert first[2] == other[2]
    if "public" in first[1].get("cache-control", ""):
        assert "host" not in first[1].get("vary", "").lower()


@pytest.mark.parametrize("value", ["peel.example.org", "ftp://peel.example.org", "https://peel.example.org/sub",
                                   "https://peel.example.org/?q=1", 'https://peel.example.org"x'])
def test_a_bad_public_base_is_refused_at_start(value: str) -> None:
    with pytest.raises(ValueError, match="public_base_url"):
        check_public_base(value)


def test_the_setting_is_read_from_the_environment() -> None:
    assert Settings.from_env({"PEELKG_PUBLIC_BASE_URL": PUBLIC}).public_base_url == PUBLIC
