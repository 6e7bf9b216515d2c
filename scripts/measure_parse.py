"""Measure ``peelkg parse`` against pages whose contents a person wrote down: how often it is right.

    python scripts/measure_parse.py FOLDER            # FOLDER: page texts (*.txt) and expected.jsonl
    python scripts/measure_parse.py FOLDER --json     # the figures as JSON

``expected.jsonl`` holds one line per page, written by reading the page, never by running the parser:

    {"file": "norfolk-2016-eff.txt", "source_url": "https://…", "force": "Norfolk", "year": 2016,
     "pillar": "Effectiveness", "kind": "report",
     "questions": [{"heading": "How effective is …?", "grade": "Good", "afi": 2}, …]}

``grade`` is the grade the page states for that heading (null when it states none); ``afi`` the number
of areas for improvement listed under it. ``kind`` is ``overview`` for a force's page of a year, whose
``pillar_grades`` (``{"Effectiveness": "Good", …}``) replace the questions. A page may be only the start
of a report: write down what the text holds.

Each fact is one check: the force, year, pillar (or kind) of the page; each expected heading (found,
in order); its grade; its count of areas for improvement. A grade the parser gives where the page
states none, or a grade other than the page's, is counted as *invented*. A page with a title that gives
no output at all fails every check. The pages stay outside the repository (they are the
inspectorate's text); only this script and its figures are kept.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import ParseError
from kg.parse.parser import parse_file
from kg.vocab import normalise_label


@dataclass
class Score:
    """Checks passed and made per kind of fact, the pages without output and the invented grades."""

    passed: Counter[str] = field(default_factory=Counter)
    made: Counter[str] = field(default_factory=Counter)
    no_output: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def check(self, kind: str, ok: bool, page: str, detail: str) -> None:
        self.made[kind] += 1
        self.passed[kind] += ok
        if not ok:
            self.misses.append(f"{page}: {kind}: {detail}")

    @property
    def accuracy(self) -> float:
        made = sum(self.made.values())
        return sum(self.passed.values()) / made if made else 0.0

    def figures(self) -> dict[str, Any]:
        return {"pages": self.made["force"], "checks": sum(self.made.values()), "accuracy": round(self.accuracy, 4),
                "by_kind": {k: [self.passed[k], self.made[k]] for k in sorted(self.made)},
                "no_output": self.no_output, "invented_grades": self.invented}


def score_page(path: Path, expected: dict[str, Any], score: Score) -> None:
    """Parse one page and check what it states against ``expected`` (see the module's docstring)."""
    page = path.name
    try:
        report = parse_file(path, source_url=expected.get("source_url"))
    except ParseError as error:
        score.no_output.append(f"{page}: {error}")
        for kind in ("force", "year", "pillar"):
            score.check(kind, False, page, "no output")
        facts = expected.get("pillar_grades", {}) if expected.get("kind") == "overview" else expected["questions"]
        for _fact in facts:
            for kind in ("heading", "grade") if expected.get("kind") == "overview" else ("heading", "grade", "afi"):
                score.made[kind] += 1
        return
    score.check("force", report.force == expected["force"], page, f"{report.force!r}")
    score.check("year", report.year == expected["year"], page, f"{report.year!r}")
    if expected.get("kind") == "overview":
        score.check("pillar", report.kind == "overview", page, f"kind {report.kind!r}")
        stated = {g.pillar: g.grade for g in report.pillar_grades}
        for pillar, grade in expected["pillar_grades"].items():
            score.check("heading", pillar in stated, page, f"pillar {pillar} not found")
            got = stated.get(pillar)
            score.check("grade", got == grade, page, f"{pillar}: {got!r}, page says {grade!r}")
            if got is not None and got != grade:
                score.invented.append(f"{page}: {pillar}: {got!r}, page says {grade!r}")
        return
    score.check("pillar", report.pillar == expected["pillar"], page, f"{report.pillar!r}")
    parsed = [(normalise_label(q.heading), q) for q in report.questions]
    at = 0
    for want in expected["questions"]:
        key = normalise_label(want["heading"])
        found = next((i for i in range(at, len(parsed)) if parsed[i][0] == key), None)
        score.check("heading", found is not None, page, f"{want['heading']!r} not found after question {at}")
        question = parsed[found][1] if found is not None else None
        if found is not None:
            at = found + 1
        got = question.grade if question else None
        score.check("grade", got == want["grade"], page, f"{want['heading'][:50]!r}: {got!r}, page says "
                                                         f"{want['grade']!r}")
        if got is not None and got != want["grade"]:
            score.invented.append(f"{page}: {want['heading'][:50]!r}: {got!r}, page says {want['grade']!r}")
        afi = len(question.areas_for_improvement) if question else None
        score.check("afi", afi == want.get("afi", 0), page, f"{want['heading'][:50]!r}: {afi} areas for "
                                                            f"improvement, page lists {want.get('afi', 0)}")
    expected_headings = {normalise_label(w["heading"]) for w in expected["questions"]}
    for key, question in parsed:  # a graded heading the page does not have is an invented grade too
        if key not in expected_headings and question.grade is not None:
            score.invented.append(f"{page}: unexpected {question.heading[:50]!r} graded {question.grade!r}")


def measure(folder: Path) -> Score:
    """Score every page listed in ``folder/expected.jsonl``."""
    score = Score()
    lines = (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            expected = json.loads(line)
        except json.JSONDecodeError as error:
            raise SystemExit(f"{folder / 'expected.jsonl'}:{number}: not JSON: {error.msg}") from None
        score_page(folder / expected["file"], expected, score)
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="page texts and their expected.jsonl")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.folder / "expected.jsonl").is_file():
        parser.error(f"{args.folder}: no expected.jsonl")
    score = measure(args.folder)
    if args.json:
        print(json.dumps(score.figures(), indent=2))
        return 0
    for miss in score.misses:
        print(f"miss  {miss}")
    figures = score.figures()
    for kind, (passed, made) in figures["by_kind"].items():
        print(f"{kind:8} {passed:4}/{made:<4} {passed / made:6.1%}")
    print(f"{figures['pages']} pages, {figures['checks']} checks: {score.accuracy:.1%} right; "
          f"{len(score.no_output)} page(s) without output; {len(score.invented)} invented grade(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
