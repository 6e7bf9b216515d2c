"""Heavy-query floods and distinct-query floods, peelkg beside ``oxigraph serve-read-only``.

``python -m bench.floods --data DIR [--heavy 32] [--distinct 20000] [--floods heavy,distinct]``

1. **Heavy flood**: ``--heavy`` clients at once each send a cross product that no server can
   finish (``COUNT(*)`` over five unconstrained patterns) while one client times a light
   request over and over (peelkg: the Norfolk force page; Oxigraph: ``ASK {}``, it has no
   pages).  Reported: the light request's p50/p99, each heavy query's status and how long its
   client waited for the answer (peelkg's goal: at most the time limit + 1 s), and whether a
   429 (the per-client budget: every client here is 127.0.0.1) was seen.  Then the **budget probe**: one
   client sends distinct heavy queries one after another (a comment makes each unique, so none is
   cached or shared) until it gets 429, at most ``--budget-tries``: what a client over its
   ``query_budget_seconds`` is told, and after how many queries.
2. **Distinct flood**: ``--distinct`` different 18 KB ``ASK {}`` queries (a padding comment
   makes each text unique), POSTed by 8 clients; the server's resident memory (the process and
   its descendants, VmRSS) before and after, each sampled once it has settled (after warm-up
   queries: peelkg's query workers finish starting after its first answer, and a sample taken
   then counted their ~45 MiB each as growth), and per process.  peelkg runs it with the budget off (every bench
   client is the same address, so it would answer 429s instead of filling its caches).
   Oxigraph runs its heavy flood with at most 8 clients cut at 30 s: it has no time limit, and
   its queries keep the cores busy until the server stops.  peelkg's goal: growth at most its configured caches
   (query and page caches of every web worker) + 32 MiB.

Figures go to ``bench/results/<UTC time>-floods.{json,md}``.  Loopback only; every loop is
bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from web.settings import Settings

from .report import markdown_table
from .servers import Server, start_oxigraph_ro, start_peelkg

RESULTS = Path(__file__).parent / "results"
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
JSON = "application/sparql-results+json"


def request(port: int, method: str, path: str, body: bytes | None = None, *, timeout: float = 60,
            headers: dict[str, str] | None = None) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started
    finally:
        conn.close()


def port_of(server: Server) -> int:
    return int(server.base.rsplit(":", 1)[1])


def heavy_flood(server: Server, light_path: str, clients: int, seconds: float, *,
                client_timeout: float = 90) -> dict[str, Any]:
    port = port_of(server)
    query = urllib.parse.urlencode({"query": CROSS_PRODUCT})
    heavy: list[tuple[int, float]] = []
    light: list[tuple[int, float]] = []
    done = threading.Event()

    def light_loop() -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not done.is_set() and len(light) < 2000:
            light.append(request(port, "GET", light_path, timeout=30))
            time.sleep(0.02)

    request(port, "GET", light_path, timeout=60)  # rendered once: the flood meets the page as served
    watcher = threading.Thread(target=light_loop)
    watcher.start()
    time.sleep(0.2)
    with ThreadPoolExecutor(clients) as pool:
        heavy = list(pool.map(lambda _: request(port, "GET", f"{server.sparql_path}?{query}",
                                                headers={"Accept": JSON}, timeout=client_timeout), range(clients)))
    done.set()
    watcher.join()
    times = sorted(t for _, t in light)
    statuses: dict[str, int] = {}
    for status, _ in heavy:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "light_requests": len(light), "light_failed": sum(1 for s, _ in light if s != 200),
        "light_p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
        "light_p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 1) if times else None,
        "heavy_statuses": statuses, "heavy_max_s": round(max(t for _, t in heavy), 2),
        "heavy_p50_s": round(statistics.median(t for _, t in heavy), 2),
    }


def budget_probe(server: Server, tries: int) -> dict[str, Any]:
    """Distinct heavy queries from one client, one at a time, until a 429 or ``tries`` of them."""
    port = port_of(server)
    statuses: list[int] = []
    for n in range(tries):
        query = urllib.parse.urlencode({"query": f"{CROSS_PRODUCT} # budget probe {n}"})
        status, _ = request(port, "GET", f"{server.sparql_path}?{query}", headers={"Accept": JSON}, timeout=90)
        statuses.append(status)
        if status == 429:
            break
    return {"statuses": statuses, "429_after": len(statuses) if statuses[-1:] == [429] else None}


def distinct_flood(server: Server, count: int, seconds: float) -> dict[str, Any]:
    port = port_of(server)
    warm = f"ASK {{}} # warm-up {'x' * 64}".encode()
    for _ in range(8):  # every query worker has started and answered before the first sample
        request(port, "POST", server.sparql_path or "/sparql", warm,
                headers={"Content-Type": "application/sparql-query", "Accept": JSON}, timeout=30)
    before = server.settled_memory_mb()
    processes_before = server.memory_by_process()
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    end = time.monotonic() + seconds
    padding = "x" * 18_000

    def send(n: int) -> None:
        if time.monotonic() > end:
            return
        body = f"ASK {{}} # {n:06d} {padding}".encode()
        status, _ = request(port, "POST", server.sparql_path or "/sparql", body,
                            headers={"Content-Type": "application/sparql-query", "Accept": JSON}, timeout=30)
        with lock:
            statuses[str(status)] = statuses.get(str(status), 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(send, range(count)))
    elapsed = time.perf_counter() - started
    after = server.settled_memory_mb()
    processes_after = server.memory_by_process()
    return {"queries": sum(statuses.values()), "statuses": statuses, "seconds": round(elapsed, 1),
            "rss_before_mb": before, "rss_after_mb": after, "grown_mb": round(after - before, 1),
            "processes": {name: [processes_before.get(name), mb] for name, mb in processes_after.items()}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data directory with a release")
    parser.add_argument("--heavy", type=int, default=32)
    parser.add_argument("--distinct", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=120, help="most seconds any one flood lasts")
    parser.add_argument("--floods", default="heavy,distinct", help="which floods to run (comma-separated)")
    parser.add_argument("--budget-tries", type=int, default=8, help="most heavy queries of the budget probe")
    args = parser.parse_args(argv)
    data = args.data.resolve()
    release = (data / "current").resolve()
    results: dict[str, Any] = {"meta": {"cpus": os.cpu_count()}}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        floods = set(args.floods.split(","))
        results["peelkg"] = {}
        if "heavy" in floods:
            peel = start_peelkg(data, work)
            try:
                results["peelkg"]["heavy"] = heavy_flood(peel, "/doc/force/norfolk", args.heavy, args.seconds)
                results["peelkg"]["budget"] = budget_probe(peel, args.budget_tries)
            finally:
                peel.stop()
        if "distinct" in floods:
            # Every bench client is 127.0.0.1: with the budget on, most distinct queries would be 429s, never cached.
            peel = start_peelkg(data, work, name="peelkg-nobudget", env={"PEELKG_QUERY_BUDGET_SECONDS": "0"})
            try:
                results["peelkg"]["distinct"] = distinct_flood(peel, args.distinct, args.seconds)
            finally:
                peel.stop()
        results["oxigraph-ro"] = {}
        oxigraph = start_oxigraph_ro(release, work, work)
        try:
            if "distinct" in floods:
                results["oxigraph-ro"]["distinct"] = distinct_flood(oxigraph, args.distinct, args.seconds)
            if "heavy" in floods:
                # Oxigraph has no time limit: its heavy queries run on after their clients give up, so few, cut at 30 s.
                results["oxigraph-ro"]["heavy"] = heavy_flood(oxigraph, "/query?query=ASK%7B%7D", min(args.heavy, 8),
                                                              30, client_timeout=30)
        finally:
            oxigraph.stop()
    results["meta"]["load"] = os.getloadavg()
    stamp = time.strftime("%Y%m%dT%H%M", time.gmtime())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{stamp}-floods.json").write_text(json.dumps(results, indent=1))
    (RESULTS / f"{stamp}-floods.md").write_text(report(stamp, results))
    print(report(stamp, results))


def report(stamp: str, results: dict[str, Any]) -> str:
    servers = ("peelkg", "oxigraph-ro")
    heavy = [[name, *(str(h[k]) for k in ("light_p50_ms", "light_p99_ms")),
              f"{h['light_failed']}/{h['light_requests']}",
              *(str(h[k]) for k in ("heavy_statuses", "heavy_p50_s", "heavy_max_s"))]
             for name in servers if (h := results[name].get("heavy")) is not None]
    distinct = [[name, *(str(d[k]) for k in ("queries", "statuses", "seconds", "rss_before_mb", "rss_after_mb",
                                              "grown_mb"))]
                for name in servers if (d := results[name].get("distinct")) is not None]
    processes = [[name, process, str(before), str(after)] for name in servers
                 for process, (before, after) in results[name].get("distinct", {}).get("processes", {}).items()]
    load = ", ".join(f"{x:.1f}" for x in results["meta"]["load"])
    goals = []
    if (h := results["peelkg"].get("heavy")) is not None:
        goals.append(f"- force page p99 under the heavy flood < 500 ms: {h['light_p99_ms']} ms")
        goals.append(f"- every heavy query ends within the time limit + 1 s (11 s): longest {h['heavy_max_s']} s")
    if (b := results["peelkg"].get("budget")) is not None:
        goals.append(f"- a client over its budget gets 429: statuses {b['statuses']}")
    if (d := results["peelkg"].get("distinct")) is not None:
        settings = Settings()
        caches = settings.workers * (settings.query_cache_mb + settings.page_cache_mb)
        goals.append(f"- distinct flood growth ≤ configured caches ({caches} MiB: {settings.workers} web workers × "
                     f"({settings.query_cache_mb} + {settings.page_cache_mb})) + 32 MiB: grown {d['grown_mb']} MiB")
    return "\n".join([
        f"# Floods ({stamp} UTC)", "",
        f"{results['meta']['cpus']} CPUs, load average {load} at the end; one run, figures noisy (shared machine).", "",
        "Goals (docs/performance.md):", "", *goals, "",
        markdown_table(["server", "light p50 ms", "light p99 ms", "light failed", "heavy statuses", "heavy p50 s",
                        "heavy max s"], heavy),
        markdown_table(["server", "distinct queries", "statuses", "seconds", "RSS before MiB", "after MiB",
                        "grown MiB"], distinct),
        "Resident memory per process (MiB, settled before → after the distinct flood):", "",
        markdown_table(["server", "process", "before", "after"], processes)])


if __name__ == "__main__":
    main()
