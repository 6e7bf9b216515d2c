"""``QueryService.check`` keeps the guard's verdict per exact text in the answer cache: a repeated
query is scanned once, a refused one is refused again with the same status and message, the
entries count against the cache's budget, and with the cache off every text is scanned."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.query.service
from kg.errors import BadQuery
from kg.query.guard import Limits, QueryInfo
from kg.query.service import QueryService
from kg.store.local import LocalStore


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    ox.Store(str(folder)).flush()
    return folder


@pytest.fixture()
def scans(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    seen: list[str] = []
    guard = kg.query.service.check

    def counting(text: str, limits: Limits) -> QueryInfo:
        seen.append(text)
        return guard(text, limits)

    monkeypatch.setattr(kg.query.service, "check", counting)
    yield seen


def service(store_path: Path, cache_bytes: int) -> QueryService:
    return QueryService(LocalStore(store_path), "r1", limits=Limits(max_query_bytes=4096), max_rows=10, timeout=10,
                        workers=1, memory_mb=1024, cache_bytes=cache_bytes)


def test_a_repeated_text_is_scanned_once_and_answered_alike(store_path: Path, scans: list[str]) -> None:
    facts = service(store_path, 1 << 20)
    try:
        text = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5"
        first = facts.check(text)
        assert facts.check(text) == first and first.form == "SELECT" and first.limit == 5
        assert facts.answer(text, facts.check(text), "json").body == facts.answer(text, first, "json").body
        assert scans == [text]
        assert facts.check(text + " ").form == "SELECT" and len(scans) == 2  # another text, another scan
    finally:
        facts.close()


def test_a_refused_text_is_refused_again_with_its_status(store_path: Path, scans: list[str]) -> None:
    facts = service(store_path, 1 << 20)
    try:
        for text, status in (("DELETE WHERE { ?s ?p ?o }", 400), ("ASK {} #" + "x" * 5000, 413)):
            messages = []
            for _ in range(2):
                with pytest.raises(BadQuery) as raised:
                    facts.check(text)
                assert raised.value.status == status
                messages.append(str(raised.value))
            assert messages[0] == messages[1] and scans.count(text) == 1
    finally:
        facts.close()


def test_without_a_cache_every_text_is_scanned(store_path: Path, scans: list[str]) -> None:
    facts = service(store_path, 0)
    try:
        for _ in range(3):
            facts.check("ASK {}")
        assert len(scans) == 3
    finally:
        facts.close()


def test_verdicts_of_many_long_texts_stay_within_the_cache_budget(store_path: Path) -> None:
    facts = service(store_path, 256 * 1024)
    try:
        for n in range(200):
            facts.check(f"ASK {{}} # {n:04d} {'x' * 3000}")
        assert facts.cache is not None and facts.cache.used <= facts.cache.max_bytes
        assert 0 < len(facts.cache) < 200
    finally:
        facts.close()
