"""Write docs/settings.md from the Settings dataclass: ``python docs/gen_settings.py``."""

from __future__ import annotations

from pathlib import Path

from web.settings import Settings

HEADER = """# Settings

Every setting of `peelkg serve`, its default, and the environment variable that sets it. Command-line options
(`--host`, `--port`, `--workers`, `--store`, `--data`) win over the environment, which wins over the defaults.

| setting | environment variable | default | meaning |
|---|---|---|---|
"""


def main() -> None:
    rows = []
    for name, default, help_text in Settings.documented():
        shown = ", ".join(default) if isinstance(default, list) else str(default)
        rows.append(f"| `{name}` | `PEELKG_{name.upper()}` | `{shown or '(empty)'}` | {help_text} |")
    target = Path(__file__).with_name("settings.md")
    target.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
