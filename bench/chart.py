"""Draw build time and peak memory of ``bench.incremental`` runs as two SVG bar charts.

    python -m bench.chart RESULT.json [RESULT.json ...] --out bench/results/NAME.svg

Each RESULT is the ``--json`` of one ``bench.incremental`` run, named ``…-<scale>.json`` or
``…-<scale>-<label>.json``; a row is that name and the build (full, unchanged, one-changed).
Both charts go into one SVG file, time above memory.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from web.present.charts import value_bars


def rows(results: list[Path]) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    seconds, memory = [], []
    for path in results:
        name = path.stem.split("-", 1)[-1]
        for build, row in json.loads(path.read_text(encoding="utf-8")).items():
            label = f"{name} {build} ({row['triples'] // 1000}k)"
            seconds.append((label, float(row["seconds"])))
            memory.append((label, float(row["peak_rss_mb"])))
    return seconds, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    seconds, memory = rows(args.results)
    time_chart = value_bars("build-time", "Build time", "Seconds from start to published release", seconds, "s")
    memory_chart = value_bars("build-memory", "Peak memory", "Peak resident set size (largest process)", memory,
                              "MB")
    height = sum(int(chart.split('height="', 1)[1].split('"', 1)[0]) for chart in (time_chart, memory_chart))
    first = int(time_chart.split('height="', 1)[1].split('"', 1)[0])
    args.out.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="{height}" viewBox="0 0 640 {height}">'
        f'<g>{time_chart}</g><g transform="translate(0 {first})">{memory_chart}</g></svg>\n',
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
