"""Links that sort and filter a result table (``kg.query.facets``), as plain data for ``_result_table.html``.

Every link is the page's own address with its parameters kept and one of ``_sort``, ``_desc``
or ``_f.COLUMN`` changed, so sorting and facets work without JavaScript and are permalinks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import request

from kg.query.execute import Cell
from kg.query.facets import Arranged, arrange, read_arrangement


@dataclass
class TableView:
    """A result table arranged for a page: its rows, facet links and column-sorting links."""

    rows: list[dict[str, Cell]]
    given: int  # rows before the filters
    facets: list[tuple[str, list[tuple[str, int, bool, str]]]] = field(default_factory=list)  # column, values
    sorting: dict[str, tuple[str, str]] = field(default_factory=dict)  # column → link, aria-sort state
    filters: dict[str, str] = field(default_factory=dict)
    clear: str = ""  # the address without filters


def _href(changes: dict[str, str | None]) -> str:
    """The page's address with ``changes`` made to its parameters (None removes one).

    >>> from flask import Flask
    >>> with Flask(__name__).test_request_context("/queries/judgements?force=norfolk&_sort=year"):
    ...     _href({"_sort": "grade", "_desc": "1"}), _href({"_sort": None})
    ('/queries/judgements?force=norfolk&_sort=grade&_desc=1', '/queries/judgements?force=norfolk')
    """
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in changes]
    kept += [(k, v) for k, v in changes.items() if v is not None]
    return request.path + ("?" + urlencode(kept) if kept else "")


def table_view(columns: list[str], rows: list[dict[str, Cell]]) -> TableView:
    """``rows`` filtered and sorted as the request's ``_f.*``, ``_sort`` and ``_desc`` parameters say."""
    filters, sort, descending = read_arrangement(request.args.to_dict())
    done: Arranged = arrange(columns, rows, filters=filters, sort=sort, descending=descending)
    view = TableView(done.rows, len(rows), filters=filters,
                     clear=_href({f"_f.{c}": None for c in filters}))
    for facet in done.facets:
        key = f"_f.{facet.column}"
        view.facets.append((facet.column, [(v.text, v.count, v.selected, _href({key: None if v.selected else v.text}))
                                           for v in facet.values]))
    for column in columns:
        current = column == sort
        state = ("descending" if descending else "ascending") if current else "none"
        flip = "1" if current and not descending else None
        view.sorting[column] = (_href({"_sort": column, "_desc": flip}), state)
    return view
