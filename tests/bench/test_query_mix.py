"""The query-mix bench's variants: a named caches-off server with settings of its own, bad ones named."""

from __future__ import annotations

import argparse

import pytest

from bench.query_mix import CACHES_OFF, summary, variant


def test_a_variant_is_caches_off_with_its_own_settings() -> None:
    name, env = variant("one-web-worker: WORKERS=1, query_queue=4")
    assert name == "one-web-worker"
    assert env == {**CACHES_OFF, "PEELKG_WORKERS": "1", "PEELKG_QUERY_QUEUE": "4"}


@pytest.mark.parametrize("text", [":WORKERS=1", "x:WORKERS", "x:=1"])
def test_a_bad_variant_is_named(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="--variant"):
        variant(text)


def test_each_variant_gets_its_column() -> None:
    cell = {"rate": 10.0, "errors": {"status": 3}, "cpu_ms_per_answer": 1.0, "load_average": 1.0}
    rows = [{"round": 1, "workload": "mix", "connections": 8,
             "servers": {"peelkg": cell, "peelkg-nocache": cell, "oxigraph-ro": {**cell, "rate": 20.0}, "v": cell}}]
    table = summary(rows, ["v"])
    header, rule, line = table.splitlines()
    assert "v ÷ oxigraph" in header and header.count("|") == rule.count("|") == line.count("|")
    assert "| 10.0 (3) | 0.50 |" in line
