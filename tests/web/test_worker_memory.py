"""``worker_memory_mb``: a web worker whose resident memory passes the ceiling is replaced, and the
server keeps answering.  The ceiling here (30 MiB) is below what any web worker holds once started
(~60 MiB), so the first sample (every 5 s) already finds it over; the wait is bounded at 40 s."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

from tests.web.conftest import start_server, stop_server


def web_workers(pid: int) -> set[int]:
    """The server's direct children that are web workers (not query workers: those are the workers' children)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid and b"query_worker" not in command:
            found.add(int(entry.name))
    return found


def test_a_web_worker_over_its_memory_ceiling_is_replaced(data_dir: Path) -> None:
    process, base = start_server(data_dir, "--workers", "1", env={"PEELKG_WORKER_MEMORY_MB": "30"})
    try:
        first = web_workers(process.pid)
        assert len(first) == 1
        deadline = time.monotonic() + 40
        replaced: set[int] = set()
        while time.monotonic() < deadline and not replaced:
            time.sleep(0.5)
            replaced = web_workers(process.pid) - first
        assert replaced, "the web worker was not replaced within 40 s"
        with urllib.request.urlopen(base + "/robots.txt", timeout=10) as response:
            assert response.status == 200
    finally:
        stop_server(process)
