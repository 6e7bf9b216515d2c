"""The test tools are installed when they can be and skipped, with the reason, when they cannot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.web import tools


@pytest.fixture()
def no_comunica(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tools, "TOOLS", tmp_path)
    monkeypatch.setattr(tools, "COMUNICA", tmp_path / "node_modules" / ".bin" / "comunica-sparql")
    return tmp_path


def test_without_npm_the_reason_names_npm(no_comunica: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(no_comunica))
    assert "npm is not on the PATH" in tools._install_comunica.__wrapped__()


def fake_npm(folder: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ``npm`` that runs ``script``, first on the PATH."""
    npm = folder / "bin" / "npm"
    npm.parent.mkdir()
    npm.write_text("#!/bin/sh\n" + script)
    npm.chmod(0o755)
    monkeypatch.setenv("PATH", f"{npm.parent}{os.pathsep}{os.environ['PATH']}")


def test_an_offline_install_is_reported_with_npm_s_message(no_comunica: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_npm(no_comunica, "echo 'npm ERR! network request failed' >&2\nexit 1\n", monkeypatch)
    why = tools._install_comunica.__wrapped__()
    assert why == "`npm ci` in tests/tools failed (offline?): npm ERR! network request failed"


def test_a_successful_install_is_used(no_comunica: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_npm(no_comunica, "mkdir -p node_modules/.bin && touch node_modules/.bin/comunica-sparql\n", monkeypatch)
    assert tools._install_comunica.__wrapped__() == ""
    assert tools.COMUNICA.is_file()


def test_a_missing_rapper_skips_naming_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.skip.Exception, match="raptor2-utils"):
        tools.rapper()
