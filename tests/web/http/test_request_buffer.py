"""``web.http.request_buffer.BufferedWSGI``: the body is read whole (bounded in size and time) before
the WSGI app runs; small answers go back in one piece, large ones stream.  Driven through a
stand-in for Granian's RSGI protocol (the live-server tests drive the real one)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

from web.http import request_buffer
from web.http.request_buffer import BufferedWSGI, environ


class Headers:
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def items(self) -> list[tuple[str, str]]:
        return list(self.pairs)


@dataclass
class Scope:
    headers: Headers
    proto: str = "http"
    method: str = "POST"
    path: str = "/sparql"
    query_string: str = "a=1"
    http_version: str = "1.1"
    scheme: str = "http"
    server: str = "127.0.0.1:5000"
    client: str = "10.0.0.9:4242"


@dataclass
class Protocol:
    pieces: list[bytes]
    stall: bool = False
    answer: list[Any] = field(default_factory=list)  # status, headers, body pieces

    async def _chunks(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            yield piece
        if self.stall:
            await asyncio.sleep(3600)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.answer = [status, headers, [body]]

    def response_stream(self, status: int, headers: list[tuple[str, str]]) -> Protocol:
        self.answer = [status, headers, []]
        return self

    async def send_bytes(self, data: bytes) -> None:
        self.answer[2].append(data)


HEADERS = [("content-type", "application/sparql-query"), ("x-two", "a"), ("x-two", "b"), ("content-length", "6")]


def echo(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"got:", body, b":" + environ["REMOTE_ADDR"].encode()]


def call(app: BufferedWSGI, protocol: Protocol, headers: list[tuple[str, str]] = HEADERS) -> list[Any]:
    asyncio.run(app.__rsgi__(Scope(Headers(headers)), protocol))
    return protocol.answer


def test_a_body_in_pieces_reaches_the_app_whole_and_a_small_answer_goes_in_one_piece() -> None:
    app = BufferedWSGI(echo, threads=1, max_body=100, body_timeout=5)
    status, headers, body = call(app, Protocol([b"ASK", b" {}"]))
    assert status == 200 and ("Content-Type", "text/plain") in headers
    assert body == [b"got:ASK {}:10.0.0.9"]


def test_a_large_answer_streams(monkeypatch: Any) -> None:
    monkeypatch.setattr(request_buffer, "BUFFERED", 5)
    app = BufferedWSGI(echo, threads=1, max_body=100, body_timeout=5)
    _status, _headers, body = call(app, Protocol([b"ASK {}"]))
    assert len(body) > 1 and b"".join(body) == b"got:ASK {}:10.0.0.9"


def test_a_body_over_the_limit_is_413_before_the_app_runs() -> None:
    app = BufferedWSGI(echo, threads=1, max_body=4, body_timeout=5)
    assert call(app, Protocol([]))[0] == 413  # announced: Content-Length 6
    assert call(app, Protocol([b"12345"]), headers=[("transfer-encoding", "chunked")])[0] == 413


def test_a_body_that_stops_arriving_is_408() -> None:
    app = BufferedWSGI(echo, threads=1, max_body=100, body_timeout=0.2)
    assert call(app, Protocol([b"AS"], stall=True))[0] == 408


def test_the_environ_follows_pep_3333() -> None:
    env = environ(Scope(Headers(HEADERS), path="/doc/é"), HEADERS, b"xy")
    assert env["PATH_INFO"] == "/doc/é".encode().decode("latin-1")
    assert env["QUERY_STRING"] == "a=1" and env["CONTENT_LENGTH"] == "2"
    assert env["CONTENT_TYPE"] == "application/sparql-query" and env["HTTP_X_TWO"] == "a,b"
    assert env["wsgi.input"].read() == b"xy" and env["SERVER_PORT"] == "5000" and env["REMOTE_ADDR"] == "10.0.0.9"
