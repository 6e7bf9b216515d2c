"""CSV cells a spreadsheet would run as formulas are neutralised (kg.query.csv_cells), for both CSV
serialisers the site uses: rdflib's (downloads) and pyoxigraph's (``/queries/*.csv``)."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
from rdflib import Literal

from kg.query.csv_cells import neutralise_cell, neutralise_csv
from kg.query.results import serialise
from kg.store.local import SelectResult

HOSTILE = ['=HYPERLINK("http://127.0.0.1/x","click")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tTab", "\rCR",
           "=1,\n2"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_cells_get_an_apostrophe(text: str) -> None:
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Improve training", "-2", "+1.5e3", "0.5", "", "a=b", "e-mail"])
def test_other_cells_are_kept(text: str) -> None:
    assert neutralise_cell(text) == text


def cells(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


def test_rdflib_csv_is_neutralised_and_stays_valid_csv() -> None:
    rows = SelectResult(["text", "n"], [{"text": Literal(t), "n": Literal(-2)} for t in HOSTILE])
    body = neutralise_csv(serialise(rows, "csv"))
    assert cells(body) == [["text", "n"], *(["'" + t, "-2"] for t in HOSTILE)]


def test_pyoxigraph_csv_is_neutralised_and_stays_valid_csv() -> None:
    values = " ".join('"' + t.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
                      .replace("\r", "\\r") + '"' for t in HOSTILE)
    query = f"SELECT ?text WHERE {{ VALUES ?text {{ {values} }} }}"
    body = ox.Store().query(query).serialize(format=ox.QueryResultsFormat.CSV)
    assert body is not None
    assert cells(neutralise_csv(body)) == [["text"], *(["'" + t] for t in HOSTILE)]
