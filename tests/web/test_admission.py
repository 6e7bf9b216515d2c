"""A public server under pressure, through real HTTP on 127.0.0.1 (``peelkg serve``, Granian):
slow clients hold no app thread, a busy endpoint says 503 with Retry-After at once, a client
past its query budget gets 429 with Retry-After, and pages answer meanwhile.

The server is small on purpose (one web worker, 4 app threads, one query worker, no waiting
room, a 3 s time limit, a 2.9 s budget) so each mechanism is reached with a few connections.
Client timeouts are bounds on a hang, not assertions on speed."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.remote_support import oxigraph_with_release

from .conftest import start_server, stop_server

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
JSON = "application/sparql-results+json"
ENV = {"PEELKG_WORKERS": "1", "PEELKG_THREADS": "4", "PEELKG_QUERY_WORKERS": "1", "PEELKG_QUERY_QUEUE": "0",
       "PEELKG_QUERY_TIMEOUT": "3", "PEELKG_QUERY_BUDGET_SECONDS": "2.9", "PEELKG_BODY_TIMEOUT": "2"}


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[str]:
    process, base = start_server(data_dir, env=ENV)
    try:
        yield base
    finally:
        stop_server(process)


def get(base: str, path: str, *, accept: str = JSON, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(base + path, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def query(base: str, text: str, *, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    return get(base, "/sparql?" + urllib.parse.urlencode({"query": text}), timeout=timeout)


def trickle(port: int) -> socket.socket:
    """A POST whose headers promise a body that never comes."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                 b"Content-Length: 1000\r\n\r\nASK")
    return sock


def test_slow_bodies_beyond_the_thread_count_do_not_hold_up_a_light_request(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    slow = [trickle(port) for _ in range(12)]  # three times the app threads
    try:
        status, _, body = get(server, "/robots.txt", accept="text/plain", timeout=10)
        assert status == 200 and b"User-agent" in body
    finally:
        for sock in slow:
            sock.close()


def test_a_body_that_stops_arriving_is_answered_408(server: str) -> None:
    sock = trickle(int(server.rsplit(":", 1)[1]))
    try:
        sock.settimeout(30)
        answer = sock.recv(4096)
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 408")


@pytest.fixture()
def remote_server(tmp_path: Path, data_dir: Path, peelkg: Any) -> Iterator[str]:
    """The same small server with its queries sent to a real ``oxigraph serve`` (``--store``); function-scoped,
    so the store, which runs a cross product on after peelkg gives up on it, stops right after the test."""
    with oxigraph_with_release(tmp_path / "oxigraph", data_dir, peelkg) as endpoint:
        process, base = start_server(data_dir, "--store", endpoint, env=ENV)
        try:
            yield base
        finally:
            stop_server(process)


@pytest.mark.parametrize("store", ["embedded", "remote"])
def test_a_busy_endpoint_refuses_at_once_then_a_spent_client_gets_429(store: str,
                                                                       request: pytest.FixtureRequest) -> None:
    server: str = request.getfixturevalue("server" if store == "embedded" else "remote_server")
    heavy: dict[str, object] = {}

    def run_heavy() -> None:
        for _ in range(50):  # again while a light query of the loop below holds the worker
            heavy.update(zip(("status", "headers", "body"), query(server, CROSS_PRODUCT), strict=True))
            if b"Busy" not in heavy["body"]:  # type: ignore[operator]
                return
            time.sleep(0.1)

    thread = threading.Thread(target=run_heavy)
    thread.start()
    try:
        refused, deadline = None, time.monotonic() + 20
        for n in range(400):  # until the heavy query holds the only query worker
            status, headers, body = query(server, f"ASK {{ ?s ?p {n} }}")
            if status == 503 or time.monotonic() > deadline:
                refused = (headers, body) if status == 503 else None
                break
            time.sleep(0.2)
        assert refused is not None, "a second query was never refused while the first ran"
        headers, body = refused
        assert int(headers["retry-after"]) >= 1
        assert "busy" in json.loads(body)["message"]
        # Pages, static files and the service description do not wait behind the query.
        assert get(server, "/doc/force/norfolk", accept="text/html")[0] == 200
        assert get(server, "/robots.txt", accept="text/plain")[0] == 200
        assert get(server, "/sparql", accept="text/turtle")[0] == 200
    finally:
        thread.join(60)
    assert heavy["status"] == 503 and b"time limit" in heavy["body"]  # type: ignore[operator]
    # That query spent 3 s of this client's 2.9 s budget: the next one is refused with 429 …
    status, headers, body = query(server, "ASK { ?s ?p 'after' }")
    assert status == 429 and int(headers["retry-after"]) >= 1
    assert "query time" in json.loads(body)["message"]
    # … but pages still answer.
    assert get(server, "/doc/force/norfolk", accept="text/html")[0] == 200
