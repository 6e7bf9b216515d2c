"""The changelog between two releases (kg.release.history.compare): statements per graph, entities, grades."""

from __future__ import annotations

import gzip
from pathlib import Path

from kg.release.history import Changelog, EntityChange, GradeChange, GraphChange, changes_csv, compare

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
