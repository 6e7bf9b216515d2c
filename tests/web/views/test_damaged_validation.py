"""An emptied or damaged validation.ttl says so; it never reads as "every shape is satisfied"."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.errors import DamagedRelease
from kg.release.layout import Release
from kg.release.publish import VALIDATION_TTL
from kg.store.local import LocalStore
from web.app import create_app
from web.present.shape_docs import summarise_validation
from web.settings import Settings


def damaged(release: Release, how: str) -> str:
    text = release.file(VALIDATION_TTL).read_text(encoding="utf-8")
    return {"emptied": "", "cut": text[: len(text) // 2], "not a report": "<urn:a> <urn:b> <urn:c> .\n"}[how]


@pytest.mark.parametrize("how", ["emptied", "cut", "not a report"])
def test_a_damaged_report_is_a_clear_error(how: str, tmp_path: Path, data_dir: Path, store: LocalStore,
                                           release: Release) -> None:
    (tmp_path / VALIDATION_TTL).write_text(damaged(release, how), encoding="utf-8")
    app = create_app(Settings(data_dir=data_dir), store, release=Release(tmp_path, release.manifest))
    response = app.test_client().get("/validation", headers={"Accept": "text/html"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "every shape is satisfied" not in body and "conforms to the" not in body
    assert "validation report (validation.ttl)" in body and "Traceback" not in body and str(tmp_path) not in body


def test_the_served_report_still_reads(release: Release) -> None:
    summary = summarise_validation(Graph().parse(release.file(VALIDATION_TTL), format="turtle"))
    assert summary.conforms


def test_an_empty_graph_is_not_a_conforming_report() -> None:
    with pytest.raises(DamagedRelease, match="empty or damaged"):
        summarise_validation(Graph())
