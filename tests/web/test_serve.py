"""``peelkg serve``: Granian by default, Flask's debug server only with ``--debug``, and the bundled
release built first when there is none."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

from kg.release.layout import exists

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
