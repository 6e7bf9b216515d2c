"""The load driver: ``wrk`` on 127.0.0.1, bounded by duration, with a Lua script for mixed requests.

Each run cycles through a fixed list of requests (method, path, headers, body); every wrk thread
starts at a different place in the list so that connections do not move in step.  The script's
``done`` hook prints one JSON line with the request count, the duration, latency percentiles
(p50, p95, p99) and the errors wrk counts (connect, read, write, timeout, and ``status``: answers
that are not 2xx or 3xx).  ``wrk`` comes from Debian (``apt-get install -y wrk``);
:func:`ensure_wrk` installs it when it is missing and the bench runs as root.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Request:
    path: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Answered requests per second, not counting error answers (non-2xx/3xx) or timeouts."""
        ok = self.requests - self.errors.get("status", 0) - self.errors.get("timeout", 0)
        return max(ok, 0) / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"requests": self.requests, "seconds": round(self.seconds, 3), "rate": round(self.rate, 1),
                "p50_ms": round(self.p50_ms, 3), "p95_ms": round(self.p95_ms, 3), "p99_ms": round(self.p99_ms, 3),
                "errors": self.errors}


_SCRIPT = r"""
local specs = %(specs)s
local prebuilt = {}
local counter = 0
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function init(args)
  for i, s in ipairs(specs) do
    prebuilt[i] = wrk.format(s[1], s[2], s[3], s[4])
  end
  counter = (thread_id or 0) * 7
end

function request()
  counter = counter + 1
  return prebuilt[(counter %% #prebuilt) + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nBENCH {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, ' ..
    '"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _lua_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r") + "'"


def lua_specs(requests: list[Request]) -> str:
    rows = []
    for r in requests:
        headers = "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r.headers) + "}"
        body = _lua_string(r.body) if r.body is not None else "nil"
        rows.append(f"{{{_lua_string(r.method)}, {_lua_string(r.path)}, {headers}, {body}}}")
    return "{\n  " + ",\n  ".join(rows) + "\n}"


def ensure_wrk() -> str:
    """The path of ``wrk``, installing Debian's package first if it is missing and we may."""
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, env=env,
                       stdout=subprocess.DEVNULL, timeout=600)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("wrk is missing: apt-get install -y wrk (Debian/Ubuntu)")


def run(base: str, requests: list[Request], *, connections: int, seconds: float,
        timeout: float = 30.0) -> LoadResult:
    """Drive ``base`` with ``connections`` connections for ``seconds`` seconds, cycling through ``requests``."""
    wrk = ensure_wrk()
    threads = max(1, min(connections, 2))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(_SCRIPT % {"specs": lua_specs(requests)})
        script = handle.name
    try:
        completed = subprocess.run(
            [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
             "--timeout", f"{max(1, round(timeout))}s", "-s", script, base],
            capture_output=True, text=True, timeout=seconds + timeout + 60, check=False,
        )
    finally:
        Path(script).unlink(missing_ok=True)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {completed.stdout[-500:]} {completed.stderr[-500:]}")
    data = json.loads(line[len("BENCH "):])
    return LoadResult(
        requests=int(data["requests"]), seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000, p95_ms=data["p95_us"] / 1000, p99_ms=data["p99_us"] / 1000,
        errors={k: int(v) for k, v in data["errors"].items() if v},
    )
