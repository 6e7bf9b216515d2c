"""The WSGI app behind Granian's RSGI interface, each request read whole before the app sees it.

A WSGI server hands a request to an app thread as soon as its headers are in; the app thread
then blocks reading the body, so a client that trickles a body holds a thread for as long as
it likes (50 such clients stopped every request of a 2 × 4-thread server).  ``BufferedWSGI``
reads the body on the event loop instead, bounded in size (413) and in time (408), and only
then runs the app on one of its ``threads``: a slow client costs a socket and a coroutine,
never a thread.  Headers are read by the front end itself (Granian, with its own read
timeout).  See docs/decisions/0104-front-end.md.

The app thread collects the answer up to ``BUFFERED`` bytes and hands it to the loop in one go;
the rest of a longer answer (a download) is fetched chunk by chunk, one thread hop each.  An
answer the render cache holds (``inline``) is replayed on the loop itself, with no thread hop
at all: a hand-off to a thread and back costs more than the replay.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kg.formats import TEXT

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
BUFFERED = 1 << 20  # bytes of an answer collected on the app thread before the rest is streamed


# The front end (Granian, on hyper) drops a chunked body it cannot read — chunk extensions over 16 KiB in all,
# or broken chunk framing — and hands the app an empty body without saying so; an empty chunked body is what
# the app can see of it.
CHUNKED_BODY_LOST = ("the chunked request body arrived empty: it was either empty or could not be read (chunk "
                     "extensions over 16 KiB in all, or broken chunk framing); send the body with Content-Length")


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


class BufferedWSGI:
    """An RSGI app running the WSGI ``app`` on ``threads`` threads, each request read whole first."""

    def __init__(self, app: WSGIApp, *, threads: int, max_body: int, body_timeout: float,
                 inline: Callable[[dict[str, Any]], bool] | None = None,
                 on_close: Callable[[], object] | None = None) -> None:
        self.app = app
        self.inline = inline
        self.on_close = on_close  # what the front end's worker runs once it stops serving (closing the app)
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.executor = ThreadPoolExecutor(max(1, threads), thread_name_prefix="peelkg-app")

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        """One HTTP request (Granian's RSGI: ``scope`` describes it, ``protocol`` reads and answers)."""
        if scope.proto != "http":
            return
        headers: list[tuple[str, str]] = scope.headers.items()
        try:
            body = b"" if _bodiless(headers) else await asyncio.wait_for(self._body(headers, protocol),
                                                                         self.body_timeout)
        except TimeoutError:
            return _plain(protocol, 408, f"the request body did not arrive within {self.body_timeout:g} s")
        except _Refused as refused:
            return _plain(protocol, refused.status, refused.message)
        except Exception:  # the client went away while sending (Granian's protocol errors)
            return None
        env = environ(scope, headers, body)
        if self.inline is not None and self.inline(env):  # a replay from memory: no thread needed
            status, out, chunks, rest = _call(self.app, env)
        else:
            status, out, chunks, rest = await asyncio.get_running_loop().run_in_executor(
                self.executor, _call, self.app, env)
        if rest is None:
            protocol.response_bytes(status, out, b"".join(chunks))
            return None
        transport = protocol.response_stream(status, out)
        for chunk in chunks:
            await transport.send_bytes(chunk)
        await self._stream(rest, transport)
        return None

    def __rsgi_del__(self, loop: Any) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        if self.on_close is not None:
            self.on_close()

    async def _stream(self, rest: Iterator[bytes], transport: Any) -> None:
        """Send the rest of a large answer, each chunk fetched on an app thread."""
        loop = asyncio.get_running_loop()
        try:
            while (chunk := await loop.run_in_executor(self.executor, next, rest, None)) is not None:
                await transport.send_bytes(chunk)
        except Exception:  # noqa: S110 - the client went away: stop sending
            pass
        finally:
            close = getattr(rest, "close", None)
            if close is not None:
                await loop.run_in_executor(self.executor, close)

    async def _body(self, headers: list[tuple[str, str]], protocol: Any) -> bytes:
        length = next((v.strip() for k, v in headers if k.lower() == "content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            raise _Refused(413, f"a request body may hold at most {self.max_body} bytes")
        chunks, size = [], 0
        async for chunk in protocol:
            size += len(chunk)
            if size > self.max_body:
                raise _Refused(413, f"a request body may hold at most {self.max_body} bytes")
            chunks.append(chunk)
        if size == 0 and _chunked(headers):
            raise _Refused(400, CHUNKED_BODY_LOST)
        return b"".join(chunks)


Answer = tuple[int, list[tuple[str, str]], list[bytes], Iterator[bytes] | None]


def _call(app: WSGIApp, env: dict[str, Any]) -> Answer:
    """Run the app: its status, headers, the first chunks of its body (up to ``BUFFERED`` bytes)
    and, for a longer body, the iterator of the rest."""
    started: list[tuple[int, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., None]:
        started[:] = [(int(status.split(" ", 1)[0]), headers)]
        return _no_write

    result = app(env, start_response)
    chunks: Iterator[bytes] = iter(result)
    kept, size = [], 0
    for chunk in chunks:
        if chunk:
            kept.append(chunk)
            size += len(chunk)
        if size > BUFFERED:
            return started[0][0], started[0][1], kept, _Closing(chunks, result)
    close = getattr(result, "close", None)
    if close is not None:
        close()
    return started[0][0], started[0][1], kept, None


class _Closing:
    """The rest of an app's body, with the ``close`` of the iterable the app returned (PEP 3333)."""

    def __init__(self, rest: Iterator[bytes], result: Iterable[bytes]) -> None:
        self.rest, self.result = rest, result

    def __iter__(self) -> _Closing:
        return self

    def __next__(self) -> bytes:
        return next(self.rest)

    def close(self) -> None:
        close = getattr(self.result, "close", None)
        if close is not None:
            close()


def _no_write(data: bytes) -> None:
    raise RuntimeError("the app used WSGI's write(); return the body instead")


def environ(scope: Any, headers: list[tuple[str, str]], body: bytes) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) of an RSGI ``scope`` with its ``headers``, whose whole body is ``body``."""
    server_host, _, server_port = str(scope.server).rpartition(":")
    client_host, _, client_port = str(scope.client).rpartition(":")
    env: dict[str, Any] = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": scope.path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": server_host or "localhost",
        "SERVER_PORT": server_port or "80",
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": client_host.strip("[]"),
        "REMOTE_PORT": client_port,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, value in headers:
        name = raw_name.upper().replace("-", "_")
        if name == "CONTENT_TYPE":
            env["CONTENT_TYPE"] = value
            continue
        if name in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):  # the body is read whole: its length is known
            continue
        key = f"HTTP_{name}"
        env[key] = f"{env[key]},{value}" if key in env else value
    return env


def _bodiless(headers: list[tuple[str, str]]) -> bool:
    """A request that announces no body (neither ``Content-Length`` nor ``Transfer-Encoding``):
    there is nothing to read, so the read is skipped (RFC 9112 §6.3)."""
    return not any(key.lower() in ("content-length", "transfer-encoding") for key, _ in headers)


def _chunked(headers: list[tuple[str, str]]) -> bool:
    return any(key.lower() == "transfer-encoding" and "chunked" in value.lower() for key, value in headers)


def _plain(protocol: Any, status: int, message: str) -> None:
    protocol.response_bytes(status, [("content-type", TEXT.content_type), ("connection", "close")],
                            (message + "\n").encode())
