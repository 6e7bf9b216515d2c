"""The dumps of a release written from the store: sorted on disk (now) beside sorted in memory (before).

    python -m bench.dumps --data DIR --copies 1,8,64 [--json FILE]

Takes the quads of the release in DIR and makes a store of ``copies`` copies of them (every IRI
under the dataset's base gets a ``/cN`` suffix per copy, so the copies are distinct statements
with the release's own mix of IRIs and literals).  For each size, each writer of each format
runs in a fresh process (so each peak RSS is its own) on that store, opened read-only:

- ``before``: the code the build ran before the dumps were streamed (kept here as the anchor):
  every line or term of the dump sorted in Python memory;
- ``after``: ``kg.release.dumps.write_rdf_dumps`` (one read of the store for all three formats, sorted runs on
  disk, merged lazily); its time is of the three formats at once.

Both must write the same bytes (checked by SHA-256). Prints a table with the ratios
after ÷ before; ``--json`` writes the figures.  Run it with nothing else heavy on the machine,
and compare within one run only.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.namespaces import BASE, PREFIXES
from kg.release.layout import open_release

FORMATS = ("nq", "ttl", "jsonld")


def _before(store: ox.Store, fmt: str, path: Path) -> int:
    """The dump writers as they were before: sorted in memory."""
    if fmt == "nq":
        data = store.dump(format=ox.RdfFormat.N_QUADS)
        assert data is not None
        lines = sorted(set(data.decode("utf-8").splitlines()) - {""})
        payload = ("\n".join(lines) + "\n").encode("utf-8")
        with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6,
                                                   mtime=0) as handle:
            handle.write(payload)
        return len(lines)
    if fmt == "ttl":
        triples = sorted({q.triple for q in store}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        ox.serialize(triples, str(path), ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        return len(triples)
    quads = sorted(store, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    ox.serialize(quads, str(path), ox.RdfFormat.JSON_LD)
    return len(quads)


def _after(store: ox.Store, fmt: str, path: Path) -> int:
    """``kg.release.dumps.write_rdf_dumps``, which writes the three formats from one read of the store; the
    one asked for is kept (so its time is the three formats', against one format's before)."""
    from kg.release.dumps import write_rdf_dumps
    from kg.release.layout import DUMP

    name = {"nq": DUMP, "ttl": "dump.ttl", "jsonld": "dump.jsonld"}[fmt]
    with tempfile.TemporaryDirectory(dir=path.parent) as folder:
        count = write_rdf_dumps(store, Path(folder))[name]
        (Path(folder) / name).replace(path)
    return count


def child(candidate: str, fmt: str, store_path: Path, out: Path) -> dict[str, Any]:
    """Run one writer in this process; its time, CPU time, peak RSS and the SHA-256 of what it wrote."""
    store = ox.Store.read_only(str(store_path))
    start, cpu = time.perf_counter(), time.process_time()
    count = (_before if candidate == "before" else _after)(store, fmt, out)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    out.unlink()
    return {"seconds": round(seconds, 2), "cpu": round(cpu, 2), "peak_rss_mb": round(peak), "count": count,
            "sha256": digest}


def make_store(release_store: Path, copies: int, path: Path) -> int:
    """A store of ``copies`` renamed copies of the release's quads; return its size."""
    source = list(ox.Store.read_only(str(release_store)))
    store = ox.Store(str(path))

    def rename(term: Any, k: int) -> Any:
        if isinstance(term, ox.NamedNode) and term.value.startswith(BASE) and not term.value.startswith(BASE + "def"):
            return ox.NamedNode(f"{term.value}/c{k}")
        return term

    for k in range(copies):
        store.bulk_extend([ox.Quad(rename(q.subject, k), q.predicate, rename(q.object, k), rename(q.graph_name, k))
                           for q in source])
    store.flush()
    return len(store)


def run(data: Path, copies: list[int]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    release = open_release(data)
    with tempfile.TemporaryDirectory(prefix="peelkg-bench-dumps-") as scratch:
        for n in copies:
            store_path = Path(scratch) / f"store-{n}"
            quads = make_store(release.store_path, n, store_path)
            for fmt in FORMATS:
                row: dict[str, Any] = {"copies": n, "quads": quads, "format": fmt}
                for candidate in ("before", "after"):
                    out = Path(scratch) / f"out-{candidate}.{fmt}"
                    done = subprocess.run(
                        [sys.executable, "-m", "bench.dumps", "--child", candidate, fmt, str(store_path), str(out)],
                        capture_output=True, text=True, check=True, timeout=1800)
                    row[candidate] = json.loads(done.stdout.strip().splitlines()[-1])
                row["same_bytes"] = row["before"]["sha256"] == row["after"]["sha256"]
                rows.append(row)
                _print_row(row)
    return rows


def _print_row(row: dict[str, Any]) -> None:
    b, a = row["before"], row["after"]
    print(f"{row['quads']:>9} {row['format']:<7} before {b['seconds']:7.1f} s {b['peak_rss_mb']:6} MB   "
          f"after {a['seconds']:7.1f} s {a['peak_rss_mb']:6} MB   "
          f"time ×{a['seconds'] / max(b['seconds'], 0.01):.2f} memory ×{a['peak_rss_mb'] / b['peak_rss_mb']:.2f}"
          f"   same bytes: {row['same_bytes']}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--copies", default="1,8,64")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--child", nargs=4, metavar=("CANDIDATE", "FORMAT", "STORE", "OUT"), default=None)
    args = parser.parse_args()
    if args.child:
        candidate, fmt, store_path, out = args.child
        print(json.dumps(child(candidate, fmt, Path(store_path), Path(out))))
        return
    if args.data is None:
        parser.error("--data DIR is required")
    rows = run(args.data, [int(n) for n in args.copies.split(",")])
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
