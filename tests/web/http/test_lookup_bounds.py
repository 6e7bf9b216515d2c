"""Reconciliation batches and searches are bounded like queries: in time (503 past
``lookup_seconds``) and in how many run at once (503 with Retry-After past ``lookup_slots``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kg.release.layout import Release
from kg.store.local import LocalStore
from web.app import create_app
from web.http import lookups
from web.settings import Settings


@pytest.fixture(scope="module")
def bounded(data_dir: Path, store: LocalStore, release: Release) -> Iterator[Flask]:
    app = create_app(Settings(data_dir=data_dir, lookup_seconds=1e-9, lookup_slots=1, query_workers=1), store,
                     release=release)
    try:
        yield app
    finally:
        app.extensions["peelkg.sparql"].close()


def test_a_reconciliation_batch_stops_at_its_time_limit(bounded: Flask) -> None:
    batch = {f"q{n}": {"query": "Norfolk Constabulary " * 10} for n in range(3)}
    response = bounded.test_client().post("/reconcile", data={"queries": json.dumps(batch)},
                                          headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert "after 1 of its 3 queries" in response.get_json()["message"]


def test_past_its_places_a_search_is_refused_at_once_with_retry_after(bounded: Flask) -> None:
    with bounded.test_request_context("/"), lookups.slots():  # a lookup already running
        response = bounded.test_client().get("/search.json?q=norfolk")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 1
    assert "running already" in response.get_json()["message"]
    assert bounded.test_client().get("/doc/force/norfolk").status_code == 200  # pages are not lookups
