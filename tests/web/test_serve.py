"""``peelkg serve``: Granian by default, Flask's debug server only with ``--debug``, and the bundled
release built first when there is none."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from kg.release.layout import CURRENT, RELEASES, Release, exists

PEELKG = str(Path(os.sys.executable).parent / "peelkg")  # type: ignore[attr-defined]
BUILD_AND_START = 400.0  # seconds: a build of the bundled release, then the server's start


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(*args: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([PEELKG, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **env},
                               start_new_session=True)
    return process, f"http://127.0.0.1:{port}"


def wait_for(process: subprocess.Popen[bytes], url: str, limit: float) -> tuple[int, Message, bytes]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert process.poll() is None, "peelkg serve exited"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # loopback only
                return response.status, response.headers, response.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {limit} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """End the server and whatever it started (its own session: the debug server's reloader child)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def test_serve_without_data_builds_the_bundled_release_then_serves_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    process, base = serve(env={"PEELKG_DATA_DIR": str(data)})
    try:
        status, headers, body = wait_for(process, base + "/doc/force/norfolk", BUILD_AND_START)
        assert status == 200 and b"Norfolk Constabulary" in body
        assert "granian" in headers.get("Server", "")
        assert exists(data)
    finally:
        stop(process)


def test_debug_flag_uses_flasks_development_server(data_dir: Path) -> None:
    process, base = serve("--data", str(data_dir), "--debug", env={})
    try:
        status, headers, _ = wait_for(process, base + "/", 60)
        assert status == 200
        assert "Werkzeug" in headers.get("Server", "")
    finally:
        stop(process)


def query_workers_of(data: Path) -> set[int]:
    """Living ``kg.query.worker`` processes over a store in ``data``, whoever their parent is now."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes() if entry.name.isdigit() else b""
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] if cmdline else "Z"
        except OSError:
            continue
        if state != "Z" and b"kg.query.worker" in cmdline and str(data).encode() in cmdline:
            found.add(int(entry.name))
    return found


def copy_of(release: Release, tmp_path: Path) -> Path:
    """A data directory of its own holding a copy of ``release`` (so its query workers can be told apart)."""
    shutil.copytree(release.path, tmp_path / RELEASES / release.path.name)
    (tmp_path / CURRENT).symlink_to(Path(RELEASES) / release.path.name)
    return tmp_path


@pytest.mark.parametrize("when", ["starting", "serving"])
def test_sigterm_ends_the_server_promptly_and_leaves_no_query_worker(
        release: Release, tmp_path: Path, when: str) -> None:
    """SIGTERM while a web worker is still building its app (its first query workers are up) or once it
    serves: the signal ends the server (not the front end's kill timeout), and no query worker outlives it."""
    data = copy_of(release, tmp_path / "data")
    # The front end kills a worker that has not stopped `query_timeout` + 5 s after the signal: with a
    # 40 s limit, a worker that ignored the signal (the bug) is ended at 45 s, one that heeded it long before.
    kill_timeout = 40 + 5
    process, base = serve("--data", str(data), env={"PEELKG_WORKERS": "2", "PEELKG_QUERY_WORKERS": "2",
                                                    "PEELKG_QUERY_TIMEOUT": "40"})
    try:
        deadline = time.monotonic() + 60
        if when == "starting":
            while not query_workers_of(data) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert query_workers_of(data), "no query worker started within 60 s"
        else:
            wait_for(process, base + "/sparql?query=ASK%7B%7D", 60)
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=kill_timeout + 30)
        took = time.monotonic() - signalled
        left = query_workers_of(data)
        while left and time.monotonic() < signalled + took + 3:
            time.sleep(0.1)
            left = query_workers_of(data)
    finally:
        stop(process)
        for pid in query_workers_of(data):  # only what this test's server left behind
            os.kill(pid, signal.SIGKILL)
    assert took < kill_timeout, f"peelkg serve took {took:.1f} s to exit after SIGTERM: the front end's kill " \
        "timeout ended it, not the signal"
    assert left == set(), "query workers outlived the server"


def test_the_web_workers_share_one_set_of_query_workers(release: Release, tmp_path: Path) -> None:
    """Two web workers and 2 query workers: 2 engine processes in all, children of one house, whichever web
    worker a connection reaches (each had its own 2 before: 4, and a web worker given most connections
    queued behind its own while its sibling's idled)."""
    data = copy_of(release, tmp_path / "data")
    process, base = serve("--data", str(data), env={"PEELKG_WORKERS": "2", "PEELKG_QUERY_WORKERS": "2"})
    try:
        wait_for(process, base + "/sparql?query=ASK%7B%7D", 60)
        for n in range(20):  # new connections each: both web workers answer some, once both have started
            status, _, _ = wait_for(process, base + f"/sparql?query=ASK%7B%3Fs%20%3Fp%20{n}%7D", 60)
            assert status == 200
        engines = query_workers_of(data)
        houses = {int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) for pid in engines}
        commands = [Path(f"/proc/{house}/cmdline").read_bytes() for house in houses]
    finally:
        stop(process)
    assert len(engines) == 2, engines
    assert len(commands) == 1 and b"kg.query.house" in commands[0]
