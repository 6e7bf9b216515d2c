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


def test_one_variable_names_the_data_directory_for_the_server_and_the_commands(tmp_path: Path) -> None:
    """Regression: ``PEELKG_DATA_DIR`` (the documented setting) used to be overridden by the commands'
    own ``PEELKG_DATA``; now both read the one variable."""
    from kg.release.layout import default_data_dir

    environ = {"PEELKG_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(environ).data_dir == tmp_path
    assert default_data_dir(environ) == tmp_path
    assert Settings.from_env({}).data_dir == default_data_dir()
