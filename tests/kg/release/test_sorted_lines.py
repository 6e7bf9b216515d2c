"""The external sort behind the dumps: exactly ``sorted(set(lines))``, never more than a run in memory."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kg.release.sorted_lines import sorted_unique


@pytest.mark.parametrize("run", [1, 2, 7, 1000])
def test_sorted_unique_is_sorted_set_whatever_the_run_size(tmp_path: Path, run: int) -> None:
    rng = random.Random(13)
    alphabet = "ab\u00e9\u2028\r\x0c<>\"\\ \x00z\U0001f600"  # line separators other than "\n" are content
    lines = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))).encode() for _ in range(300)]
    assert list(sorted_unique(lines, tmp_path, run=run)) == sorted(set(lines))
    # byte order is code point order
    assert [line.decode() for line in sorted_unique(lines, tmp_path, run=run)] == sorted({x.decode() for x in lines})
    assert list(tmp_path.iterdir()) == []  # the run files are gone


def test_runs_are_removed_when_the_reader_stops_early(tmp_path: Path) -> None:
    merged = sorted_unique((str(n).encode() for n in range(50)), tmp_path, run=5)
    assert next(merged) == b"0"
    assert len(list(tmp_path.iterdir())) == 1
    merged.close()
    assert list(tmp_path.iterdir()) == []


def test_a_run_holds_at_most_run_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    held: list[int] = []

    def spy(batch: list[bytes]) -> None:
        held.append(len(batch))
        batch.sort()

    monkeypatch.setattr("kg.release.sorted_lines._sort", spy)
    assert len(list(sorted_unique((str(n % 40).encode() for n in range(100)), tmp_path, run=8))) == 40
    assert held and max(held) <= 8
