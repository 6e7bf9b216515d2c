"""``python -m bench``: peelkg and its anchors side by side, on the same generated data, in one run.

For each scale: generate seeded inputs, build them with peelkg (timed, peak memory), start peelkg
and the anchors on the same release, check that every server gives the same answers, then time
per-query latency (one connection) and throughput at each concurrency with ``wrk``, bounded by
duration.  Results go to ``bench/results/<time>-<scales>.json`` and ``.md``; the Markdown holds
the ratios to each anchor and the goals of the performance note.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import load, report, servers, workload
from .generate import SCALES, generate

RESULTS = Path(__file__).resolve().parent / "results"


def build(inputs: list[Path], data: Path) -> dict[str, Any]:
    """Build with peelkg's own pipeline in a child process; its steps, seconds, triples and peak RSS."""
    args = [sys.executable, "-m", "bench.profile_build", *map(str, inputs), "--out", str(data)]
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=4 * 3600,
                          cwd=Path(__file__).resolve().parents[1])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(time.perf_counter() - started, 2)
    return result


def bundled_build() -> dict[str, Any]:
    """``peelkg build`` of the bundled data, timed as a user runs it (process start to exit)."""
    with tempfile.TemporaryDirectory(prefix="peelkg-bench-") as out:
        started = time.perf_counter()
        subprocess.run([str(servers.BIN / "peelkg"), "build", "--out", out, "--quiet"], check=True,
                       capture_output=True, timeout=600)
        seconds = time.perf_counter() - started
    profiled = build([], Path(tempfile.mkdtemp(prefix="peelkg-bench-")))
    return {"cli_seconds": round(seconds, 2), **profiled}


def start_all(scale: str, release: Path, work: Path, logs: Path, args: argparse.Namespace,
              started: list[servers.Server], failures: dict[str, str]) -> None:
    """Start peelkg and the anchors into ``started``; an anchor that fails to start is noted, not fatal."""
    data = release.parent.parent if release.parent.name == "releases" else release
    started.append(servers.start_peelkg(data, logs))
    starters: list[tuple[str, Callable[[], servers.Server]]] = [
        ("peelkg-nocache", lambda: servers.start_peelkg(
            data, logs, name="peelkg-nocache", env={"PEELKG_QUERY_CACHE_MB": "0", "PEELKG_PAGE_CACHE_MB": "0"})),
        ("oxigraph-ro", lambda: servers.start_oxigraph_ro(release, work, logs)),
        ("oxigraph-mem", lambda: servers.start_oxigraph_mem(release, work, logs)),
    ]
    if scale in args.rdflib_scales:
        starters.append(("rdflib-endpoint", lambda: servers.start_rdflib_endpoint(release, work, logs)))
    for name, start in starters:
        if name in args.skip:
            continue
        try:
            started.append(start())
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            failures[name] = str(exc)
            print(f"   {name} did not start: {exc}", flush=True)


def static_servers(page: bytes, work: Path, logs: Path, args: argparse.Namespace) -> list[servers.Server]:
    folder = work / "static"
    folder.mkdir(exist_ok=True)
    (folder / "norfolk.html").write_bytes(page)
    found = [servers.start_http_server(folder, logs)]
    if "nginx" not in args.skip:
        nginx = servers.start_nginx(folder, work, logs)
        if nginx is not None:
            found.append(nginx)
    return found


def check_answers(sparql: list[servers.Server], mix: list[workload.Query]) -> dict[str, dict[str, list[int]]]:
    """For each query, each server's (status, size): the same everywhere, or the run says otherwise."""
    answers: dict[str, dict[str, list[int]]] = {}
    for query in mix:
        answers[query.name] = {}
        for server in sparql:
            assert server.sparql_path is not None
            status, size = workload.answer_size(server.base, workload.sparql_request(server.sparql_path, query))
            answers[query.name][server.name] = [status, size]
    return answers


def run_scale(scale: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    print(f"== scale {scale}", flush=True)
    inputs, data, logs = work / f"{scale}-inputs", work / f"{scale}-data", work / f"{scale}-logs"
    logs.mkdir(parents=True, exist_ok=True)
    counts = generate(SCALES[scale], inputs)
    print(f"   generated {counts}; building", flush=True)
    built = build([inputs], data)
    release = (data / "current").resolve()
    print(f"   built {built['triples']} triples in {built['seconds']:.1f} s; starting servers", flush=True)
    result: dict[str, Any] = {"scale": scale, "inputs": counts, "build": built, "servers": {}, "answers": {},
                              "latency": {}, "throughput": {}}
    running: list[servers.Server] = []
    result["failures"] = {}
    try:
        start_all(scale, release, work, logs, args, running, result["failures"])
        peel = running[0]
        page = workload.fetch(peel.base, workload.PAGE)
        running += static_servers(page, work, logs, args)
        sparql = [s for s in running if s.sparql_path]
        mix = workload.query_mix()
        result["answers"] = check_answers(sparql, mix)
        for server in sparql:
            assert server.sparql_path is not None
            for query in mix:
                outcome = load.run(server.base, [workload.sparql_request(server.sparql_path, query)],
                                   connections=1, seconds=args.latency_duration)
                result["latency"].setdefault(query.name, {})[server.name] = outcome.as_dict()
            print(f"   latency measured on {server.name}", flush=True)
        workloads: dict[str, dict[str, list[load.Request]]] = {
            "lookup": {s.name: [workload.sparql_request(s.sparql_path, workload.lookup())]
                       for s in sparql if s.sparql_path},
            "mix": {s.name: [workload.sparql_request(s.sparql_path, q) for q in mix] for s in sparql if s.sparql_path},
            "page": {s.name: [load.Request(workload.PAGE if s.name.startswith("peelkg") else "/norfolk.html")]
                     for s in running if s.name.startswith("peelkg") or not s.sparql_path},
            "site": {peel.name: [load.Request(path) for path in workload.SITE]},
        }
        for name, by_server in workloads.items():
            for server_name, requests in by_server.items():
                server = next(s for s in running if s.name == server_name)
                for connections in args.connections:
                    outcome = load.run(server.base, requests, connections=connections, seconds=args.duration)
                    result["throughput"].setdefault(name, {}).setdefault(server.name, {})[str(connections)] = \
                        outcome.as_dict()
                print(f"   {name} on {server.name}: " + ", ".join(
                    f"c={c} {result['throughput'][name][server.name][str(c)]['rate']:.0f}/s"
                    for c in args.connections), flush=True)
        for server in running:
            result["servers"][server.name] = {"start_seconds": round(server.start_seconds, 3),
                                              "load_seconds": round(server.load_seconds, 3),
                                              "peak_rss_mb": server.peak_rss_mb(), "notes": server.notes}
    finally:
        for server in reversed(running):
            server.stop()
    return result


def machine() -> dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    versions = {}
    for name in ("oxigraph", "wrk", "nginx"):
        found = servers.tool(name)
        versions[name] = found is not None
    import pyoxigraph
    import pyshacl
    import rdflib

    return {"cpus": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(), "pyoxigraph": pyoxigraph.__version__,
            "rdflib": rdflib.__version__, "pyshacl": pyshacl.__version__, "tools": versions}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="S,M", help="comma-separated scales among S, M, L (default S,M)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of each throughput run (default 5)")
    parser.add_argument("--latency-duration", type=float, default=2.0, help="seconds of each per-query latency run")
    parser.add_argument("--connections", default="1,8,32", help="concurrencies (default 1,8,32)")
    parser.add_argument("--rdflib-scales", default="S", help="scales at which rdflib-endpoint runs (default S: "
                                                           "at M it needs minutes and ~10 GB to load)")
    parser.add_argument("--skip", default="", help="comma-separated servers to leave out: peelkg-nocache, "
                                                   "oxigraph-mem, rdflib-endpoint, nginx")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where results go (default bench/results)")
    parser.add_argument("--work", type=Path, default=None, help="keep generated data and releases here")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    args.rdflib_scales = {s.strip() for s in args.rdflib_scales.split(",")}
    scales = [s.strip().upper() for s in args.scales.split(",") if s.strip()]
    load.ensure_wrk()
    work = args.work or Path(tempfile.mkdtemp(prefix="peelkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
                               "settings": {"duration": args.duration, "latency_duration": args.latency_duration,
                                            "connections": args.connections}}
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M") + "-" + "".join(scales)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        print("== bundled build", flush=True)
        results["bundled_build"] = bundled_build()
        results["scales"] = {}
        for scale in scales:
            results["scales"][scale] = run_scale(scale, args, work / scale)
            write(results, args.out / stamp)  # after each scale, so a stopped run keeps what it measured
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(report.markdown(results))
    print(f"results: {args.out / stamp}.json and .md")


def write(results: dict[str, Any], stem: Path) -> None:
    stem.with_suffix(".json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text(report.markdown(results), encoding="utf-8")


if __name__ == "__main__":
    main()
