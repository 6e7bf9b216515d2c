"""The third-party command-line tools the web tests run against a live server: found, installed, or skipped.

Comunica is an npm package pinned in ``tests/tools/package.json``: when it is missing and npm is
on the PATH, the first test that needs it runs ``npm ci`` there (so the README's
``pip install -e '.[test]' && pytest`` is enough on a machine with npm and a network); without
npm, or when the install fails (offline), its tests are skipped with the reason.  ``rapper`` is a
Debian package (raptor2-utils), which only an administrator can install: missing, its tests are
skipped, naming the package.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
COMUNICA = TOOLS / "node_modules" / ".bin" / "comunica-sparql"
NPM_TIMEOUT = 300  # seconds for ``npm ci``


@functools.cache
def _install_comunica() -> str:
    """``""`` once Comunica is installed, else why it could not be."""
    if COMUNICA.is_file():
        return ""
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not on the PATH (Node 20 with npm installs Comunica 4.x in tests/tools)"
    try:
        done = subprocess.run([npm, "ci", "--silent", "--no-audit", "--no-fund"], cwd=TOOLS,
                              capture_output=True, text=True, timeout=NPM_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return f"`npm ci` in tests/tools took over {NPM_TIMEOUT} s (offline?)"
    if done.returncode != 0 or not COMUNICA.is_file():
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"`npm ci` in tests/tools failed (offline?): {last[:200]}"
    return ""


def comunica() -> str:
    """Comunica's ``comunica-sparql`` (4.x, pinned in ``tests/tools/package.json``), installed on first use."""
    why = _install_comunica()
    if why:
        pytest.skip(f"Comunica is not available: {why}")
    return str(COMUNICA)


def rapper() -> str:
    """raptor2's ``rapper`` (Debian: raptor2-utils)."""
    path = shutil.which("rapper")
    if path is None:
        pytest.skip("rapper is not installed (Debian package raptor2-utils; .ci/run installs it as root)")
    return path
