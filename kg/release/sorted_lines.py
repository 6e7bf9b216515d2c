"""Sort more lines than memory should hold: sorted runs on disk, merged lazily (an external merge sort).

The dumps of a release are written in a stable order so that the same inputs give the same
bytes.  Sorting every statement in Python memory costs about as much memory as the dataset, so
``sorted_unique`` keeps at most ``run`` lines at a time: it sorts them, writes them to a run
file in ``scratch``, and merges the runs (``heapq.merge``) as the caller reads.  Lines are bytes
(as the store writes them; byte order is code point order for UTF-8), duplicates are dropped,
and the result is exactly ``sorted(set(lines))``.

Lines must not hold a line break (N-Triples and N-Quads escape them).

>>> import tempfile
>>> words = [b"pear", b"apple", b"fig", b"apple", b"date", b"fig", b"kiwi"]
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

RUN = 200_000  # lines held in memory at a time (~50 MB of N-Quads lines)


def sorted_unique(lines: Iterable[bytes], scratch: Path, *, run: int | None = None) -> Iterator[bytes]:
    """``lines`` sorted and without duplicates, holding at most ``run`` (default ``RUN``) of them in memory.

    Run files go to a fresh folder under ``scratch`` and are removed once the merge is read
    to its end or closed.
    """
    run = run or RUN
    folder = Path(tempfile.mkdtemp(prefix="runs-", dir=scratch))
    try:
        runs: list[Path] = []
        batch: list[bytes] = []
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
            files = [stack.enter_context(path.open("rb")) for path in runs]
            yield from _unique(heapq.merge(*(_read_run(f) for f in files)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sort(batch: list[bytes]) -> None:
    batch.sort()


def _write_run(batch: list[bytes], path: Path) -> Path:
    _sort(batch)
    with path.open("wb") as handle:
        handle.writelines(line + b"\n" for line in _unique(batch))
    return path


def _read_run(handle: Iterable[bytes]) -> Iterator[bytes]:
    for line in handle:
        yield line[:-1]  # every line of a run ends with the b"\n" _write_run gave it


def _unique(ordered: Iterable[bytes]) -> Iterator[bytes]:
    previous: bytes | None = None
    for line in ordered:
        if line != previous:
            yield line
            previous = line


__all__ = ["RUN", "sorted_unique"]
