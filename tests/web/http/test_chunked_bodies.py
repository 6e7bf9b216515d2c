"""Chunked request bodies on a real server (Granian, ``peelkg serve``): the body reaches the app whole,
and a hostile chunk extension is a 4xx, never a 500."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit


def post_chunked(base: str, extension: str) -> tuple[int, bytes]:
    address = urlsplit(base)
    with socket.create_connection((address.hostname or "", address.port or 80), timeout=30) as connection:
        connection.sendall(b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nAccept: application/sparql-results+json\r\n"
                           b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n"
                           b"Connection: close\r\n\r\n" + b"5" + extension.encode() + b"\r\nASK{}\r\n0\r\n\r\n")
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def test_a_chunked_query_is_answered(live_server: str) -> None:
    """Regression: Werkzeug read no body when Transfer-Encoding was passed on after the body was read."""
    status, body = post_chunked(live_server, ";name=value")
    assert status == 200 and b'"boolean":true' in body


def test_a_100_kb_chunk_extension_is_a_client_error(live_server: str) -> None:
    status, body = post_chunked(live_server, ";x=" + "a" * 100_000)
    assert 400 <= status < 500
    assert b"Traceback" not in body
