"""``bench.servers.Server.settled_memory_mb``: a memory sample waits until the process tree stops
growing, as peelkg's query workers do for a while after the server's first answer (the distinct
flood once counted their start as growth)."""

from __future__ import annotations

import subprocess
import sys

from bench.servers import Server

# Grows by 8 MiB every 0.2 s for 1.6 s (64 MiB, every page written), then idles.
GROWER = ("import time\nheld = []\nfor _ in range(8):\n"
          "    held.append(b'x' * (8 << 20)); time.sleep(0.2)\ntime.sleep(30)\n")


def test_settled_sample_waits_for_a_growing_tree() -> None:
    process = subprocess.Popen([sys.executable, "-c", GROWER])
    server = Server("grower", "", process, None)
    try:
        first = server.memory_mb()
        settled = server.settled_memory_mb(step=0.5, within=1.0, most=10.0)
        assert settled - first >= 40, (first, settled)  # a sample at once misses most of the 64 MiB
        assert any("python" in name for name in server.memory_by_process())
    finally:
        process.kill()
        process.wait(timeout=5)
