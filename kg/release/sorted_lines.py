"""Sort more lines than memory should hold: sorted runs on disk, merged lazily (an external merge sort).

The dumps of a release are written in a stable order so that the same inputs give the same
bytes.  Sorting every statement in Python memory costs about as much memory as the dataset, so
``sorted_unique`` keeps at most ``run`` lines at a time: it sorts them, writes them to a run
file in ``scratch``, and merges the runs (``heapq.merge``) as the caller reads.  The order is
Python's string order (by code point, which for UTF-8 is byte order), duplicates are dropped,
and the result is exactly ``sorted(set(lines))``.

Lines must not hold a line break (N-Triples and N-Quads escape them).

>>> import tempfile
>>> words = ["pear", "apple", "fig", "apple", "date", "fig", "kiwi"]
>>> list(sorted_unique(words, Path(tempfile.mkdtemp()), run=2)) == sorted(set(words))
True
"""

from __future__ import annotations

import contextlib
import heapq
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

RUN = 100_000  # lines held in memory at a time (~30 MB of N-Quads lines)


def sorted_unique(lines: Iterable[str], scratch: Path, *, run: int | None = None) -> Iterator[str]:
    """``lines`` sorted and without duplicates, holding at most ``run`` (default ``RUN``) of them in memory.

    Run files go to a fresh folder under ``scratch`` and are removed once the merge is read
    to its end or closed.
    """
    run = run or RUN
    folder = Path(tempfile.mkdtemp(prefix="runs-", dir=scratch))
    try:
        runs: list[Path] = []
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= run:
                runs.append(_write_run(batch, folder / f"{len(runs)}.txt"))
                batch = []
        if not runs:  # everything fitted in one run: no file needed
            _sort(batch)
            yield from _unique(batch)
            return
        if batch:
            runs.append(_write_run(batch, folder / f"{len(runs)}.txt"))
        del batch
        with contextlib.ExitStack() as stack:
            files = [stack.enter_context(path.open(encoding="utf-8", newline="\n")) for path in runs]
            yield from _unique(heapq.merge(*(_read_run(f) for f in files)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sort(batch: list[str]) -> None:
    batch.sort()


def _write_run(batch: list[str], path: Path) -> Path:
    _sort(batch)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for line in _unique(batch):
            handle.write(line)
            handle.write("\n")
    return path


def _read_run(handle: Iterable[str]) -> Iterator[str]:
    for line in handle:
        yield line[:-1]  # every line of a run ends with the "\n" _write_run gave it


def _unique(ordered: Iterable[str]) -> Iterator[str]:
    previous: str | None = None
    for line in ordered:
        if line != previous:
            yield line
            previous = line


__all__ = ["RUN", "sorted_unique"]
