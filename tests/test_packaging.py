"""The installed package is self-contained and builds without setuptools' warnings.

Regression: with ``include-package-data`` on, every data folder (templates, static files, the corpus)
looked like an unlisted package and each install printed nine "Package would be ignored" warnings.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Where each shipped data folder is found in the wheel (pyproject.toml's package-dir and package-data).
SHIPPED = {"ontology": "kg/resources/ontology", "queries": "kg/resources/queries", "data": "kg/resources/data",
           "web/templates": "web/templates", "web/static": "web/static"}


def test_wheel_holds_every_data_file_and_builds_without_warnings(tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", str(ROOT),
                            "-w", str(tmp_path)], capture_output=True, text=True, timeout=300, check=False,
                           cwd=tmp_path)
    assert built.returncode == 0, built.stderr[-2000:]
    assert "Package would be ignored" not in built.stderr and "Warning" not in built.stderr, built.stderr[-2000:]
    names = set(zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist())
    tracked = subprocess.run(["git", "ls-files", *SHIPPED], capture_output=True, text=True, cwd=ROOT,
                             check=True).stdout.split()
    assert tracked, "git lists the data files"
    missing = []
    for path in tracked:
        folder = next(f for f in SHIPPED if path.startswith(f + "/"))
        if path.endswith((".md", ".py")) or Path(path).name.startswith("."):
            continue  # READMEs and ignore files stay in the repository
        if SHIPPED[folder] + path[len(folder):] not in names:
            missing.append(path)
    assert missing == []


def test_every_package_of_the_code_is_listed_for_installation() -> None:
    """Regression: kg.sparql was importable from the source tree but missing from an installed peelkg."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts) for top in ("kg", "web")
             for init in (ROOT / top).rglob("__init__.py")}
    assert sorted(found - listed) == []
