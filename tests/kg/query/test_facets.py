"""Facets, filters and sorting of a result table's rows (kg.query.facets)."""

from __future__ import annotations

import pytest

from kg.errors import BadQuery
from kg.query.execute import Cell
from kg.query.facets import arrange, faceted, read_arrangement

COLUMNS = ["force", "fromYear", "toGrade", "score"]
ROWS = [
    {"force": Cell("Norfolk"), "fromYear": Cell("2016"), "toGrade": Cell("Good"), "score": Cell("10")},
    {"force": Cell("Suffolk"), "fromYear": Cell("2015"), "toGrade": Cell("Good"), "score": Cell("9")},
    {"force": Cell("Norfolk"), "fromYear": Cell("2015"), "toGrade": Cell("Outstanding"), "score": Cell("2.5")},
    {"force": Cell("Kent"), "fromYear": Cell("2015"), "score": Cell("x")},
]


def test_columns_are_faceted_by_what_they_hold() -> None:
    assert [c for c in COLUMNS if faceted(c)] == ["force", "fromYear", "toGrade"]
    assert not faceted("label") and not faceted("yearning")


def test_a_filter_keeps_matching_rows_and_other_facets_count_what_remains() -> None:
    done = arrange(COLUMNS, ROWS, filters={"fromYear": "2015"})
    assert [r["force"].text for r in done.rows] == ["Suffolk", "Norfolk", "Kent"]
    by_column = {f.column: {v.text: (v.count, v.selected) for v in f.values} for f in done.facets}
    assert by_column["force"] == {"Suffolk": (1, False), "Norfolk": (1, False), "Kent": (1, False)}
    # the filtered column's own facet still counts every value, so another can be chosen instead
    assert by_column["fromYear"] == {"2015": (3, True), "2016": (1, False)}


def test_numbers_sort_by_value_and_text_after_them() -> None:
    up = arrange(COLUMNS, ROWS, sort="score")
    assert [r["score"].text for r in up.rows] == ["2.5", "9", "10", "x"]
    down = arrange(COLUMNS, ROWS, sort="score", descending=True)
    assert [r["score"].text for r in down.rows] == ["x", "10", "9", "2.5"]


def test_empty_cells_sort_last() -> None:
    assert [r["force"].text for r in arrange(COLUMNS, ROWS, sort="toGrade").rows][-1] == "Kent"


def test_a_column_with_one_value_is_no_facet() -> None:
    done = arrange(COLUMNS, ROWS, filters={"force": "Norfolk", "toGrade": "Good"})
    assert [f.column for f in done.facets] == ["force", "toGrade"]  # fromYear has one value left: 2016


def test_an_unknown_column_is_named() -> None:
    with pytest.raises(BadQuery, match="no column 'region'"):
        arrange(COLUMNS, ROWS, sort="region")
    with pytest.raises(BadQuery, match=r"_f\.region"):
        arrange(COLUMNS, ROWS, filters={"region": "East"})


def test_the_address_parameters() -> None:
    assert read_arrangement({"_f.force": "Norfolk", "_f.year": "", "_sort": "score", "_desc": "1", "force": "x"}) \
        == ({"force": "Norfolk"}, "score", True)
    assert read_arrangement({}) == ({}, None, False)
