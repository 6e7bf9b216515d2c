"""Facets, filters and sorting over the rows of a result table (the rows a page shows).

A column is faceted when its name is, or ends with, one of :data:`FACETED` (``force``,
``fromYear``, ``toGrade`` …).  Facet counts, filters and the sort work on the rows given — a
page's rows, never more than the ``page_rows`` setting — and on each cell's shown text, so a
filter picks exactly what a facet counted.

>>> from kg.query.execute import Cell
>>> rows = [{"force": Cell("Norfolk"), "year": Cell("2016")}, {"force": Cell("Suffolk"), "year": Cell("2015")},
...         {"force": Cell("Norfolk"), "year": Cell("2015")}]
>>> view = arrange(["force", "year"], rows, filters={"force": "Norfolk"}, sort="year")
>>> [r["year"].text for r in view.rows]
['2015', '2016']
>>> [(v.text, v.count, v.selected) for v in view.facets[0].values]
[('Norfolk', 2, True), ('Suffolk', 1, False)]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kg.errors import BadQuery
from kg.query.execute import Cell

FACETED = ("force", "year", "pillar", "grade", "change", "theme")


@dataclass(frozen=True)
class FacetValue:
    text: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    column: str
    values: list[FacetValue]


@dataclass
class Arranged:
    """The rows left after the filters, in the asked order, and the facets of the rows given."""

    rows: list[dict[str, Cell]]
    facets: list[Facet] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)
    sort: str | None = None
    descending: bool = False


def faceted(column: str) -> bool:
    """Whether ``column`` holds one of the things a table is faceted by."""
    name = column.casefold()
    return any(name == word or name.endswith(word) for word in FACETED)


def _key(cell: Cell | None) -> tuple[int, float, str]:
    """Sort key of a cell: numbers by value before text, empty cells last."""
    if cell is None or cell.text == "":
        return (2, 0.0, "")
    try:
        return (0, float(cell.text), "")
    except ValueError:
        return (1, 0.0, cell.text.casefold())


def arrange(columns: list[str], rows: list[dict[str, Cell]], *, filters: dict[str, str] | None = None,
            sort: str | None = None, descending: bool = False) -> Arranged:
    """``rows`` kept where each filtered column's text equals its filter, sorted by ``sort``.

    Facet counts are over the rows the other filters keep, so each count is what choosing that
    value gives.  An unknown column → ``BadQuery`` naming the parameter.
    """
    filters = dict(filters or {})
    for column in [*filters, *([sort] if sort else [])]:
        if column not in columns:
            raise BadQuery(f"parameter _sort or _f.{column}: the answer has no column {column!r}; "
                           f"its columns are {', '.join(columns)}")

    def keeps(row: dict[str, Cell], skip: str | None = None) -> bool:
        return all((row[c].text if c in row else "") == v for c, v in filters.items() if c != skip)

    facets = []
    for column in (c for c in columns if faceted(c)):
        counts = Counter(row[column].text for row in rows if column in row and keeps(row, column))
        if len(counts) > 1 or column in filters:
            values = [FacetValue(text, n, filters.get(column) == text)
                      for text, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
            facets.append(Facet(column, values))
    kept = [row for row in rows if keeps(row)]
    if sort:
        kept.sort(key=lambda row: _key(row.get(sort)), reverse=descending)
    return Arranged(kept, facets, filters, sort, descending)


def read_arrangement(args: dict[str, str]) -> tuple[dict[str, str], str | None, bool]:
    """The filters (``_f.COLUMN=TEXT``), sort column (``_sort``) and direction (``_desc=1``) of a URL's parameters."""
    filters = {k[3:]: v for k, v in args.items() if k.startswith("_f.") and v}
    return filters, args.get("_sort") or None, args.get("_desc", "") not in ("", "0")


def table_parameter(name: str) -> bool:
    """Whether a URL parameter arranges the table (and is not the query's own)."""
    return name in ("_sort", "_desc") or name.startswith("_f.")
