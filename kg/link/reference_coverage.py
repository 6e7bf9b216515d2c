"""How much of each PEEL cycle the reference tables cover: rows, forces and sources per cycle.

``peel_grades.csv`` holds 2015–2017 (four-level grades by year); its companion ``peel_grades_later.csv``
holds the later cycles (``2018-19``, ``2021-22``, ``2023-25``) with each row's scale and the kind of its
source (``inspectorate`` or ``second-hand``). Every row names its source address.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import InputError
from kg.link.reference import csv_rows, read_grades
from kg.model import GRADES

CYCLES = ("2014", "2015", "2016", "2017", "2018-19", "2021-22", "2023-25")
LATER_CYCLES = CYCLES[4:]
SCALES = {"four-level": GRADES, "five-level": ("Outstanding", "Good", "Adequate", "Requires improvement",
                                                "Inadequate")}
SOURCE_KINDS = ("inspectorate", "second-hand")
INSPECTORATE_HOSTS = ("justiceinspectorates.gov.uk",)
LATER_GRADES_CSV = "peel_grades_later.csv"  # beside peel_grades.csv


@dataclass(frozen=True)
class GradeRow:
    """One reference grade: its cycle, force, pillar or area, question ("overall" for the pillar's), source."""

    cycle: str
    force: str
    pillar: str
    question: str
    grade: str
    source_url: str
    second_hand: bool
    line: int = 0  # in its table, for messages


@dataclass(frozen=True)
class Coverage:
    cycle: str
    rows: int
    forces: int
    overall: int  # rows for a pillar's (or area's) overall grade
    questions: int  # rows for a question below it
    sources: int  # distinct source addresses
    second_hand: int  # rows whose source is not the inspectorate's own page


def _inspectorate(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return any(host == h or host.endswith("." + h) for h in INSPECTORATE_HOSTS)


def read_grade_rows(grades: Path, later: Path | None) -> list[GradeRow]:
    """The rows of both tables; raises :class:`InputError` (file, line) for a row that breaks the table's rules."""
    rows = [GradeRow(str(r.year), r.force_short_name, r.pillar, r.question, r.grade, r.source_url,
                     not _inspectorate(r.source_url), r.line) for r in read_grades(grades)]
    if later is None or not later.is_file():
        return rows
    return rows + read_later_rows(later)


def read_later_rows(later: Path) -> list[GradeRow]:
    """The rows of ``peel_grades_later.csv``; raises :class:`InputError` (file, line) for a row breaking its rules."""
    rows: list[GradeRow] = []
    required = ("cycle", "force_short_name", "pillar", "question", "grade", "scale", "source_url", "source_kind")
    for line, row in csv_rows(later, required):
        if row["cycle"] not in LATER_CYCLES:
            raise InputError(str(later), line, f"cycle {row['cycle']!r} is not one of {', '.join(LATER_CYCLES)}")
        scale = SCALES.get(row["scale"])
        if scale is None:
            raise InputError(str(later), line, f"scale {row['scale']!r} is not one of {', '.join(SCALES)}")
        if row["grade"] not in (*scale, "Ungraded"):
            raise InputError(str(later), line, f"grade {row['grade']!r} is not on the {row['scale']} scale")
        if not row["source_url"].startswith(("http://", "https://")):
            raise InputError(str(later), line, "source_url is not a web address")
        if row["source_kind"] not in SOURCE_KINDS:
            raise InputError(str(later), line, f"source_kind {row['source_kind']!r} is not one of "
                                               f"{', '.join(SOURCE_KINDS)}")
        if row["source_kind"] == "inspectorate" and not _inspectorate(row["source_url"]):
            raise InputError(str(later), line, "source_kind is 'inspectorate' but the address is not the "
                                               "inspectorate's site; mark it 'second-hand'")
        rows.append(GradeRow(row["cycle"], row["force_short_name"], row["pillar"], row["question"], row["grade"],
                             row["source_url"], row["source_kind"] == "second-hand", line))
    return rows


def coverage(rows: Iterable[GradeRow]) -> list[Coverage]:
    """One line per cycle, every cycle listed (a cycle without rows shows zeros).

    >>> row = GradeRow("2016", "Norfolk", "Effectiveness", "overall", "Good", "https://example.org/", True)
    >>> [c for c in coverage([row]) if c.rows]
    [Coverage(cycle='2016', rows=1, forces=1, overall=1, questions=0, sources=1, second_hand=1)]
    """
    by_cycle: dict[str, list[GradeRow]] = {cycle: [] for cycle in CYCLES}
    for row in rows:
        by_cycle.setdefault(row.cycle, []).append(row)
    return [Coverage(cycle, len(group), len({r.force for r in group}),
                     sum(r.question == "overall" for r in group), sum(r.question != "overall" for r in group),
                     len({r.source_url for r in group}), sum(r.second_hand for r in group))
            for cycle, group in by_cycle.items()]


def coverage_table(lines: list[Coverage]) -> str:
    """The coverage as a Markdown table (what ``peelkg reference`` prints and the README shows)."""
    out = ["| cycle | rows | forces | overall | question-level | sources | second-hand rows |",
           "|---|---|---|---|---|---|---|"]
    out += [f"| {c.cycle} | {c.rows} | {c.forces} | {c.overall} | {c.questions} | {c.sources} | {c.second_hand} |"
            for c in lines]
    return "\n".join(out)
