"""Full and incremental build of one input folder: time and peak memory of each, side by side.

    python -m bench.incremental INPUT_DIR [--json FILE]

Copies INPUT_DIR aside, then runs ``bench.profile_build`` three times, each in its own process
(so each peak RSS is its own), all with one cache folder:

1. ``full``: an empty cache (every report parsed and mapped);
2. ``unchanged``: the same inputs again (every report read back from the cache);
3. ``one-changed``: after one sentence of one report was changed (that report mapped again).

Prints a table and, with ``--json``, writes the figures.  Timings depend on what else runs on
the machine: compare the three rows of one run, not runs of different days.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def _build(inputs: Path, cache: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.profile_build", str(inputs), "--cache", str(cache)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=3600)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def change_one_sentence(folder: Path) -> Path:
    """Add two words before the first sentence-ending full stop of the first report; return the file."""
    report = sorted(folder.glob("*.txt"))[0]
    text = report.read_text(encoding="utf-8")
    at = text.index(". ")
    report.write_text(text[:at] + " (changed). " + text[at + 2:], encoding="utf-8")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", type=Path)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="peelkg-incremental-") as scratch:
        inputs, cache = Path(scratch) / "inputs", Path(scratch) / "cache"
        shutil.copytree(args.inputs, inputs)
        rows["full"] = _build(inputs, cache)
        rows["unchanged"] = _build(inputs, cache)
        changed = change_one_sentence(inputs)
        rows["one-changed"] = _build(inputs, cache)
        rows["one-changed"]["changed"] = changed.name
    print(f"{'build':<12} {'seconds':>8} {'peak RSS MB':>12} {'triples':>9}")
    for name, row in rows.items():
        print(f"{name:<12} {row['seconds']:8.1f} {row['peak_rss_mb']:12.0f} {row['triples']:9d}")
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
