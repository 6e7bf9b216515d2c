"""Shared fixtures: the bundled release is built once per session, read-only for every test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.release.build import build_dataset, collect_inputs
from kg.release.layout import Release, open_release
from kg.release.publish import publish
from kg.store.local import LocalStore, open_store

ROOT = Path(__file__).resolve().parents[1]
PEELKG = str(Path(sys.executable).parent / "peelkg")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the bundled release (built once)."""
    out = tmp_path_factory.mktemp("data")
    publish(build_dataset(collect_inputs([])), out)
    return out


@pytest.fixture(scope="session")
def release(data_dir: Path) -> Release:
    return open_release(data_dir)


@pytest.fixture(scope="session")
def store(release: Release) -> LocalStore:
    return open_store(release.store_path)


@pytest.fixture(scope="session")
def peelkg() -> object:
    """Run the installed ``peelkg`` console script: ``peelkg("build", "--out", d)``."""
    return run_peelkg


def run_peelkg(*args: str, check: bool = False, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``peelkg`` console script, as a user would."""
    return subprocess.run(
        [PEELKG, *args],
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
