"""The servers a bench run compares, each started on 127.0.0.1 on a free port and stopped by its own id.

- ``peelkg``: ``peelkg serve --data DIR`` (gunicorn, the release's embedded store, the endpoint's safety on);
- ``peelkg-nocache``: the same with the page and query caches off, to show what a first request costs;
- ``oxigraph-ro``: ``oxigraph serve-read-only`` on a RocksDB store loaded from the release's dump;
- ``oxigraph-mem``: ``oxigraph serve`` in memory, the dump POSTed to its ``/store``;
- ``rdflib-endpoint``: rdflib's in-memory Dataset (union default graph) behind FastAPI/uvicorn;
- ``http.server`` / ``nginx``: static files, the floor for pages (nginx only where it is installed).

Every SPARQL server answers with the union of the named graphs as its default graph, as peelkg does.
``Server.peak_rss_mb`` is the sum of the peak resident sizes (VmHWM) of the process and its descendants.
"""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tool(name: str) -> str | None:
    beside = BIN / name
    return str(beside) if beside.exists() else shutil.which(name)


def process_tree(root: int) -> list[int]:
    """``root`` and the ids of all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def tree_memory_mb(root: int, field: str = "VmRSS", *, descendants: bool = True) -> float:
    """The sum of ``field`` over ``root``'s process tree, in MiB: of /proc/PID/status (VmRSS now, VmHWM the peak),
    or ``Pss`` of /proc/PID/smaps_rollup (pages shared by forked processes counted once, split among them)."""
    total = 0
    source = "smaps_rollup" if field == "Pss" else "status"
    for pid in process_tree(root) if descendants else [root]:
        try:
            for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen[bytes]
    sparql_path: str | None  # where SPARQL queries go, None for a static server
    start_seconds: float = 0.0
    load_seconds: float = 0.0  # loading data before the server starts (oxigraph load, POST /store)
    notes: list[str] = field(default_factory=list)

    def tree(self) -> list[int]:
        """The process id and those of all its descendants (from /proc)."""
        return process_tree(self.process.pid)

    def memory_mb(self, field: str = "VmRSS") -> float:
        """The sum of ``field`` (of /proc/PID/status: VmRSS now, VmHWM the peak) over the process tree, in MiB."""
        return tree_memory_mb(self.process.pid, field)

    def peak_rss_mb(self) -> float:
        return self.memory_mb("VmHWM")

    def settled_memory_mb(self, *, step: float = 1.0, within: float = 1.0, most: float = 30.0) -> float:
        """:meth:`memory_mb` once the tree stops growing: two samples ``step`` s apart differ by at
        most ``within`` MiB (or after ``most`` s).  A server answers before it is warm — peelkg's query
        workers import and open the store in the background, ~45 MiB each — so a sample taken at the
        first answer counts their start as growth."""
        end = time.monotonic() + most
        last = self.memory_mb()
        while time.monotonic() < end:
            time.sleep(step)
            now = self.memory_mb()
            if abs(now - last) <= within:
                return now
            last = now
        return last

    def memory_by_process(self) -> dict[str, float]:
        """VmRSS in MiB per process of the tree, named by pid and the start of its command line."""
        found = {}
        for pid in self.tree():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            words = [w.decode(errors="replace").rsplit("/", 1)[-1] for w in command if w][:3]
            rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            found[f"{pid} {' '.join(words)}"] = round(rss / 1024, 1)
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server's own session, started by us
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def _spawn(args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, **(env or {})})


def _wait(process: subprocess.Popen[bytes], url: str, limit: float) -> float:
    """Seconds until ``url`` answers (any HTTP status), at most ``limit``."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if process.poll() is not None:
            raise RuntimeError(f"server exited while starting ({url})")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return time.perf_counter() - started
        except urllib.error.HTTPError:
            return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {limit:g} s")


def _start(name: str, args: list[str], logs: Path, *, port: int, endpoint: str | None, ready: str, limit: float,
           env: dict[str, str] | None = None) -> Server:
    """Spawn ``args`` (a server on 127.0.0.1:``port``), wait until ``ready`` answers, and time its start."""
    started = time.perf_counter()
    process = _spawn(args, logs / f"{name}.log", env)
    server = Server(name, f"http://127.0.0.1:{port}", process, endpoint)
    _wait(process, server.base + ready, limit)
    server.start_seconds = time.perf_counter() - started
    return server


def _needed(name: str) -> str:
    binary = tool(name)
    if binary is None:
        raise RuntimeError(f"{name} is missing (pip install -e '.[bench]')")
    return binary


def start_peelkg(data: Path, logs: Path, *, name: str = "peelkg", env: dict[str, str] | None = None) -> Server:
    """``peelkg serve`` with its default settings, or those ``env`` (``PEELKG_*``) changes."""
    port = free_port()
    args = [str(BIN / "peelkg"), "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port)]
    return _start(name, args, logs, port=port, endpoint="/sparql", ready="/robots.txt", limit=120, env=env)


def unpacked_dump(release: Path, work: Path) -> Path:
    target = work / "dump.nq"
    if not target.exists():
        with gzip.open(release / "dump.nq.gz", "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
    return target


def start_oxigraph_ro(release: Path, work: Path, logs: Path) -> Server:
    binary = _needed("oxigraph")
    location = work / "oxigraph-ro"
    started = time.perf_counter()
    if not location.exists():
        subprocess.run([binary, "load", "--location", str(location), "--file", str(unpacked_dump(release, work))],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=3600)
    load = time.perf_counter() - started
    port = free_port()
    server = _start("oxigraph-ro", [binary, "serve-read-only", "--location", str(location), "--bind",
                                    f"127.0.0.1:{port}", "--union-default-graph"], logs,
                    port=port, endpoint="/query", ready="/query?query=ASK%7B%7D", limit=120)
    server.load_seconds = load
    return server


def start_oxigraph_mem(release: Path, work: Path, logs: Path) -> Server:
    port = free_port()
    server = _start("oxigraph-mem", [_needed("oxigraph"), "serve", "--bind", f"127.0.0.1:{port}",
                                     "--union-default-graph"], logs,
                    port=port, endpoint="/query", ready="/query?query=ASK%7B%7D", limit=120)
    loaded = time.perf_counter()
    body = unpacked_dump(release, work).read_bytes()
    request = urllib.request.Request(server.base + "/store", data=body, method="POST",
                                     headers={"Content-Type": "application/n-quads"})
    with urllib.request.urlopen(request, timeout=3600):
        pass
    server.load_seconds = time.perf_counter() - loaded
    return server


def start_rdflib_endpoint(release: Path, work: Path, logs: Path) -> Server:
    port = free_port()
    server = _start("rdflib-endpoint", [_needed("rdflib-endpoint"), "serve", str(unpacked_dump(release, work)),
                                        "--host", "127.0.0.1", "--port", str(port)], logs,
                    port=port, endpoint="/", ready="/?query=ASK%7B%7D", limit=3600)
    server.notes.append("start includes parsing the dump into memory")
    return server


def start_http_server(folder: Path, logs: Path) -> Server:
    port = free_port()
    return _start("http.server", [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                  "--directory", str(folder)], logs, port=port, endpoint=None, ready="/", limit=60)


_NGINX = """{user}worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
daemon off;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
  types {{ text/html html; }}
  server {{ listen 127.0.0.1:{port}; root {root}; }}
}}
"""


def start_nginx(folder: Path, work: Path, logs: Path) -> Server | None:
    binary = tool("nginx") or (shutil.which("nginx", path="/usr/sbin:/usr/local/sbin") if os.name == "posix" else None)
    if binary is None:
        return None
    port = free_port()
    conf = work / "nginx.conf"
    user = "user root;\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""  # workers must read our files
    conf.write_text(_NGINX.format(user=user, work=work, port=port, root=folder), encoding="utf-8")
    return _start("nginx", [binary, "-c", str(conf), "-e", str(work / "nginx-error.log")], logs,
                  port=port, endpoint=None, ready="/", limit=60)
