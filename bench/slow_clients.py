"""Slow clients beside light requests: what a front end costs when connections trickle.

``python -m bench.slow_clients --data DIR [--headers 200] [--bodies 50] [--servers a,b,…]``

For each front end, in one run: start it on a free 127.0.0.1 port serving the release in DIR,
open ``--headers`` connections that send a request line and then one header line every
``--interval`` seconds (never ending the headers), and ``--bodies`` POSTs to ``/sparql`` that
announce a body and send one byte of it every ``--interval`` seconds; then time ``--requests``
light requests (``/robots.txt``, a fresh connection each, 10 s client timeout: a timeout counts
as 10 s; none started after 40 s).  The same light requests first run with no slow client, as the floor.

Front ends (all load ``web.serve:app_from_env`` with 2 processes, except the anchor):

- ``peelkg``: ``peelkg serve``: Granian's RSGI interface and ``web.http.request_buffer.BufferedWSGI`` (bodies read on
  the event loop before an app thread is taken), 8 app threads;
- ``granian-wsgi``: the same Rust server (hyper/tokio) on its own WSGI interface, 8 blocking threads;
- ``gunicorn-gthread``: gunicorn's threaded worker, 4 threads (the former default);
- ``gunicorn-gevent``: gunicorn's gevent worker (monkey-patched, 1000 connections a worker);
- ``waitress``: waitress' asyncore loop and 8 threads (one process: it has no worker processes);
- ``oxigraph``: ``oxigraph serve-read-only`` on the release's dump, the anchor (``GET /``).

Figures go to ``bench/results/<UTC time>-slow-clients.{json,md}``.  Every connection and server
is on 127.0.0.1; attackers and requests are bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from . import load
from .servers import BIN, _spawn, _wait, free_port, start_nginx, start_oxigraph_ro, tool

RESULTS = Path(__file__).parent / "results"
FACTORY = "web.serve:app_from_env"
CLIENT_TIMEOUT = 10.0


@dataclass
class Figures:
    server: str
    attack: str
    requests: int
    failures: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    held: int  # attacker connections still open when the light requests ended


def commands(port: int) -> dict[str, list[str]]:
    addr = f"127.0.0.1:{port}"
    gunicorn = [str(BIN / "gunicorn"), "-b", addr, "-w", "2", "--timeout", "60"]
    return {
        "peelkg": [str(BIN / "peelkg"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        "granian-wsgi": [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                         "--workers", "2", "--blocking-threads", "8", "--factory", FACTORY],
        "gunicorn-gthread": [*gunicorn, "-k", "gthread", "--threads", "4", f"{FACTORY}()"],
        "gunicorn-gevent": [*gunicorn, "-k", "gevent", "--worker-connections", "1000", f"{FACTORY}()"],
        "waitress": [str(BIN / "waitress-serve"), "--listen", addr, "--threads", "8", "--call", FACTORY],
    }


class Attack:
    """``headers`` slow-header and ``bodies`` slow-body connections, kept trickling on a loop thread."""

    def __init__(self, port: int, headers: int, bodies: int, interval: float) -> None:
        self.port, self.headers, self.bodies, self.interval = port, headers, bodies, interval
        self.open = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)
        self._ready = threading.Event()

    def __enter__(self) -> Attack:
        self._thread.start()
        self._ready.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)

    async def _one(self, body: bool) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return
        self.open += 1
        try:
            if body:
                writer.write(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             b"Content-Type: application/sparql-query\r\nContent-Length: 100000\r\n\r\n")
            else:
                writer.write(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            await writer.drain()
            while not self._stop.is_set():
                await asyncio.sleep(self.interval)
                if reader.at_eof():
                    return
                writer.write(b"a" if body else b"X-Trickle: a\r\n")
                await writer.drain()
        except OSError:
            return
        finally:
            self.open -= 1
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def _main(self) -> None:
        tasks = [asyncio.create_task(self._one(False)) for _ in range(self.headers)]
        tasks += [asyncio.create_task(self._one(True)) for _ in range(self.bodies)]
        await asyncio.sleep(1.0)  # every connection made and its first bytes sent
        self._ready.set()
        while not self._stop.is_set():
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def light(port: int, path: str, count: int, budget: float = 40.0) -> tuple[list[float], int]:
    """Seconds each of ``count`` GETs of ``path`` took (fresh connection each, none started after
    ``budget`` seconds), and how many failed."""
    times, failures = [], 0
    end = time.monotonic() + budget
    for _ in range(count):
        if time.monotonic() > end:
            break
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                failures += 1
            times.append(time.perf_counter() - started)
        except (OSError, http.client.HTTPException):
            failures += 1
            times.append(CLIENT_TIMEOUT)
        finally:
            conn.close()
    return times, failures


def figures(server: str, attack: str, times: list[float], failures: int, held: int) -> Figures:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return Figures(server, attack, len(times), failures, round(statistics.median(ordered) * 1000, 1),
                   round(p99 * 1000, 1), round(ordered[-1] * 1000, 1), held)


PAGE = "/doc/force/norfolk"
PAGES: dict[str, float] = {}  # server → cached page req/s at 8 connections


def page_rate(name: str, port: int, path: str = PAGE) -> None:
    """Requests per second of a cached page at 8 connections for 5 s (after one warming request)."""
    if tool("wrk") is None:
        return
    light(port, path, 2)
    PAGES[name] = round(load.run(f"http://127.0.0.1:{port}", [load.Request(path)], connections=8, seconds=5).rate)


def measure(name: str, port: int, path: str, args: argparse.Namespace) -> list[Figures]:
    if name != "oxigraph":
        page_rate(name, port)
    out = []
    times, failures = light(port, path, args.requests)
    out.append(figures(name, "none", times, failures, 0))
    for label, headers, bodies in (("slow headers", args.headers, 0), ("slow bodies", 0, args.bodies),
                                   ("both", args.headers, args.bodies)):
        with Attack(port, headers, bodies, args.interval) as attack:
            times, failures = light(port, path, args.requests)
            held = attack.open
        out.append(figures(name, f"{label} ({headers}+{bodies})", times, failures, held))
        time.sleep(0.5)
    return out


def run_one(name: str, args: argparse.Namespace, work: Path) -> list[Figures]:
    env = {"PEELKG_DATA_DIR": str(args.data)}
    if name == "oxigraph":
        current = (args.data / "current").resolve()
        server = start_oxigraph_ro(current, work, work)
        port = int(server.base.rsplit(":", 1)[1])
        try:
            return measure(name, port, "/", args)
        finally:
            server.stop()
    port = free_port()
    process = _spawn([*commands(port)[name][:], *(["--data", str(args.data)] if name == "peelkg" else [])],
                     work / f"{name}.log", env)
    stop: Callable[[], None] = lambda: _stop(process)  # noqa: E731
    try:
        _wait(process, f"http://127.0.0.1:{port}/robots.txt", 120)
        return measure(name, port, "/robots.txt", args)
    finally:
        stop()


def _stop(process: subprocess.Popen[bytes]) -> None:
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def table(rows: list[Figures]) -> str:
    lines = ["| server | slow clients | light requests | failed | p50 ms | p99 ms | max ms | attackers held |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r.server} | {r.attack} | {r.requests} | {r.failures} | {r.p50_ms} | {r.p99_ms} | {r.max_ms} "
              f"| {r.held} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data directory with a release")
    parser.add_argument("--headers", type=int, default=200)
    parser.add_argument("--bodies", type=int, default=50)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between an attacker's bytes")
    parser.add_argument("--requests", type=int, default=100, help="light requests per attack")
    parser.add_argument("--servers", default="peelkg,granian-wsgi,gunicorn-gthread,gunicorn-gevent,waitress,oxigraph")
    args = parser.parse_args(argv)
    args.data = args.data.resolve()
    rows: list[Figures] = []
    with tempfile.TemporaryDirectory() as tmp:
        static = Path(tmp) / "static"
        (static / "doc" / "force").mkdir(parents=True)
        nginx_page(static / "doc" / "force" / "norfolk", args, Path(tmp))
        for name in args.servers.split(","):
            if name == "oxigraph" and tool("oxigraph") is None:
                continue
            rows += run_one(name, args, Path(tmp))
            print(table(rows[-4:]), flush=True)
    stamp = time.strftime("%Y%m%dT%H%M", time.gmtime())
    RESULTS.mkdir(exist_ok=True)
    meta = {"cpus": os.cpu_count(), "load": os.getloadavg(), "argv": sys.argv[1:]}
    (RESULTS / f"{stamp}-slow-clients.json").write_text(json.dumps(
        {"meta": meta, "rows": [asdict(r) for r in rows], "page_rate_c8": PAGES}, indent=1))
    pages = "\n".join(["| server | cached page req/s at c=8 | ÷ nginx |", "|---|---|---|"] + [
        f"| {k} | {v} | {v / PAGES['nginx']:.2f} |" if PAGES.get("nginx") else f"| {k} | {v} | |"
        for k, v in PAGES.items()])
    (RESULTS / f"{stamp}-slow-clients.md").write_text(
        f"# Slow clients beside light requests ({stamp} UTC)\n\n{os.cpu_count()} CPUs, load average "
        f"{', '.join(f'{x:.1f}' for x in meta['load'])} at the end; one run, figures noisy (shared machine).\n\n"
        + table(rows) + "\n\n" + pages + "\n")
    print(table(rows))
    print(pages)


def nginx_page(target: Path, args: argparse.Namespace, work: Path) -> None:
    """Save peelkg's Norfolk page as a file and time nginx serving it (the static floor)."""
    port = free_port()
    process = _spawn([str(BIN / "peelkg"), "serve", "--host", "127.0.0.1", "--port", str(port), "--data",
                      str(args.data)], work / "peelkg-copy.log")
    try:
        _wait(process, f"http://127.0.0.1:{port}/robots.txt", 120)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", PAGE)
        target.write_bytes(conn.getresponse().read())
        conn.close()
    finally:
        _stop(process)
    nginx = start_nginx(target.parent.parent.parent, work, work)
    if nginx is not None:
        try:
            page_rate("nginx", int(nginx.base.rsplit(":", 1)[1]))
        finally:
            nginx.stop()


if __name__ == "__main__":
    main()
