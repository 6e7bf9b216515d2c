"""The third-party command-line tools the web tests run against a live server, found or failed on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def comunica() -> str:
    """Comunica's ``comunica-sparql`` (4.x, pinned in ``tests/tools/package.json``; ``npm ci`` there installs it)."""
    path = TOOLS / "node_modules" / ".bin" / "comunica-sparql"
    if not path.is_file():
        pytest.fail("Comunica is not installed: run `npm ci` in tests/tools (.ci/run does)")
    return str(path)


def rapper() -> str:
    """raptor2's ``rapper`` (Debian: raptor2-utils)."""
    path = shutil.which("rapper")
    if path is None:
        pytest.fail("rapper is not installed (Debian: apt-get install raptor2-utils); .ci/run installs it")
    return path
