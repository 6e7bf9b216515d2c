"""The Markdown of a bench run: build, start and memory, answers, latency, throughput, ratios and goals."""

from __future__ import annotations

from typing import Any

ANCHORS = ("oxigraph-ro", "oxigraph-mem", "rdflib-endpoint")
STATIC = ("http.server", "nginx")


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table: ``header`` and one line a row."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _rate(result: dict[str, Any], workload: str, server: str, c: str) -> float | None:
    try:
        value = result["throughput"][workload][server][c]
    except KeyError:
        return None
    return float(value["rate"])


def _answered(run: dict[str, Any]) -> bool:
    errors = run.get("errors", {})
    return int(run["requests"]) - errors.get("status", 0) - errors.get("timeout", 0) > 0


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}×"


def _fmt(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def scale_section(result: dict[str, Any], connections: list[int]) -> str:
    out = [f"## Scale {result['scale']}\n"]
    b = result["build"]
    out.append(f"Inputs: {result['inputs']}. Release: **{b['triples']:,} triples**, built in "
               f"**{b['seconds']:.1f} s** (peak RSS {b['peak_rss_mb']:,.0f} MB).\n")
    steps = sorted(b["steps"].items(), key=lambda kv: -kv[1])
    out.append(markdown_table(["build step", "seconds", "share"],
                      [[k, f"{v:.2f}", f"{100 * v / b['seconds']:.0f}%"] for k, v in steps if v >= 0.01]))
    out.append(markdown_table(["server", "start s", "data load s", "peak RSS MB"],
                      [[name, f"{s['start_seconds']:.2f}", f"{s['load_seconds']:.2f}", f"{s['peak_rss_mb']:,.0f}"]
                       for name, s in result["servers"].items()]))
    servers_seen = sorted({srv for per in result["answers"].values() for srv in per})
    rows = []
    for query, per in result["answers"].items():
        sizes = {tuple(v) for v in per.values()}
        rows.append([query, *[f"{per[s][0]} · {per[s][1]}" if s in per else "–" for s in servers_seen],
                     "same" if len(sizes) == 1 else "**differ**"])
    out.append("Answers (HTTP status · rows, triples or bytes), fetched once from each server before timing:\n")
    out.append(markdown_table(["query", *servers_seen, "check"], rows))
    rows = []
    for query, per in result["latency"].items():
        rows.append([query, *[f"{per[s]['p50_ms']:.2f} / {per[s]['p95_ms']:.2f}"
                              if s in per and _answered(per[s]) else "no answer" for s in servers_seen]])
    out.append("Latency p50 / p95 in ms, one connection (\"no answer\": none within the run and wrk's 30 s):\n")
    out.append(markdown_table(["query", *servers_seen], rows))
    rows = []
    for workload, per in result["throughput"].items():
        for server, by_c in per.items():
            errors = sum(sum(v.get("errors", {}).values()) for v in by_c.values())
            rows.append([workload, server, *[_fmt(by_c.get(str(c), {}).get("rate")) for c in connections],
                         str(errors)])
    out.append("Throughput in requests/s (wrk, 127.0.0.1):\n")
    out.append(markdown_table(["workload", "server", *[f"c={c}" for c in connections], "errors"], rows))
    rows = []
    for c in map(str, connections):
        peel_mix, peel_lookup, peel_page = (_rate(result, w, "peelkg", c) for w in ("mix", "lookup", "page"))
        rows.append([c, *[_ratio(peel_mix, _rate(result, "mix", a, c)) for a in ANCHORS],
                     _ratio(_rate(result, "mix", "peelkg-nocache", c), _rate(result, "mix", "oxigraph-ro", c)),
                     *[_ratio(peel_lookup, _rate(result, "lookup", a, c)) for a in ANCHORS[:2]],
                     *[_ratio(peel_page, _rate(result, "page", s, c)) for s in STATIC]])
    out.append("Ratios, peelkg ÷ anchor (same data, same requests, same concurrency):\n")
    out.append(markdown_table(["c", *[f"mix ÷ {a}" for a in ANCHORS], "mix (no cache) ÷ oxigraph-ro",
                       *[f"lookup ÷ {a}" for a in ANCHORS[:2]],
                       *[f"page ÷ {s}" for s in STATIC]], rows))
    return "\n".join(out)


def goals(results: dict[str, Any]) -> str:
    scales = results.get("scales", {})
    rows: list[list[str]] = []

    def add(goal: str, value: str, met: bool | None) -> None:
        rows.append([goal, value, "–" if met is None else ("met" if met else "**not met**")])

    bundled = results.get("bundled_build", {})
    if bundled:
        add("bundled build < 5 s (peelkg build, process start to exit)", f"{bundled['cli_seconds']:.1f} s",
            bundled["cli_seconds"] < 5)
    m = scales.get("M") or (list(scales.values())[-1] if scales else None)
    if m:
        tag = m["scale"]
        mix, ro = _rate(m, "mix", "peelkg", "8"), _rate(m, "mix", "oxigraph-ro", "8")
        add(f"query mix ≥ 1.0× oxigraph serve-read-only at {tag}, c=8", _ratio(mix, ro),
            None if mix is None or not ro else mix / ro >= 1.0)
        cold = _rate(m, "mix", "peelkg-nocache", "8")
        add(f"… the same with peelkg's query cache off at {tag}, c=8", _ratio(cold, ro),
            None if cold is None or not ro else cold / ro >= 1.0)
        rdf = _rate(m, "mix", "rdflib-endpoint", "8")
        add(f"query mix ≥ 100× rdflib-endpoint at {tag}, c=8", _ratio(mix, rdf),
            None if mix is None or not rdf else mix / rdf >= 100)
        lk, lk_ro = _rate(m, "lookup", "peelkg", "8"), _rate(m, "lookup", "oxigraph-ro", "8")
        add(f"one-URI lookup ≥ 0.2× oxigraph serve-read-only at {tag}, c=8", _ratio(lk, lk_ro),
            None if lk is None or not lk_ro else lk / lk_ro >= 0.2)
        page, static = _rate(m, "page", "peelkg", "8"), _rate(m, "page", "http.server", "8")
        add(f"entity page ≥ 5,000 req/s at {tag}, c=8", _fmt(page), None if page is None else page >= 5000)
        add(f"entity page ≥ 2× python -m http.server at {tag}, c=8", _ratio(page, static),
            None if page is None or not static else page / static >= 2)
    for tag, result in scales.items():
        start = result["servers"].get("peelkg", {}).get("start_seconds")
        if start is not None:
            add(f"server start < 2 s at {tag}", f"{start:.2f} s", start < 2)
    if "L" in scales:
        b = scales["L"]["build"]
        add("L build with SHACL < 2 min", f"{b['seconds']:.0f} s", b["seconds"] < 120)
        add("L build peak < 1 GB", f"{b['peak_rss_mb']:,.0f} MB", b["peak_rss_mb"] < 1024)
    ordered = [s for s in ("S", "M", "L") if s in scales]
    if len(ordered) > 1:
        first, last = scales[ordered[0]], scales[ordered[-1]]
        for workload, query in (("lookup", "lookup"), ("page", None)):
            if query:
                a = first["latency"].get(query, {}).get("peelkg", {}).get("p50_ms")
                z = last["latency"].get(query, {}).get("peelkg", {}).get("p50_ms")
            else:
                a = _p50(first, "page")
                z = _p50(last, "page")
            if a and z:
                add(f"{workload} cost per request flat from {ordered[0]} to {ordered[-1]} (p50 at c=1, ≤ 1.5×)",
                    f"{a:.2f} → {z:.2f} ms ({z / a:.2f}×)", z / a <= 1.5)
    return "## Goals\n\n" + markdown_table(["goal", "measured", "verdict"], rows)


def _p50(result: dict[str, Any], workload: str) -> float | None:
    try:
        return float(result["throughput"][workload]["peelkg"]["1"]["p50_ms"])
    except KeyError:
        return None


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    loads = ", ".join(f"{x:.2f}" for x in m["load_average_at_start"])
    head = [f"# peelkg bench, {results['started']}\n",
            f"{m['cpus']} CPUs ({m['cpu']}), Python {m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}, "
            f"pySHACL {m['pyshacl']}; load average at start {loads}."
            f" Each throughput run {results['settings']['duration']:g} s, each latency run "
            f"{results['settings']['latency_duration']:g} s.\n"]
    bundled = results.get("bundled_build")
    if bundled:
        steps = ", ".join(f"{k} {v:.2f} s" for k, v in sorted(bundled["steps"].items(), key=lambda kv: -kv[1])
                          if v >= 0.05)
        head.append(f"Bundled build: `peelkg build` {bundled['cli_seconds']:.1f} s from process start to exit; "
                    f"{bundled['seconds']:.1f} s in the pipeline ({bundled['triples']:,} triples): {steps}.\n")
    connections = results["settings"]["connections"]
    body = [scale_section(r, connections) for r in results.get("scales", {}).values()]
    return "\n".join([*head, goals(results), *body])
