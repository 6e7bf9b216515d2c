"""Incremental builds: mapped reports reused from DIR/cache give the very release a clean build gives."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from kg.cli import run_build
from kg.model import ReportMeta
from kg.release.units import CACHE_DIR, UNITS_DIR, unit_key
from kg.resources import corpus_dir, reference_dir
from tests.conftest import run_peelkg
from tests.kg.release.release_files import release_files

REPORT = "norfolk-2016-effectiveness.txt"
OTHER = "suffolk-2016-effectiveness.txt"
SENTENCE = "Norfolk Constabulary is outstanding at preventing crime"


def _corpus(folder: Path) -> Path:
    """The bundled report and a second one made from it for Suffolk, with their reports.csv."""
    folder.mkdir(parents=True)
    text = (corpus_dir() / REPORT).read_text(encoding="utf-8")
    (folder / REPORT).write_text(text, encoding="utf-8")
    (folder / OTHER).write_text(text.replace("Norfolk", "Suffolk"), encoding="utf-8")
    rows = (corpus_dir() / "reports.csv").read_text(encoding="utf-8").rstrip("\n")
    rows += f"\n{OTHER},Suffolk,2016,Effectiveness,https://example.org/{OTHER},2017-03-02\n"
    (folder / "reports.csv").write_text(rows, encoding="utf-8")
    return folder


def _release_files(out: Path) -> dict[str, Any]:
    """Every file a release publishes, minus what names the build itself (its id and time)."""
    return release_files(out)


def _units(out: Path) -> dict[str, int]:
    """Cached unit files by name, with their modification times."""
    return {p.name: p.stat().st_mtime_ns for p in sorted((out / CACHE_DIR / UNITS_DIR).iterdir())}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("incremental") / "inputs")


@pytest.fixture(scope="module")
def clean_first(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A clean build into an empty data directory: a first release, with no predecessor."""
    out = tmp_path_factory.mktemp("clean-first")
    run_build([inputs], out, quiet=True, cache=False)
    assert not (out / CACHE_DIR).exists()
    return _release_files(out)


@pytest.fixture(scope="module")
def clean(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A second clean build over a first of the same inputs: what a rebuild from the cache must equal.

    A release's version history (``changes.json``, the versions in ``void.ttl``) names what was published
    before it, so a rebuild is compared with a clean build that followed the same predecessor."""
    out = tmp_path_factory.mktemp("clean")
    run_build([inputs], out, quiet=True, cache=False)
    run_build([inputs], out, quiet=True, cache=False)
    assert not (out / CACHE_DIR).exists()
    return _release_files(out)


def test_a_rebuild_from_the_cache_is_identical_to_a_clean_build(
    inputs: Path, clean: dict[str, Any], tmp_path: Path
) -> None:
    run_build([inputs], tmp_path, quiet=True)
    first = _units(tmp_path)
    assert len(first) == 4  # two reports: a facts file and a quads file each
    run_build([inputs], tmp_path, quiet=True)
    assert _units(tmp_path) == first  # every report read back, none written again
    assert _release_files(tmp_path) == clean


def test_one_changed_report_is_the_only_one_mapped_again(inputs: Path, tmp_path: Path) -> None:
    changing = tmp_path / "inputs"
    shutil.copytree(inputs, changing)
    out = tmp_path / "data"
    run_build([changing], out, quiet=True)
    before = _units(out)
    text = (changing / OTHER).read_text(encoding="utf-8")
    assert SENTENCE.replace("Norfolk", "Suffolk") in text
    (changing / OTHER).write_text(text.replace("outstanding at preventing", "good at preventing", 1), "utf-8")

    run_build([changing], out, quiet=True)
    after = _units(out)
    kept = set(before) & set(after)
    assert len(kept) == 2 and all(before[name] == after[name] for name in kept)  # Norfolk's, untouched
    assert len(set(after) - set(before)) == 2  # Suffolk's new unit; its old one is pruned
    assert len(after) == 4

    fresh = tmp_path / "fresh"  # clean builds of the same two versions of the inputs
    run_build([inputs], fresh, quiet=True, cache=False)
    run_build([changing], fresh, quiet=True, cache=False)
    assert _release_files(out) == _release_files(fresh)
    assert _release_files(out)["dump.ttl"] != b""


def test_an_unreadable_cache_entry_is_mapped_again(inputs: Path, clean: dict[str, Any], tmp_path: Path) -> None:
    run_build([inputs], tmp_path, quiet=True)
    for path in (tmp_path / CACHE_DIR / UNITS_DIR).glob("*.json"):
        path.write_text("{not json", encoding="utf-8")
    run_build([inputs], tmp_path, quiet=True)
    assert _release_files(tmp_path) == clean


def test_the_cache_key_follows_every_input_of_a_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / REPORT
    shutil.copy(corpus_dir() / REPORT, report)
    forces = tmp_path / "forces.csv"
    shutil.copy(reference_dir() / "forces.csv", forces)
    meta = ReportMeta(REPORT, "Norfolk", 2016, "Effectiveness", "https://example.org/a", "2017-03-02")
    key = unit_key(report, meta, [forces])
    assert unit_key(report, meta, [forces]) == key
    moved = ReportMeta(REPORT, "Norfolk", 2016, "Effectiveness", "https://example.org/b", "2017-03-02")
    assert unit_key(report, moved, [forces]) != key
    forces.write_text(forces.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert unit_key(report, meta, [forces]) != key
    shutil.copy(reference_dir() / "forces.csv", forces)
    monkeypatch.setattr("kg.release.units.code_fingerprint", lambda: "other code")
    assert unit_key(report, meta, [forces]) != key


def test_release_bytes_do_not_depend_on_the_hash_seed(inputs: Path, clean_first: dict[str, Any],
                                                       tmp_path: Path) -> None:
    for seed in ("1", "4242"):
        out = tmp_path / seed
        args = ("build", str(inputs), "--out", str(out), "--quiet", "--no-cache")
        result = run_peelkg(*args, env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        assert _release_files(out) == clean_first


def test_later_cycle_reports_read_back_from_the_cache_keep_their_cycle(tmp_path: Path) -> None:
    """Regression: a cached unit lost its report's cycle (and a 2018/19 question its pillar), so the rebuild took a
    2021/22, 2023–2025 or 2018/19 report read back from the cache for a 2014–2017 one, which has a pillar."""
    cycles = Path(__file__).parents[1] / "fixtures" / "cycles"
    run_build([cycles], tmp_path, quiet=True)
    first = _units(tmp_path)
    published = _release_files(tmp_path)
    run_build([cycles], tmp_path, quiet=True)
    assert _units(tmp_path) == first  # every report read back from the cache
    again = _release_files(tmp_path)
    assert again["judgements.csv"] == published["judgements.csv"]
    stated = b"2018,Legitimacy,How well does the force ensure that its workforce behaves ethically and lawfully?"
    assert stated + b",Requires improvement" in again["judgements.csv"]  # the 2018/19 report's
