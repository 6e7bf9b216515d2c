"""Internal queries (kg.query.internal): each file says what it is for and is one query the engine reads."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import NotFound
from kg.query.canned import load_queries
from kg.query.guard import Limits, check
from kg.query.internal import internal_names, internal_query, paged


@pytest.mark.parametrize("name", internal_names())
def test_each_internal_query_is_one_commented_query(name: str) -> None:
    text = internal_query(name)
    assert text.startswith("# ")
    assert check(text, Limits()).form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
    ox.Store().query(text)  # the engine reads it as it is (an empty store)


def test_internal_queries_are_not_canned() -> None:
    assert internal_names() and not set(internal_names()) & set(load_queries())


def test_an_unknown_name_is_not_found() -> None:
    with pytest.raises(NotFound, match="no internal query named 'nope'"):
        internal_query("nope")


@pytest.mark.parametrize(("limit", "offset"), [(10, -1), (-5, 0), ("10", 0), (10, 1.5), (True, 0)])
def test_a_page_takes_whole_numbers_only(limit: object, offset: object) -> None:
    with pytest.raises(ValueError, match="whole numbers"):
        paged("entity-incoming", limit=limit, offset=offset)  # type: ignore[arg-type]


def test_a_page_is_the_query_and_its_limit_and_offset() -> None:
    text = paged("entity-incoming", limit=50, offset=100)
    assert text.startswith(internal_query("entity-incoming").rstrip()) and text.endswith("\nLIMIT 50 OFFSET 100")
    ox.Store().query(text)
