"""The query worker round trip, this tree beside an earlier revision, in one run.

``python -m bench.round_trip --data DIR [--baseline REV] [--count 400] [--rounds 2]``

The baseline is exported from git (``git archive REV``) into a temporary folder and run from
there (``PYTHONPATH``), so its pool starts its own workers; this tree runs as installed.  Each
side, in turn and alternating for ``--rounds``, starts a ``kg.query.pool.QueryPool`` of one
worker on the release's store and sends ``--count`` jobs of each kind: ``ASK {}`` (the fixed
cost alone), the one-URI lookup, and 2,000 rows of ``?s ?p ?o`` (a large answer, ~0.5 MB of
JSON).  Reported per job: the web process's CPU (``time.process_time``), the
worker's CPU (from ``/proc``) and the wall-clock p50.  CPU time is the figure to read on a
loaded machine; the wall clock depends on what else runs.

Figures go to ``bench/results/<UTC time>-round-trip.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .report import markdown_table
from .workload import NORFOLK

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter with the side's tree first on the path; uses only what every
# revision of the pool offers (QueryPool, Job, pids).
_TIMING = r"""
import json, os, statistics, sys, time
from pathlib import Path
from kg.query.execute import Job
from kg.query.guard import Limits, capped, check
from kg.query.pool import QueryPool
import kg.query.pool
store, count = Path(sys.argv[1]), int(sys.argv[2])
tick = os.sysconf("SC_CLK_TCK")
def worker_cpu(pool):
    total = 0
    for pid in pool.pids():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / tick
def job(text):
    info = check(text, Limits())
    run, counted = capped(text, info, 10000)
    return Job(run, text, info.form, "json", 10000, counted, info.dataset_clause)
jobs = {"ask": job("ASK {}"), "lookup": job(sys.argv[3]), "rows": job("SELECT * WHERE { ?s ?p ?o } LIMIT 2000")}
pool = QueryPool(store, size=1, memory_mb=4096, timeout=120, queue=0)
out = {"source": str(Path(kg.query.pool.__file__).parents[2])}
for name, one in jobs.items():
    n = count if name != "rows" else max(10, count // 10)
    for _ in range(10):
        size = len(pool.run(one).body)
    walls = []
    cpu, wcpu = time.process_time(), worker_cpu(pool)
    for _ in range(n):
        started = time.perf_counter()
        pool.run(one)
        walls.append(time.perf_counter() - started)
    out[name] = {"jobs": n, "bytes": size, "web_cpu_us": round((time.process_time() - cpu) / n * 1e6, 1),
                 "worker_cpu_us": round((worker_cpu(pool) - wcpu) / n * 1e6, 1),
                 "wall_p50_us": round(statistics.median(walls) * 1e6, 1)}
pool.close()
print(json.dumps(out))
"""


def export(revision: str, into: Path) -> Path:
    """The tree of ``revision`` (``git archive``) unpacked under ``into``."""
    archive = subprocess.run(["git", "archive", "--format=tar", revision], cwd=ROOT, capture_output=True,
                             check=True, timeout=120).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True, timeout=120)
    return into


def measure(tree: Path, store: Path, count: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", _TIMING, str(store), str(count),
                           f"SELECT ?p ?o WHERE {{ <{NORFOLK}> ?p ?o }}"],
                          cwd=tree, env=env, capture_output=True, text=True, check=True, timeout=1800)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    # Which tree the pool was imported from: a check that the baseline really ran its own code.
    result["source"] = "this tree" if Path(result["source"]).resolve() == ROOT else "the exported baseline"
    return result


def table(runs: list[dict[str, Any]]) -> str:
    rows = [[run["side"], str(run["round"]), name, *(str(run[name][k]) for k in
                                                       ("bytes", "web_cpu_us", "worker_cpu_us", "wall_p50_us"))]
            for run in runs for name in ("ask", "lookup", "rows")]
    return markdown_table(["side", "round", "job", "answer bytes", "web CPU µs", "worker CPU µs", "wall p50 µs"], rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.round_trip", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a data directory with a published release")
    parser.add_argument("--baseline", default="main", help="git revision to compare with (default main)")
    parser.add_argument("--count", type=int, default=400, help="jobs of each light kind per side and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    store = (args.data / "current").resolve() / "store"
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="peelkg-baseline-") as folder:
        baseline = export(args.baseline, Path(folder))
        for round_ in range(args.rounds):
            for side, tree in ((f"baseline {args.baseline}", baseline), ("this tree", ROOT)):
                run = {"side": side, "round": round_ + 1, **measure(tree, store, args.count)}
                runs.append(run)
                print(f"{side} round {round_ + 1}: " + ", ".join(
                    f"{k} {run[k]['web_cpu_us']}+{run[k]['worker_cpu_us']} µs" for k in ("ask", "lookup", "rows")),
                    flush=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M")
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {"cpus": os.cpu_count(), "load_average": os.getloadavg(), "baseline": args.baseline, "data": args.data.name}
    (args.out / f"{stamp}-round-trip.json").write_text(json.dumps({"meta": meta, "runs": runs}, indent=1) + "\n",
                                                       encoding="utf-8")
    (args.out / f"{stamp}-round-trip.md").write_text(
        f"# Query worker round trip, {stamp}\n\n{meta}\n\n" + table(runs), encoding="utf-8")


if __name__ == "__main__":
    main()
