"""Throughput of cached entity pages and documents under the production server, on loopback only.

    python bench/pages.py --data DIR [--seconds 8] [--connections 8] [--threads 4]

Starts ``peelkg serve`` (gunicorn) on a free 127.0.0.1 port, renders each URL once, then runs
``wrk`` (Debian package ``wrk``) against it for a bounded time per URL and prints requests per
second and latency.  Also prints how long each URL took to render the first time.  Nothing but
127.0.0.1 is ever contacted; every run is bounded by ``--seconds``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

TARGETS = [  # (path, Accept)
    ("/doc/force/norfolk", "text/html"),
    ("/doc/force/norfolk", "text/turtle"),
    ("/doc/force/norfolk.jsonld", ""),
    ("/id/force/norfolk", "text/turtle"),
    ("/doc/theme/domestic-abuse", "text/html"),
    ("/", "text/html"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(base: str, path: str, accept: str) -> float:
    """Seconds one GET takes (redirects are answers, not followed)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    start = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Accept": accept} if accept else {})
        response = connection.getresponse()
        response.read()
        if response.status >= 400:
            raise OSError(f"{path}: {response.status}")
    finally:
        connection.close()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    port = free_port()
    env = {**os.environ}
    if args.threads is not None:
        env["PEELKG_THREADS"] = str(args.threads)
    peelkg = str(Path(sys.executable).parent / "peelkg")
    server = subprocess.Popen([peelkg, "serve", "--data", str(args.data), "--host", "127.0.0.1", "--port", str(port),
                               "--workers", str(args.workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(base, "/", "")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.2)
        print(f"workers={args.workers} threads={env.get('PEELKG_THREADS', 'default')} "
              f"connections={args.connections} seconds={args.seconds}")
        for path, accept in TARGETS:
            first = fetch(base, path, accept)   # a worker renders it (each worker has its own cache)
            for _ in range(4 * args.workers):
                fetch(base, path, accept)
            command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency"]
            if accept:
                command += ["-H", f"Accept: {accept}"]
            out = subprocess.run([*command, base + path], capture_output=True, text=True, timeout=args.seconds + 30,
                                 check=True).stdout
            rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
            p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
            p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
            print(f"{path:32} {accept or '(suffix)':12} first {first * 1000:7.1f} ms   "
                  f"{float(rate.group(1)) if rate else 0:8.0f} req/s   p50 {p50.group(1) if p50 else '?':>8}   "
                  f"p99 {p99.group(1) if p99 else '?':>8}{'   ' + errors.group(0) if errors else ''}")
    finally:
        server.terminate()
        server.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
