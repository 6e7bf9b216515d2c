"""The WSGI app behind an ASGI front end that reads every request whole before the app sees it.

A WSGI server hands a request to an app thread as soon as its headers are in; the app thread
then blocks reading the body, so a client that trickles a body holds a thread for as long as
it likes (50 such clients stop every request of a 2 × 4-thread server).  ``BufferedWSGI``
reads the body on the event loop instead, bounded in size (413) and in time (408), and only
then runs the app on one of its ``threads``: a slow client costs a socket and a coroutine,
never a thread.  Headers are read by the front end itself (Granian, with its own read
timeout).  See docs/decisions/0104-front-end.md.

Responses stream back chunk by chunk as the app yields them; a one-chunk answer (every
page, every cached answer) is sent in one message.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


class _Gone(Exception):
    """The client went away while sending its request."""


class BufferedWSGI:
    """An ASGI app running the WSGI ``app`` on ``threads`` threads, each request read whole first."""

    def __init__(self, app: WSGIApp, *, threads: int, max_body: int, body_timeout: float) -> None:
        self.app = app
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.executor = ThreadPoolExecutor(max(1, threads), thread_name_prefix="peelkg-app")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send, self.executor)
            return
        if scope["type"] != "http":
            return
        try:
            body = await asyncio.wait_for(self._body(scope, receive), self.body_timeout)
        except TimeoutError:
            await _plain(send, 408, f"the request body did not arrive within {self.body_timeout:g} s")
            return
        except _Refused as refused:
            await _plain(send, refused.status, refused.message)
            return
        except _Gone:
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.executor, self._run, scope, body, send, loop)

    async def _body(self, scope: Scope, receive: Receive) -> bytes:
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            raise _Refused(413, f"a request body may hold at most {self.max_body} bytes")
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Gone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _Refused(413, f"a request body may hold at most {self.max_body} bytes")
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    def _run(self, scope: Scope, body: bytes, send: Send, loop: asyncio.AbstractEventLoop) -> None:
        """On an app thread: call the app, pass its answer to the loop chunk by chunk."""
        started: list[tuple[int, list[tuple[bytes, bytes]]]] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., None]:
            started[:] = [(int(status.split(" ", 1)[0]),
                           [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers])]
            return _no_write

        async def sending(message: Message) -> None:
            await send(message)  # (the front end's send is awaitable, not always a coroutine)

        def deliver(message: Message) -> None:
            asyncio.run_coroutine_threadsafe(sending(message), loop).result()

        result = self.app(environ(scope, body), start_response)
        try:
            chunks = iter(result)
            pending = next(chunks, None)
            first = True
            while True:
                following = next(chunks, None) if pending is not None else None
                if first:
                    status, headers = started[0]
                    deliver({"type": "http.response.start", "status": status, "headers": headers})
                    first = False
                deliver({"type": "http.response.body", "body": pending or b"", "more_body": following is not None})
                if following is None:
                    break
                pending = following
        except OSError:  # the client went away while the answer was sent
            pass
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()


def _no_write(data: bytes) -> None:
    raise RuntimeError("the app used WSGI's write(); return the body instead")


def environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """The WSGI environ of the ASGI HTTP ``scope`` whose whole body is ``body`` (PEP 3333)."""
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    env: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf-8").decode("latin-1"),
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope.get("headers", []):
        name, value = raw_name.decode("latin-1").upper().replace("-", "_"), raw_value.decode("latin-1")
        if name == "CONTENT_TYPE":
            env["CONTENT_TYPE"] = value
            continue
        if name == "CONTENT_LENGTH":
            continue
        key = f"HTTP_{name}"
        env[key] = f"{env[key]},{value}" if key in env else value
    return env


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            text: str = value.decode("latin-1").strip()
            return text
    return None


async def _plain(send: Send, status: int, message: str) -> None:
    body = (message + "\n").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send, executor: ThreadPoolExecutor) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            executor.shutdown(wait=False, cancel_futures=True)
            await send({"type": "lifespan.shutdown.complete"})
            return
