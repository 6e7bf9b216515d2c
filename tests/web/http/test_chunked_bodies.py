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


def test_a_100_kb_chunk_extension_is_a_client_error_that_says_so(live_server: str) -> None:
    """Regression: the front end dropped the body silently and the endpoint answered "no query"."""
    status, body = post_chunked(live_server, ";x=" + "a" * 100_000)
    assert status == 400
    assert b"chunked request body arrived empty" in body and b"chunk extensions over 16 KiB" in body
    assert b"no query" not in body and b"Traceback" not in body


def test_chunk_extensions_within_the_front_ends_limit_are_read(live_server: str) -> None:
    status, body = post_chunked(live_server, ";x=" + "a" * 16_000)
    assert status == 200 and b'"boolean":true' in body


def test_an_empty_chunked_body_is_refused_with_the_same_true_message(live_server: str) -> None:
    address = urlsplit(live_server)
    with socket.create_connection((address.hostname or "", address.port or 80), timeout=30) as connection:
        connection.sendall(b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
                           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n")
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 400") and b"arrived empty: it was either empty" in data
