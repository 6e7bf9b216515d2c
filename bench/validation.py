"""SHACL validation of a release's store: in parts (now) beside the union graph at once (before).

    python -m bench.validation --data DIR --copies 1,8 [--workers 2] [--json FILE]

Makes a store of the release's shared graphs and ``copies`` copies of each of its report graphs
(each copy's own nodes renamed, its links to forces, questions, grades and themes kept; the copied
judgements duplicate one another, so the uniqueness shape finds violations: both candidates see
the same data), then validates it in a fresh process per candidate:

- ``before``: ``validate_graph(union_graph(store))``, what the build ran before (the anchor);
- ``after``: ``kg.release.partitioned.validate_store`` with ``--workers`` worker processes.

Prints seconds and peak RSS (the process itself, and its largest worker), the result counts (they
must agree) and the ratios after ÷ before.  Compare within one run only.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.namespaces import GRAPH
from kg.release.layout import open_release


def make_store(release_store: Path, copies: int, path: Path) -> int:
    """The shared graphs of the release once, each report graph ``copies`` times (its subjects renamed)."""
    source = ox.Store.read_only(str(release_store))
    store = ox.Store(str(path))
    reports = [g for g in source.named_graphs()
               if isinstance(g, ox.NamedNode) and g.value.startswith(str(GRAPH) + "report/")]
    store.bulk_extend([q for q in source if q.graph_name not in reports])
    for graph in reports:
        quads = list(source.quads_for_pattern(None, None, None, graph))
        own = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
        for k in range(copies):
            def rename(term: Any, k: int = k, own: set[str] = own) -> Any:
                return ox.NamedNode(f"{term.value}/c{k}") if isinstance(term, ox.NamedNode) and term.value in own \
                    else term
            store.bulk_extend([ox.Quad(rename(q.subject), q.predicate, rename(q.object),
                                       ox.NamedNode(f"{graph.value}/c{k}")) for q in quads])
    store.flush()
    return len(store)


def child(candidate: str, store_path: Path, workers: int) -> dict[str, Any]:
    from kg.release.partitioned import report_graphs, validate_store
    from kg.release.stream import union_graph
    from kg.release.validate import validate_graph

    store = ox.Store.read_only(str(store_path))
    start = time.perf_counter()
    if candidate == "before":
        outcome = validate_graph(union_graph(store))
    else:
        outcome = validate_store(store, report_graphs(store), workers=workers)
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(own), "worker_peak_rss_mb": round(workers_peak),
            "violations": outcome.violations, "warnings": outcome.warnings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--copies", default="1,8")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--child", nargs=2, metavar=("CANDIDATE", "STORE"), default=None)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.workers)))
        return
    if args.data is None:
        parser.error("--data DIR is required")
    rows = []
    release = open_release(args.data)
    with tempfile.TemporaryDirectory(prefix="peelkg-bench-validation-") as scratch:
        for n in (int(c) for c in args.copies.split(",")):
            store_path = Path(scratch) / f"store-{n}"
            row: dict[str, Any] = {"copies": n, "quads": make_store(release.store_path, n, store_path)}
            for candidate in ("before", "after"):
                done = subprocess.run(
                    [sys.executable, "-m", "bench.validation", "--workers", str(args.workers),
                     "--child", candidate, str(store_path)],
                    capture_output=True, text=True, check=True, timeout=3600)
                row[candidate] = json.loads(done.stdout.strip().splitlines()[-1])
            b, a = row["before"], row["after"]
            print(f"{row['quads']:>9} quads  before {b['seconds']:7.1f} s {b['peak_rss_mb']:6} MB   after "
                  f"{a['seconds']:7.1f} s {a['peak_rss_mb']:6} MB (largest worker {a['worker_peak_rss_mb']} MB)   "
                  f"time ×{a['seconds'] / max(b['seconds'], 0.1):.2f}   results {b['violations']}/{b['warnings']} "
                  f"vs {a['violations']}/{a['warnings']}", flush=True)
            rows.append(row)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
