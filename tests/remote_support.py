"""A real ``oxigraph serve`` on 127.0.0.1 for the remote-backend tests, loaded with ``peelkg push``."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.web.support import stop_process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str:
    """The ``oxigraph`` server the test extra installs beside this Python (or on PATH)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        pytest.fail("the oxigraph server is missing: pip install -e '.[test]'")
    return found


@contextmanager
def oxigraph_serve(location: Path | None = None) -> Iterator[str]:
    """Query URL of an ``oxigraph serve`` (union default graph) on 127.0.0.1, on disk at ``location``
    or, without one, in memory."""
    port = free_port()
    where = ["--location", str(location)] if location is not None else []
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", *where, "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("oxigraph serve did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        stop_process(process)


@contextmanager
def oxigraph_with_release(location: Path, data_dir: Path, peelkg: Callable[..., Any]) -> Iterator[str]:
    """Query URL of an ``oxigraph serve`` (union default graph) holding the release of ``data_dir``."""
    with oxigraph_serve(location) as url:
        pushed = peelkg("push", "--data", str(data_dir), "--endpoint", url, "--quiet")
        assert pushed.returncode == 0, pushed.stderr
        yield url
