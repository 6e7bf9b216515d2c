"""Internal queries (kg.query.internal): each file says what it is for and is one query the engine reads."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import NotFound
from kg.query.canned import load_queries
from kg.query.guard import Limits, check
from kg.query.internal import internal_names, internal_query


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
