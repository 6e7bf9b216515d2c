"""The query mix and the one-URI lookup on ``/sparql``: peelkg as served, peelkg with its caches off, and
``oxigraph serve-read-only`` on the same release, side by side in one run.

``python -m bench.query_mix --data DIR [--connections 1,8] [--duration 4] [--rounds 2] [--variant NAME:K=V,…]``

``DIR`` is a data directory with a published release (``peelkg build --out DIR``, e.g. of
``python -m bench.generate --scale M``).  The three servers run at once; each cell (workload ×
concurrency × server) is one ``wrk`` run of ``--duration`` seconds, and the rounds repeat every cell
in the same order, so a change in the machine's load shows as a difference between rounds rather
than between servers.  Before timing, every server answers every query of the mix once and the
answer sizes are compared (and peelkg's caches, where on, hold the mix, as they do for any
repeated query).

Both peelkg servers run with the worker isolation, the time limit, the row cap and the waiting
room on, and with the per-client budget off: every bench connection comes from 127.0.0.1, so the
budget would stand for one client's share, not the server's capacity.  Answers refused by the
waiting room (503) are counted apart and never as throughput.  Also reported: the CPU time of
each server's processes per answered request, the figure that a loaded machine disturbs least.

``--variant`` adds a caches-off server with settings of its own, e.g.
``one-web-worker:WORKERS=1,QUERY_WORKERS=4,QUERY_QUEUE=4`` (each ``K`` a setting, as ``PEELKG_K``); its ratio
to oxigraph-ro gets a column of its own.

Figures go to ``bench/results/<UTC time>-query-mix.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import load, servers, workload
from .report import markdown_table

RESULTS = Path(__file__).parent / "results"
NO_BUDGET = {"PEELKG_QUERY_BUDGET_SECONDS": "0"}
CACHES_OFF = {**NO_BUDGET, "PEELKG_QUERY_CACHE_MB": "0", "PEELKG_PAGE_CACHE_MB": "0"}


def cpu_seconds(server: servers.Server) -> float:
    """User + system CPU time of the server's process tree so far (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in server.tree():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def requests_for(server: servers.Server, name: str) -> list[load.Request]:
    assert server.sparql_path is not None
    queries = workload.query_mix() if name == "mix" else [workload.lookup()]
    return [workload.sparql_request(server.sparql_path, q) for q in queries]


def cell(server: servers.Server, name: str, connections: int, seconds: float) -> dict[str, Any]:
    before = cpu_seconds(server)
    outcome = load.run(server.base, requests_for(server, name), connections=connections, seconds=seconds)
    answered = max(1, outcome.requests - outcome.errors.get("status", 0) - outcome.errors.get("timeout", 0))
    return {**outcome.as_dict(), "cpu_ms_per_answer": round((cpu_seconds(server) - before) / answered * 1000, 2),
            "load_average": round(os.getloadavg()[0], 1)}


def variant(text: str) -> tuple[str, dict[str, str]]:
    """``NAME:K=V,K=V`` as a server name and its ``PEELKG_*`` variables on top of caches off.

    >>> variant("one-web-worker:WORKERS=1,QUERY_QUEUE=4")[1]["PEELKG_WORKERS"]
    '1'
    """
    name, _, pairs = text.partition(":")
    env = dict(CACHES_OFF)
    for pair in filter(None, pairs.split(",")):
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise argparse.ArgumentTypeError(f"--variant {text!r}: {pair!r} is not K=V")
        env[f"PEELKG_{key.strip().upper()}"] = value.strip()
    if not name.strip():
        raise argparse.ArgumentTypeError(f"--variant {text!r}: name it, as NAME:K=V,…")
    return name.strip(), env


def summary(cells: list[dict[str, Any]], variants: Sequence[str] = ()) -> str:
    """Markdown: each cell's rate per server, and the ratios to oxigraph-ro (a column per variant too)."""
    rows = []
    for row in cells:
        by = row["servers"]
        peel, cold, oxi = by["peelkg"], by["peelkg-nocache"], by["oxigraph-ro"]
        base = oxi["rate"] or float("nan")
        more = [text for v in variants for text in
                (f"{by[v]['rate']:.1f} ({by[v]['errors'].get('status', 0)})", f"{by[v]['rate'] / base:.2f}")]
        rows.append([str(row["round"]), row["workload"], str(row["connections"]), f"{peel['rate']:.1f}",
                     f"{cold['rate']:.1f} ({cold['errors'].get('status', 0)})", f"{oxi['rate']:.1f}",
                     f"{peel['rate'] / base:.2f}", f"{cold['rate'] / base:.2f}", *more,
                     f"{peel['cpu_ms_per_answer']}, {cold['cpu_ms_per_answer']}, {oxi['cpu_ms_per_answer']}",
                     str(oxi["load_average"])])
    extra = [h for v in variants for h in (f"{v} req/s (503s)", f"{v} ÷ oxigraph")]
    return markdown_table(["round", "workload", "c", "peelkg req/s", "peelkg-nocache req/s (503s)",
                           "oxigraph-ro req/s", "as served ÷ oxigraph", "caches off ÷ oxigraph", *extra,
                           "CPU ms/answer peelkg, nocache, oxigraph", "load"], rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.query_mix", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a data directory with a published release")
    parser.add_argument("--connections", default="1,8", help="concurrencies (default 1,8)")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds of each cell (default 4)")
    parser.add_argument("--rounds", type=int, default=2, help="times every cell is run (default 2)")
    parser.add_argument("--workloads", default="mix,lookup", help="mix, lookup (default both)")
    parser.add_argument("--variant", type=variant, action="append", default=[],
                        help="a further caches-off server, NAME:K=V,… (settings as PEELKG_K; repeatable)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    connections = [int(c) for c in args.connections.split(",")]
    release = (args.data / "current").resolve()
    work = Path(tempfile.mkdtemp(prefix="peelkg-mix-"))
    logs = work / "logs"
    logs.mkdir()
    running: list[servers.Server] = []
    result: dict[str, Any] = {"meta": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg(),
                                       "data": str(args.data.name), "duration": args.duration,
                                       "variants": {name: env for name, env in args.variant}}, "cells": []}
    try:
        running.append(servers.start_peelkg(args.data, logs, name="peelkg", env=NO_BUDGET))
        running.append(servers.start_peelkg(args.data, logs, name="peelkg-nocache", env=CACHES_OFF))
        for name, env in args.variant:
            running.append(servers.start_peelkg(args.data, logs, name=name, env=env))
        running.append(servers.start_oxigraph_ro(release, work, logs))
        mix = workload.query_mix()
        answers: dict[str, dict[str, list[int]]] = {}
        for query in mix:
            for server in running:
                assert server.sparql_path is not None
                status, size = workload.answer_size(server.base, workload.sparql_request(server.sparql_path, query))
                answers.setdefault(query.name, {})[server.name] = [status, size]
        result["answers"] = answers
        for round_ in range(1, args.rounds + 1):
            for name in args.workloads.split(","):
                for c in connections:
                    row = {"round": round_, "workload": name, "connections": c,
                           "servers": {s.name: cell(s, name, c, args.duration) for s in running}}
                    result["cells"].append(row)
                    print(f"round {round_} {name} c={c}: " + ", ".join(
                        f"{k} {v['rate']:.1f}/s" for k, v in row["servers"].items()), flush=True)
    finally:
        for server in reversed(running):
            server.stop()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{stamp}-query-mix.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    same = all(len({tuple(v) for v in by.values()}) == 1 for by in result.get("answers", {}).values())
    (args.out / f"{stamp}-query-mix.md").write_text(
        f"# Query mix on /sparql, {stamp}\n\n{result['meta']}\n\nEvery server gave the same answer sizes: "
        f"{'yes' if same else 'no (see the JSON)'}.\n\n" + summary(result["cells"], [name for name, _ in args.variant]),
        encoding="utf-8")


if __name__ == "__main__":
    main()
