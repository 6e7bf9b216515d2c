"""Web fixtures: the Flask app and test client, and a real server (Granian via ``peelkg serve``)
on 127.0.0.1 for tests that go through HTTP as users do."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.release.layout import Release
from kg.store.local import LocalStore
from tests.web.support import stop_process
from web.app import create_app
from web.settings import Settings

PEELKG = str(Path(os.sys.executable).parent / "peelkg")  # type: ignore[attr-defined]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def app(data_dir: Path, store: LocalStore, release: Release) -> Flask:
    return create_app(Settings(data_dir=data_dir), store, release=release)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def start_server(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``peelkg serve`` on a free loopback port and wait (at most 30 s) until it answers."""
    port = free_port()
    process = subprocess.Popen(
        [PEELKG, "serve", "--data", str(data_dir), "--host", "127.0.0.1", "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"peelkg serve exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return process, base
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("peelkg serve did not answer within 30 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    stop_process(process)


@pytest.fixture(scope="session")
def live_server(data_dir: Path) -> Iterator[str]:
    """Base URL of a real peelkg server (Granian) on 127.0.0.1 serving the bundled release."""
    process, base = start_server(data_dir)
    try:
        yield base
    finally:
        stop_server(process)
