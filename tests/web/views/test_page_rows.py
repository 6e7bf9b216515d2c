"""An HTML result page shows at most ``page_rows`` rows and says the downloads hold the rest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kg.release.layout import Release
from kg.store.local import LocalStore
from web.app import create_app
from web.settings import Settings


@pytest.fixture(scope="module")
def small_pages(data_dir: Path, store: LocalStore, release: Release) -> Iterator[Flask]:
    app = create_app(Settings(data_dir=data_dir, page_rows=2, query_workers=1), store, release=release)
    try:
        yield app
    finally:
        app.extensions["peelkg.sparql"].close()


def test_a_result_page_shows_page_rows_and_points_to_the_downloads(small_pages: Flask) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5"
    response = small_pages.test_client().get("/sparql", query_string={"query": query}, headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert response.status_code == 200 and body.count("<tr>") == 2
    assert "first 2 rows" in page and "downloads above hold all of it" in page
    # The download it links answers every row.
    full = small_pages.test_client().get("/sparql", query_string={"query": query, "format": "csv"})
    assert full.get_data(as_text=True).strip().count("\n") == 5


def test_an_answer_within_page_rows_shows_no_notice(small_pages: Flask) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"
    page = small_pages.test_client().get("/sparql", query_string={"query": query},
                                         headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "first 2 rows" not in page and "2 rows" in page
