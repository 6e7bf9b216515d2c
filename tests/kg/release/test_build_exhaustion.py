"""A build that runs out of memory or of disk space, or is given a forces table with two codes swapped, ends in
one clear line, exits non-zero, and leaves the published release as it was."""

from __future__ import annotations

import errno
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.release.layout import CURRENT, RELEASES
from tests.conftest import PEELKG, run_peelkg

HOSTILE = Path(__file__).parents[1] / "fixtures" / "hostile"


def fingerprint(data_dir: Path) -> tuple[str, str, list[str]]:
    """What a failed build must not change: where ``current`` points, its manifest, the release folders."""
    manifest = (data_dir / CURRENT / "manifest.json").read_bytes()
    return (str((data_dir / CURRENT).readlink()), hashlib.sha256(manifest).hexdigest(),
            sorted(p.name for p in (data_dir / RELEASES).iterdir()))


@pytest.fixture()
def published(data_dir: Path, tmp_path: Path) -> Path:
    """A copy of the session's data directory (a published release), for a build to fail in."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy, symlinks=True, ignore=shutil.ignore_patterns(".lease", ".build.lock"))
    for release in (copy / RELEASES).iterdir():
        (release / ".lease").touch()
    return copy


def build_failing_with(exc: BaseException, where: str, published: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """``peelkg build --out published`` with ``where`` (a function, by its dotted name) raising ``exc``."""
    def fail(*_args: object, **_kwargs: object) -> None:
        raise exc

    monkeypatch.setattr(where, fail)
    before = fingerprint(published)
    result = CliRunner().invoke(main, ["build", "--out", str(published), "--quiet"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert fingerprint(published) == before
    assert not list((published / RELEASES).glob(".building-*"))
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    return lines[0]


def test_memory_exhausted_mid_build_is_one_line_and_publishes_nothing(
        published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    line = build_failing_with(MemoryError(), "kg.release.publish.load_store", published, monkeypatch)
    assert line.startswith("error: the build ran out of memory: the build stopped and nothing was published")


def test_a_full_disk_mid_build_is_one_line_and_publishes_nothing(
        published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full = OSError(errno.ENOSPC, "No space left on device")
    line = build_failing_with(full, "kg.release.dumps.write_rdf_dumps", published, monkeypatch)
    assert line.startswith(f"error: no space left on the device holding {published}: the build stopped")


def test_a_really_full_disk_is_one_line_and_publishes_nothing(published: Path, tmp_path: Path) -> None:
    """A real ``ENOSPC``: the data directory on a tmpfs with 2 MiB more than the published release holds, mounted
    in a user and mount namespace of its own (no privilege needed where the kernel allows them)."""
    if not shutil.which("unshare") or subprocess.run(["unshare", "-Urm", "true"], capture_output=True).returncode:
        pytest.skip("user and mount namespaces are not available here")
    used = sum(f.stat().st_size for f in published.rglob("*") if f.is_file())
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    script = (f'mount -t tmpfs -o size={used + 2 * 1024 * 1024} tmpfs "$1" && cp -a "$2"/. "$1"/ && '
              f'before=$(readlink "$1/{CURRENT}") && "$3" build --out "$1" --quiet; code=$?; '
              f'echo "exit=$code"; [ "$(readlink "$1/{CURRENT}")" = "$before" ] && echo same-current; '
              f'ls -a "$1/{RELEASES}"; cat "$1/{CURRENT}/manifest.json" > /dev/null && echo manifest-readable')
    result = subprocess.run(["unshare", "-Urm", "sh", "-c", script, "sh", str(tiny), str(published), PEELKG],
                            capture_output=True, text=True, timeout=600)
    lines = result.stderr.strip().splitlines()
    assert "exit=1" in result.stdout and "same-current" in result.stdout and "manifest-readable" in result.stdout
    assert ".building-" not in result.stdout  # the partial release was removed
    assert len(lines) == 1 and lines[0].startswith(f"error: no space left on the device holding {tiny}"), lines


def test_swapped_ons_codes_are_refused_with_file_and_line_and_publish_nothing(published: Path, tmp_path: Path) -> None:
    table = tmp_path / "forces.csv"  # a forces table replaces the bundled one under this name
    shutil.copy(HOSTILE / "forces-swapped-codes.csv", table)
    before = fingerprint(published)
    result = run_peelkg("build", str(table), "--out", str(published), "--quiet")
    assert result.returncode == 1
    assert result.stderr.strip() == (f"error: {table}:2: ons_pfa_code 'E23000025' is the police force area of "
                                     "Suffolk (ONS), not of Norfolk Constabulary")
    assert fingerprint(published) == before
