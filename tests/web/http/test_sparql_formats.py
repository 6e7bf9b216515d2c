"""Negotiation of SPARQL answer formats from the raw ``Accept`` value: the same choice as from a parsed
header, made once per distinct header, and a long header never kept."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from web.http import sparql_formats
from web.http.sparql_formats import GRAPH, RESULTS, best_match, choose, wants_page

HEADERS = [
    "",
    "*/*",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/sparql-results+json",
    "application/sparql-results+xml;q=0.9, text/csv",
    "text/csv;q=0.5, text/tab-separated-values",
    "text/turtle;q=0.4, application/n-triples",
    "application/ld+json, text/html;q=0.1",
    "image/png",
]


@pytest.mark.parametrize("header", HEADERS)
def test_the_raw_header_chooses_as_the_parsed_one(header: str) -> None:
    parsed = parse_accept_header(header, MIMEAccept)
    for kind in (RESULTS, GRAPH):
        for html in (True, False):
            assert choose(kind, [], header, html=html) == choose(kind, [], parsed, html=html)
    assert wants_page([], header) == wants_page([], parsed)


def test_each_distinct_header_is_negotiated_once() -> None:
    sparql_formats._best_for_header.cache_clear()
    header = "application/sparql-results+xml;q=0.9, text/csv"
    for _ in range(5):
        assert choose(RESULTS, [], header, html=False).key == "csv"
    info = sparql_formats._best_for_header.cache_info()
    assert (info.misses, info.hits) == (1, 4)


def test_a_long_header_is_negotiated_but_not_kept() -> None:
    sparql_formats._best_for_header.cache_clear()
    header = ", ".join(f"application/x-made-up-{n}" for n in range(60)) + ", text/csv"
    assert len(header) > sparql_formats._MEMO_HEADER
    assert best_match(header, ("text/csv", "application/sparql-results+json")) == "text/csv"
    assert sparql_formats._best_for_header.cache_info().currsize == 0
