"""``scripts/measure_parse.py``: the parse measurement scores what a reader wrote down, and can fail."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[3]
PAGES = ROOT / "tests" / "kg" / "fixtures" / "measure"


@pytest.fixture(scope="module")
def measure() -> ModuleType:
    spec = importlib.util.spec_from_file_location("measure_parse", ROOT / "scripts" / "measure_parse.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_own_pages_score_every_fact(measure: ModuleType) -> None:
    figures = measure.measure(PAGES).figures()
    assert figures["pages"] == 2 and figures["checks"] == 21
    assert figures["accuracy"] == 1.0, measure.measure(PAGES).misses
    assert figures["invented_grades"] == [] and figures["no_output"] == []


def test_a_grade_other_than_the_pages_is_a_miss_and_an_invented_grade(measure: ModuleType, tmp_path: Path) -> None:
    for page in PAGES.glob("*.txt"):
        shutil.copy(page, tmp_path / page.name)
    lines = [json.loads(line) for line in (PAGES / "expected.jsonl").read_text(encoding="utf-8").splitlines()]
    lines[0]["questions"][0]["grade"] = "Outstanding"  # what the page does not say
    lines[1]["pillar_grades"]["Efficiency"] = None
    (tmp_path / "expected.jsonl").write_text("\n".join(json.dumps(e) for e in lines), encoding="utf-8")
    score = measure.measure(tmp_path)
    assert score.passed["grade"] == score.made["grade"] - 2
    assert len(score.invented) == 2


def test_a_page_without_output_fails_all_its_checks(measure: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "blank.txt").write_text("nothing here\n", encoding="utf-8")
    (tmp_path / "expected.jsonl").write_text(json.dumps(
        {"file": "blank.txt", "force": "Anyshire", "year": 2016, "pillar": "Effectiveness",
         "questions": [{"heading": "How effective is the force at keeping people safe and reducing crime?",
                        "grade": None, "afi": 0}]}) + "\n", encoding="utf-8")
    figures = measure.measure(tmp_path).figures()
    assert figures["checks"] == 6 and figures["accuracy"] == 0.0 and len(figures["no_output"]) == 1
