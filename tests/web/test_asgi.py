"""``web.asgi.BufferedWSGI``: the body is read whole (bounded in size and time) before the WSGI
app runs, and the app's answer goes back chunk by chunk.  Driven with plain ASGI messages."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, MutableMapping
from typing import Any

from web.asgi import BufferedWSGI, environ

SCOPE = {"type": "http", "method": "POST", "path": "/sparql", "query_string": b"a=1", "http_version": "1.1",
         "scheme": "http", "server": ("127.0.0.1", 5000), "client": ("10.0.0.9", 4242),
         "headers": [(b"content-type", b"application/sparql-query"), (b"x-two", b"a"), (b"x-two", b"b")]}


def echo(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"got:", body, b":" + environ["REMOTE_ADDR"].encode()]


def call(app: BufferedWSGI, scope: dict[str, Any], messages: list[dict[str, Any]], *, stall: bool = False
         ) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        if stall:
            await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    asyncio.run(app(scope, receive, send))
    return sent


def test_a_body_in_pieces_reaches_the_app_whole_and_the_answer_streams_back() -> None:
    app = BufferedWSGI(echo, threads=1, max_body=100, body_timeout=5)
    sent = call(app, SCOPE, [{"type": "http.request", "body": b"ASK", "more_body": True},
                             {"type": "http.request", "body": b" {}", "more_body": False}])
    assert sent[0]["status"] == 200 and (b"content-type", b"text/plain") in sent[0]["headers"]
    assert b"".join(m["body"] for m in sent[1:]) == b"got:ASK {}:10.0.0.9"
    assert [m["more_body"] for m in sent[1:]] == [True, True, False]


def test_a_body_over_the_limit_is_413_before_the_app_runs() -> None:
    app = BufferedWSGI(echo, threads=1, max_body=4, body_timeout=5)
    announced = {**SCOPE, "headers": [*SCOPE["headers"], (b"content-length", b"5000")]}
    assert call(app, announced, [])[0]["status"] == 413
    assert call(app, SCOPE, [{"type": "http.request", "body": b"12345", "more_body": False}])[0]["status"] == 413


def test_a_body_that_stops_arriving_is_408() -> None:
    app = BufferedWSGI(echo, threads=1, max_body=100, body_timeout=0.2)
    sent = call(app, SCOPE, [{"type": "http.request", "body": b"AS", "more_body": True}], stall=True)
    assert sent[0]["status"] == 408


def test_the_environ_follows_pep_3333() -> None:
    env = environ({**SCOPE, "path": "/doc/é"}, b"xy")
    assert env["PATH_INFO"] == "/doc/é".encode().decode("latin-1")
    assert env["QUERY_STRING"] == "a=1" and env["CONTENT_LENGTH"] == "2"
    assert env["CONTENT_TYPE"] == "application/sparql-query" and env["HTTP_X_TWO"] == "a,b"
    assert env["wsgi.input"].read() == b"xy" and env["SERVER_PORT"] == "5000"
