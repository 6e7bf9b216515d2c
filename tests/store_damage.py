"""Ways to break the query engine and the store for real: queries that crash it or exhaust its memory, and
damage done to the store files of a copy of a release (RocksDB, as pyoxigraph keeps it)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from kg.release.layout import STORE, Release

DEEP = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000  # overflows the engine's stack (SIGSEGV)
HUNGRY = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?c ?f ?i LIMIT 1"  # sorts 16k³ rows
ENDLESS = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # counts 16k³ rows in little memory


def truncate_largest(store: Path) -> None:
    """Cut the largest table file in half: RocksDB refuses to open the store."""
    largest = max(store.glob("*.sst"), key=lambda f: f.stat().st_size)
    largest.write_bytes(largest.read_bytes()[: largest.stat().st_size // 2])


def flip_data_blocks(store: Path) -> None:
    """Flip bytes at the start of every large table file (data blocks): the store opens, reading it fails."""
    for table in (f for f in store.glob("*.sst") if f.stat().st_size > 100_000):
        data = bytearray(table.read_bytes())
        for i in range(1000, 20000, 13):
            data[i] ^= 0xFF
        table.write_bytes(bytes(data))


def damaged_copy(release: Release, tmp_path: Path, damage: Callable[[Path], None]) -> Path:
    """A copy of ``release``'s folder (same id) under ``tmp_path``, its store damaged by ``damage``."""
    copy = tmp_path / "releases" / release.path.name
    shutil.copytree(release.path, copy, ignore=shutil.ignore_patterns(".lease"))
    damage(copy / STORE)
    return copy
