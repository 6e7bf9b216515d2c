"""One long generated report, parsed and mapped alone: CPU seconds and peak memory by length.

    python -m bench.long_report --lines 1000,5000,20000 [--json FILE]

Each length is a Norfolk 2016 effectiveness report of the generator's kind (``bench.generate``:
themes and a partner in every paragraph), mapped by ``kg.release.build._map_report`` in a fresh child
process, so each peak RSS is that length's own. A length over ``kg.parse.limits`` is also offered to
``peelkg build``'s size check, which must refuse it, naming the file.
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

from bench.generate import Scale, generate
from kg.errors import InputError
from kg.link.partners import PartnerFinder, read_organisations
from kg.link.reference import read_forces, read_report_metadata
from kg.link.themes import ThemeTagger
from kg.parse.limits import MAX_REPORT_LINES, check_report_size
from kg.release.build import FORCES_CSV, ORGANISATIONS_CSV, REPORTS_CSV, ForceIndex, _map_report
from kg.vocab import Vocabulary


def write_report(folder: Path, lines: int) -> Path:
    """A one-report input folder whose report has about ``lines`` lines; its path."""
    questions = len(Vocabulary.load().questions[(2016, "effectiveness")])
    paragraphs = max(1, (lines - 2) // questions - 2)
    generate(Scale(f"long-{lines}", 1, (2016,), ("effectiveness",), paragraphs, 0), folder)
    return next(folder.glob("*.txt"))


def map_one(path: Path) -> dict[str, Any]:
    """Parse and map ``path`` (in this process); its figures."""
    folder = path.parent
    forces = read_forces(folder / FORCES_CSV)
    vocab = Vocabulary.load()
    tagger = ThemeTagger(vocab.theme_labels, cues=vocab.theme_cues)
    partners = PartnerFinder(forces, read_organisations(folder / ORGANISATIONS_CSV))
    meta = read_report_metadata(folder / REPORTS_CSV)[path.name]
    cpu, wall = time.process_time(), time.perf_counter()
    _unit, graph = _map_report(path, meta, ForceIndex(forces), vocab, tagger, partners, folder / FORCES_CSV)
    return {"cpu_s": round(time.process_time() - cpu, 2), "wall_s": round(time.perf_counter() - wall, 2),
            "triples": len(graph), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def measure(lines: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="peelkg-long-") as folder:
        path = write_report(Path(folder), lines)
        real = path.read_bytes().count(b"\n")
        row: dict[str, Any] = {"lines": real, "bytes": path.stat().st_size}
        if real > MAX_REPORT_LINES:
            try:
                check_report_size(path)
                row["refused"] = None
            except InputError as error:
                row["refused"] = str(error).replace(folder, "DIR")
            return row
        child = subprocess.run([sys.executable, "-m", "bench.long_report", "--child", str(path)],
                               capture_output=True, text=True, check=True, timeout=1800)
        row.update(json.loads(child.stdout))
        return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="1000,5000,20000,100000", help="comma-separated report lengths")
    parser.add_argument("--json", type=Path, default=None, help="write the rows here too")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(map_one(args.child)))
        return
    rows = []
    for lines in (int(n) for n in args.lines.split(",")):
        rows.append(measure(lines))
        print(json.dumps(rows[-1]), flush=True)
    if args.json is not None:
        args.json.write_text(json.dumps({"max_report_lines": MAX_REPORT_LINES, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
