"""Helpers shared by the web tests that talk HTTP to a live server."""

from __future__ import annotations

import http.client
import subprocess
from urllib.parse import urlsplit


def fetch(
    base: str, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request to the live server at ``base``, the path sent exactly as given, redirects not followed."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started by a test: terminate, then kill if it lingers; close its stderr pipe
    (an unclosed pipe fails the session under filterwarnings=error)."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    if process.stderr:
        process.stderr.close()
