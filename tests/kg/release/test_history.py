"""The changelog between two releases (kg.release.history.compare): statements per graph, entities, grades."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest

from kg.errors import DamagedRelease
from kg.release.history import (
    Changelog,
    EntityChange,
    GradeChange,
    GraphChange,
    changes_csv,
    compare,
    read_history,
    version_folder,
    versions,
    write_history,
)

P = "https://w3id.org/peelkg/def/peel#"
E = "https://w3id.org/peelkg/id/"
G = "https://w3id.org/peelkg/graph/"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

COMMON = [
    f'<{E}judgement/2016/x/e/1> <{TYPE}> <{P}Judgement> <{G}report/x> .',
    f'<{E}judgement/2016/x/e/1> <{LABEL}> "X 2016 effectiveness: q1" <{G}report/x> .',
    f'<{E}finding/2016/x/e/1/1> <{TYPE}> <{P}Finding> <{G}report/x> .',
    f'<{E}force/x> <{TYPE}> <{P}Force> <{G}reference> .',
]
OLD = [*COMMON,
       f'<{E}judgement/2016/x/e/1> <{P}grade> <{E}grade/good> <{G}report/x> .',
       f'<{E}finding/2016/x/e/1/1> <{P}text> "The force is good." <{G}report/x> .',
       f'<{E}finding/2016/x/e/1/2> <{TYPE}> <{P}Finding> <{G}report/x> .',
       f'<{E}force/x> <{P}spanOf> _:a1 <{G}reference> .']
NEW = [*COMMON,
       f'<{E}judgement/2016/x/e/1> <{P}grade> <{E}grade/outstanding> <{G}report/x> .',
       f'<{E}finding/2016/x/e/1/1> <{P}text> "The force is very good." <{G}report/x> .',
       f'<{E}improvement/2016/x/e/1/1> <{TYPE}> <{P}AreaForImprovement> <{G}report/x> .',
       f'<{E}force/x> <{P}spanOf> _:zz9 <{G}reference> .']


def dump(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(sorted(lines)) + "\n")
    return path


def changelog(tmp_path: Path) -> Changelog:
    return compare(dump(tmp_path, "old.nq.gz", OLD), dump(tmp_path, "new.nq.gz", NEW), release="2", previous="1")


def test_entities_added_removed_and_changed(tmp_path: Path) -> None:
    assert changelog(tmp_path).entities == [
        EntityChange(f"{E}finding/2016/x/e/1/1", "changed", (f"{P}Finding",), ""),
        EntityChange(f"{E}finding/2016/x/e/1/2", "removed", (f"{P}Finding",), ""),
        EntityChange(f"{E}improvement/2016/x/e/1/1", "added", (f"{P}AreaForImprovement",), ""),
        EntityChange(f"{E}judgement/2016/x/e/1", "changed", (f"{P}Judgement",), "X 2016 effectiveness: q1"),
    ]


def test_a_changed_grade_is_named_with_both_grades(tmp_path: Path) -> None:
    assert changelog(tmp_path).grades == [GradeChange(f"{E}judgement/2016/x/e/1", "X 2016 effectiveness: q1",
                                                      f"{E}grade/good", f"{E}grade/outstanding")]


def test_statements_are_counted_per_graph_and_blank_node_labels_do_not_count(tmp_path: Path) -> None:
    assert changelog(tmp_path).graphs == [GraphChange(f"{G}reference", 2, 2, 0, 0),
                                          GraphChange(f"{G}report/x", 6, 6, 3, 3)]


def test_notes_and_csv_say_the_same(tmp_path: Path) -> None:
    log = changelog(tmp_path)
    assert log.notes() == ("Changes since release 1: no input changed; statements added: 3, removed: 3; named graphs "
                           "changed: 1; entities added: 1, changed: 2, removed: 1; grades changed: 1.")
    rows = changes_csv(log).decode().splitlines()
    assert rows[0] == "section,change,item,label,class,before,after,added,removed"
    assert f"graph,changed,{G}report/x,,,6,6,3,3" in rows
    assert f"grade,changed,{E}judgement/2016/x/e/1,X 2016 effectiveness: q1,{P}Judgement,{E}grade/good," \
           f"{E}grade/outstanding,," in rows
    assert len(rows) == 1 + 1 + 4 + 1  # header, one graph, four entities, one grade


def test_identical_dumps_have_no_changes(tmp_path: Path) -> None:
    log = compare(dump(tmp_path, "a.nq.gz", OLD), dump(tmp_path, "b.nq.gz", OLD), release="2", previous="1")
    assert (log.entities, log.grades, [g for g in log.graphs if g.added or g.removed]) == ([], [], [])


# --- versions across a data directory ---------------------------------------------------------

def release_folder(data: Path, release: str, lines: list[str], *, current: bool = False) -> Path:
    folder = data / "releases" / release
    folder.mkdir(parents=True)
    dump(folder, "dump.nq.gz", lines)
    (folder / "manifest.json").write_text(json.dumps({"release": release, "inputs": []}), encoding="utf-8")
    if current:
        (data / "current").unlink(missing_ok=True)
        (data / "current").symlink_to(Path("releases") / release)
    return folder


def build_next(data: Path, release: str, lines: list[str]) -> tuple[Path, SimpleNamespace]:
    """Write the history of a release being built in ``data`` (as a build does before publishing it)."""
    building = data / "releases" / f".building-{release}"
    building.mkdir(parents=True)
    dump(building, "dump.nq.gz", lines)
    built = SimpleNamespace(inputs=SimpleNamespace(files=list), notices=[])
    write_history(built, ox.Store(), building)  # type: ignore[arg-type]
    final = data / "releases" / release
    building.rename(final)
    (final / "manifest.json").write_text(json.dumps({"release": release, "inputs": []}), encoding="utf-8")
    (data / "current").unlink()
    (data / "current").symlink_to(Path("releases") / release)
    return final, built


R = ["20260101T000000000000Z", "20260102T000000000000Z", "20260103T000000000000Z"]


def test_each_version_names_the_one_before_and_the_list_outlives_pruning(tmp_path: Path) -> None:
    release_folder(tmp_path, R[0], OLD, current=True)
    build_next(tmp_path, R[1], NEW)
    build_next(tmp_path, R[2], NEW)
    shutil.rmtree(tmp_path / "releases" / R[0])  # pruned
    served = tmp_path / "releases" / R[2]
    found = versions(served)
    assert [(v.release, v.previous, v.kept) for v in found] == [(R[2], R[1], True), (R[1], R[0], True),
                                                                  (R[0], None, False)]
    assert read_history(served)["changelog"]["previous"] == R[1]
    assert found[2].issued == "2026-01-01T00:00:00+00:00"  # a release from before versions: from its id
    assert version_folder(served, R[0]) is None and version_folder(served, "../x") is None


def test_an_unreadable_previous_release_stops_no_build(tmp_path: Path) -> None:
    first = release_folder(tmp_path, R[0], OLD, current=True)
    (first / "dump.nq.gz").write_bytes(b"not gzip")
    final, built = build_next(tmp_path, R[1], NEW)
    history = read_history(final)
    assert history["changelog"] is None and [v["release"] for v in history["versions"]] == [R[1]]
    assert "could not be read" in history["versions"][0]["notes"]
    assert [str(n) for n in built.notices] == [f"{R[0]}/dump.nq.gz: no changelog: the previous release is "
                                               "unreadable (BadGzipFile)"]


def test_a_damaged_history_file_is_a_damaged_release(tmp_path: Path) -> None:
    folder = release_folder(tmp_path, R[0], OLD)
    (folder / "changes.json").write_text("{", encoding="utf-8")
    with pytest.raises(DamagedRelease, match=r"changes\.json of release"):
        read_history(folder)
