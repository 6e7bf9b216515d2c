"""Query workers cannot reach the network (kg.query.isolation), whatever a query asks.

Each check runs in a fresh interpreter, since isolation cannot be undone, and reports what it
could do; a loopback listener in the test process counts the connections that reached it.
"""

from __future__ import annotations

import json
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import QueryFailed
from kg.query.execute import Job
from kg.query.isolation import _ARCHES, socket_filter
from kg.query.pool import QueryPool
from tests.listener import counting_listener

LINUX = sys.platform.startswith("linux")

PROBE = """
import json, socket, sys
from kg.query import isolation as ni
how = sys.argv[1]
libc = ni._libc()
if how == "all":
    layers = list(ni.isolate())
elif how == "netns":
    layers = ["netns"] if ni._new_network_namespace(libc) else []
else:
    layers = ["seccomp"] if ni._install_socket_filter(libc) else []
result = {"layers": layers}
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=5).close()
    result["connect"] = "connected"
except OSError as exc:
    result["connect"] = exc.errno
try:
    socket.socket(socket.AF_INET6, socket.SOCK_STREAM).close()
    result["inet6"] = "created"
except OSError as exc:
    result["inet6"] = exc.errno
a, b = socket.socketpair()
a.sendall(b"ping")
result["unix"] = b.recv(4).decode()
print(json.dumps(result))
"""


@pytest.fixture()
def tcp_listener() -> Iterator[tuple[int, list[int]]]:
    """A loopback TCP listener that counts the connections it accepts."""
    with counting_listener() as listener:
        yield listener


def probe(how: str, port: int) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, how, str(port)], capture_output=True, text=True,
                          timeout=60, check=True)
    return dict(json.loads(done.stdout))


def test_the_probe_connects_without_isolation(tcp_listener: tuple[int, list[int]]) -> None:
    port, accepted = tcp_listener
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
    time.sleep(0.3)
    assert accepted == [1]


@pytest.mark.skipif(not LINUX or platform.machine() not in _ARCHES, reason="seccomp numbers for x86_64/aarch64")
def test_the_socket_filter_refuses_network_sockets_and_keeps_unix_ones(tcp_listener: tuple[int, list[int]]) -> None:
    port, accepted = tcp_listener
    result = probe("seccomp", port)
    assert result == {"layers": ["seccomp"], "connect": 1, "inet6": 1, "unix": "ping"}  # 1 = EPERM
    time.sleep(0.3)
    assert accepted == []


def test_a_new_network_namespace_reaches_nothing(tcp_listener: tuple[int, list[int]]) -> None:
    port, accepted = tcp_listener
    result = probe("netns", port)
    if not result["layers"]:
        pytest.skip("this kernel or container permits no new network namespace")
    assert result["connect"] != "connected" and result["inet6"] == "created" and result["unix"] == "ping"
    time.sleep(0.3)
    assert accepted == []


@pytest.mark.skipif(not LINUX, reason="isolation is Linux-only")
def test_isolate_applies_at_least_one_layer_here(tcp_listener: tuple[int, list[int]]) -> None:
    port, accepted = tcp_listener
    result = probe("all", port)
    assert result["layers"] and result["connect"] != "connected" and result["unix"] == "ping"
    time.sleep(0.3)
    assert accepted == []


def test_the_filter_program_is_well_formed() -> None:
    program = socket_filter("aarch64")
    assert program is not None and len(program) % 8 == 0
    assert socket_filter("x86_64") != program  # the architecture and socket(2) numbers differ


@pytest.mark.skipif(not LINUX, reason="isolation is Linux-only")
def test_a_service_call_past_the_guard_reaches_nothing_from_a_worker(tcp_listener: tuple[int, list[int]]) -> None:
    """The pool runs whatever it is given (the guard is not involved): SERVICE still fetches nothing."""
    port, accepted = tcp_listener
    folder = Path(tempfile.mkdtemp())
    ox.Store(str(folder)).flush()
    pool = QueryPool(folder, size=1, memory_mb=1024, timeout=20)
    try:
        plain = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        with pytest.raises(QueryFailed):
            pool.run(Job(plain, plain, "SELECT", "json", 10))
        silent = plain.replace("SERVICE", "SERVICE SILENT")
        answer = pool.run(Job(silent, silent, "SELECT", "json", 10))
        assert json.loads(answer.body)["results"]["bindings"] == [{}]  # SILENT: the failed call is empty
    finally:
        pool.close()
    time.sleep(0.3)
    assert accepted == []
