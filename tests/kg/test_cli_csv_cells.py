"""``peelkg query`` prints CSV a spreadsheet can open safely: formula cells are neutralised as in the CSV downloads
(kg.query.csv_cells); other formats stay exact."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

Run = Callable[..., CompletedProcess[str]]
HOSTILE = 'SELECT ?text WHERE { VALUES ?text { "=HYPERLINK(\\"http://e/\\")" "+1+1" "-2+3" "@SUM(1)" "-2" "plain" } }'


def cells(result: CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    return [row["text"] for row in csv.DictReader(io.StringIO(result.stdout))]


@pytest.mark.parametrize("fmt", [(), ("--format", "csv")], ids=["default", "csv"])
def test_query_csv_neutralises_formula_cells(peelkg: Run, data_dir: Path, fmt: tuple[str, ...]) -> None:
    assert cells(peelkg("query", HOSTILE, "--data", str(data_dir), *fmt)) == [
        "'=HYPERLINK(\"http://e/\")", "'+1+1", "'-2+3", "'@SUM(1)", "-2", "plain"]


def test_query_json_stays_exact(peelkg: Run, data_dir: Path) -> None:
    result = peelkg("query", HOSTILE, "--data", str(data_dir), "--format", "json")
    values = [b["text"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]]
    assert values[0] == '=HYPERLINK("http://e/")' and values[3] == "@SUM(1)"
