"""Reference coverage per cycle: the command, the table rules, and the README that quotes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from kg.errors import InputError
from kg.link.reference_coverage import coverage, coverage_table, read_grade_rows
from kg.resources import reference_dir

Run = Callable[..., CompletedProcess[str]]
ROOT = Path(__file__).resolve().parents[3]
HEADER = "cycle,force_short_name,pillar,question,grade,scale,source_url,source_kind\n"


def bundled() -> str:
    grades = reference_dir() / "peel_grades.csv"
    return coverage_table(coverage(read_grade_rows(grades, grades.parent / "peel_grades_later.csv")))


def test_command_prints_every_cycle_and_the_readme_shows_the_same_table(peelkg: Run) -> None:
    result = peelkg("reference")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == bundled()
    cycles = [line.split("|")[1].strip() for line in result.stdout.splitlines()[2:]]
    assert cycles == ["2014", "2015", "2016", "2017", "2018-19", "2021-22", "2023-25"]
    assert bundled() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_second_hand_rows_are_counted_from_their_addresses() -> None:
    lines = {c.cycle: c for c in coverage(read_grade_rows(reference_dir() / "peel_grades.csv", None))}
    assert sum(c.second_hand for c in lines.values()) == 25  # the news and commissioners' pages
    assert lines["2015"].forces == lines["2016"].forces == 43


@pytest.mark.parametrize(("row", "words"), [
    ("2019,Norfolk,Effectiveness,overall,Good,four-level,https://example.org/,second-hand", "cycle '2019'"),
    ("2021-22,Norfolk,Investigating crime,overall,Adequate,four-level,https://example.org/,second-hand",
     "not on the four-level scale"),
    ("2021-22,Norfolk,Investigating crime,overall,Adequate,five-level,https://example.org/,inspectorate",
     "mark it 'second-hand'"),
    ("2021-22,Norfolk,Investigating crime,overall,Adequate,five-level,,second-hand", "not a web address"),
])
def test_a_bad_later_row_names_file_and_line(tmp_path: Path, row: str, words: str) -> None:
    later = tmp_path / "peel_grades_later.csv"
    later.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_grade_rows(reference_dir() / "peel_grades.csv", later)
    assert (caught.value.file, caught.value.line) == (str(later), 2) and words in caught.value.message


def test_a_five_level_grade_is_accepted_for_a_later_cycle(tmp_path: Path) -> None:
    later = tmp_path / "peel_grades_later.csv"
    later.write_text(HEADER + "2021-22,Norfolk,Investigating crime,overall,Adequate,five-level,"
                     "https://example.org/norfolk,second-hand\n", encoding="utf-8")
    rows = read_grade_rows(reference_dir() / "peel_grades.csv", later)
    (line,) = [c for c in coverage(rows) if c.cycle == "2021-22"]
    assert (line.rows, line.second_hand, line.sources) == (1, 1, 1)
