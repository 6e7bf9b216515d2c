"""Hostile build input is refused with the file and line, by the readers, before anything is built."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kg.errors import InputError, ParseError
from kg.link.reference import area_problem, police_force_areas, read_forces, read_report_metadata
from kg.parse.input_text import control_character, web_address_problem
from kg.parse.parser import parse_file

HOSTILE = Path(__file__).parents[1] / "fixtures" / "hostile"


@pytest.mark.parametrize(("read", "name", "error", "line", "says"), [
    (parse_file, "nul-report.txt", ParseError, 3, "U+0000"),  # a NUL in a report
    (read_report_metadata, "reports-bad-iri.csv", InputError, 2, "source_url"),  # a quote in a source URL
    (read_forces, "forces-control.csv", InputError, 3, "U+0007"),  # a control character in the forces table
], ids=["nul-in-report", "quote-in-source-url", "control-character-in-forces"])
def test_hostile_input_is_refused_with_its_file_and_line(read: Callable[[Path], object], name: str,
                                                         error: type[Exception], line: int, says: str) -> None:
    with pytest.raises(error) as caught:
        read(HOSTILE / name)
    message = str(caught.value)
    assert name in message and f":{line}" in message and says in message


def test_an_ons_code_of_another_force_is_refused_with_its_line() -> None:
    with pytest.raises(InputError) as caught:
        read_forces(HOSTILE / "forces-swapped-codes.csv")
    assert str(caught.value) == (f"{HOSTILE / 'forces-swapped-codes.csv'}:2: ons_pfa_code 'E23000025' is the police "
                                 "force area of Suffolk (ONS), not of Norfolk Constabulary")


def test_an_ons_code_no_area_has_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "forces.csv"
    swapped = (HOSTILE / "forces-swapped-codes.csv").read_text(encoding="utf-8")
    table.write_text(swapped.replace("E23000025", "E23000099"), encoding="utf-8")
    with pytest.raises(InputError, match=r"forces.csv:2: ons_pfa_code 'E23000099' is not a police force area code "):
        read_forces(table)


def test_every_force_of_the_bundled_table_is_in_its_own_police_force_area() -> None:
    forces = read_forces(Path(__file__).parents[3] / "data" / "reference" / "forces.csv")
    areas = police_force_areas()
    assert sorted(f.ons_code for f in forces) == sorted(areas)  # one force per area, every area once
    assert all(area_problem(f.ons_code, f.name, f.short_name) is None for f in forces)


def test_the_bundled_tables_pass() -> None:
    data = Path(__file__).parents[3] / "data"
    assert read_forces(data / "reference" / "forces.csv")
    assert read_report_metadata(data / "corpus" / "reports.csv")


@pytest.mark.parametrize("text", ["a\x00b", "x\x1b[31m", "\x7f", "\x85", "\ufffe"])
def test_controls_are_found(text: str) -> None:
    assert control_character(text) is not None


@pytest.mark.parametrize("text", ["tab\there", "line\r\nend", "pound £ and ’quotes’"])
def test_ordinary_text_passes(text: str) -> None:
    assert control_character(text) is None


@pytest.mark.parametrize("value", ['https://a.example/"x', "https://a.example/ x", "javascript:alert(1)",
                                   "https://a.example/<x>", "//a.example/x", "https://"])
def test_bad_web_addresses(value: str) -> None:
    assert web_address_problem(value) is not None


def test_a_good_web_address() -> None:
    assert web_address_problem("https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/") is None
