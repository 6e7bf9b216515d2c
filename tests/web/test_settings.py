"""Every setting is documented (docs/settings.md) and can be set from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from web.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


@pytest.mark.parametrize(("name", "default", "help_text"), Settings.documented(), ids=lambda v: str(v)[:30])
def test_setting_is_documented(name: str, default: object, help_text: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    row = next((line for line in text.splitlines() if line.startswith(f"| `{name}` ")), None)
    assert row is not None, f"docs/settings.md has no row for {name}"
    assert f"`PEELKG_{name.upper()}`" in row
    assert help_text.strip(), f"{name} has no help text"


def test_environment_overrides_defaults() -> None:
    settings = Settings.from_env(
        {"PEELKG_QUERY_TIMEOUT": "2.5", "PEELKG_MAX_ROWS": "7", "PEELKG_SERVICE_ALLOWLIST": "a, b"}
    )
    assert settings.query_timeout == 2.5
    assert settings.max_rows == 7
    assert settings.service_allowlist == ["a", "b"]
    assert Settings.from_env({}, max_rows=3).max_rows == 3
