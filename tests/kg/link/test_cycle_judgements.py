"""The later cycles' reference grades become judgements: 2018/19 by pillar and question, 2021 on by area."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.link.cycle_judgements import (
    cycle_judgement_triples,
    cycle_judgements,
    inspection_iri,
    judgement_iri,
    reported_judgements,
)
from kg.link.judgements import ForceIndex
from kg.link.reference import read_forces
from kg.link.reference_coverage import GradeRow, read_later_rows
from kg.model import Question, Report
from kg.namespaces import DCTERMS, ID, PEEL, RDF, grade_iri
from kg.resources import reference_dir
from kg.vocab import Vocabulary

INSPECTORATE = "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/"
AREA = "Investigating crime"


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load()


@pytest.fixture(scope="module")
def forces() -> ForceIndex:
    return ForceIndex(read_forces(reference_dir() / "forces.csv"))


def row(cycle: str, force: str, pillar: str, question: str, grade: str, source: str, line: int = 2) -> GradeRow:
    return GradeRow(cycle, force, pillar, question, grade, source, False, line)


def one(graph: Graph, subject: URIRef, predicate: URIRef) -> object:
    found = list(graph.objects(subject, predicate))
    assert len(found) == 1, (subject, predicate, found)
    return found[0]


def test_the_bundled_2018_19_rows_are_pillar_and_question_judgements_of_one_inspection(
        vocab: Vocabulary, forces: ForceIndex) -> None:
    rows = read_later_rows(reference_dir() / "peel_grades_later.csv")
    judgements, notices = cycle_judgements(rows, forces, vocab, {}, "peel_grades_later.csv")
    assert notices == []
    assert len(judgements) == len({(r.cycle, r.force, r.pillar, r.question) for r in rows}) >= 8  # every row maps
    graph = Graph()
    cycle_judgement_triples(graph, judgements)
    efficiency = judgement_iri("2018-19", "norfolk", "efficiency", 0)
    assert str(efficiency).endswith("/id/judgement/2018-19/norfolk/efficiency")
    assert one(graph, efficiency, PEEL.grade) == grade_iri("outstanding")
    assert one(graph, efficiency, PEEL.question) == ID["question/2018-19/efficiency/0"]
    assert one(graph, efficiency, PEEL.inspection) == inspection_iri("2018-19", "norfolk")
    assert one(graph, efficiency, DCTERMS.source) == URIRef(INSPECTORATE + "peel-2018/norfolk/")
    vulnerable = judgement_iri("2018-19", "norfolk", "effectiveness", 3)
    assert one(graph, vulnerable, PEEL.question) == ID["question/2018-19/effectiveness/3"]
    inspections = set(graph.subjects(RDF.type, PEEL.Inspection))
    assert {inspection_iri("2018-19", "norfolk"), inspection_iri("2018-19", "dyfed-powys")} <= inspections
    assert len(inspections) == len({(r.cycle, r.force) for r in rows})  # one per force and cycle
    assert one(graph, inspection_iri("2018-19", "norfolk"), PEEL.cycle) == ID["cycle/2018-19"]
    assert not list(graph.objects(inspection_iri("2018-19", "norfolk"), PEEL.pillar))  # one inspection, all pillars


def test_a_row_naming_no_question_of_the_cycle_is_skipped_with_its_line(vocab: Vocabulary,
                                                                        forces: ForceIndex) -> None:
    rows = [row("2018-19", "Norfolk", "Efficiency", "How well does the force understand demand?", "Good",
                INSPECTORATE, line=7),
            row("2018-19", "Atlantis", "Efficiency", "overall", "Good", INSPECTORATE, line=8),
            row("2021-22", "Norfolk", "Reading tea leaves", "overall", "Good", INSPECTORATE, line=9)]
    judgements, notices = cycle_judgements(rows, forces, vocab, {}, "later.csv")
    assert judgements == []
    assert [(n.line, n.message.split(";")[0]) for n in notices] == [
        (7, "no 2018-19 Efficiency question 'How well does the force understand demand?'"),
        (8, "unknown force 'Atlantis'"),
        (9, "'Reading tea leaves' is not an area of policing of 2021-22")]


def test_an_area_row_without_a_report_is_a_five_level_judgement(vocab: Vocabulary, forces: ForceIndex) -> None:
    judgements, _ = cycle_judgements([row("2021-22", "Suffolk", AREA, "overall", "Adequate", INSPECTORATE)],
                                     forces, vocab, {}, "later.csv")
    graph = Graph()
    cycle_judgement_triples(graph, judgements)
    iri = ID["judgement/2021-22/suffolk/investigating-crime"]
    assert one(graph, iri, PEEL.grade) == grade_iri("peel-2021-adequate")
    assert one(graph, iri, PEEL.question) == ID["area/2021-22/investigating-crime"]
    assert not list(graph.objects(iri, PEEL.pillar))


def report_stating(grade: str) -> Report:
    return Report("Norfolk", None, 2021, None, questions=[Question(AREA, "core", 3, grade=grade)], cycle="2021-22")


@pytest.mark.parametrize(("stated", "claimed"), [("Adequate", None), ("Good", "peel-2021-adequate")])
def test_a_row_on_a_reported_judgement_adds_its_source_or_its_own_claim(
        vocab: Vocabulary, forces: ForceIndex, stated: str, claimed: str | None) -> None:
    reported = reported_judgements([(report_stating(stated), [])], forces)
    iri = ID["judgement/2021-22/norfolk/investigating-crime"]
    assert reported == {iri: stated}
    source = INSPECTORATE + "peel-2021-22/norfolk/"
    judgements, notices = cycle_judgements([row("2021-22", "Norfolk", AREA, "overall", "Adequate", source)],
                                           forces, vocab, reported, "later.csv")
    graph = Graph()
    cycle_judgement_triples(graph, judgements)
    assert not list(graph.objects(iri, PEEL.grade))  # the report's grade stands, in the report's graph
    if claimed is None:
        assert notices == [] and one(graph, iri, DCTERMS.source) == URIRef(source)
    else:
        assert "disagrees with the report's 'Good'" in notices[0].message
        assert not list(graph.objects(iri, DCTERMS.source))  # the judgement never cites a source that disagrees
        claim = one(graph, iri, PEEL.conflictingClaim)
        assert one(graph, claim, PEEL.claimedGrade) == grade_iri(claimed)  # type: ignore[arg-type]
        assert one(graph, claim, DCTERMS.source) == URIRef(source)  # type: ignore[arg-type]


def test_an_area_the_text_gives_no_grade_takes_the_rows_grade_without_a_conflict(
        vocab: Vocabulary, forces: ForceIndex) -> None:
    """Regression: the report's silence counted as its own claim, so a row grading the area was 'disagreeing'."""
    silent = Report("Norfolk", None, 2021, None, questions=[Question(AREA, "core", 3)], cycle="2021-22")
    reported = reported_judgements([(silent, [])], forces)
    assert reported == {}
    source = INSPECTORATE + "peel-2021-22/norfolk/"
    judgements, notices = cycle_judgements([row("2021-22", "Norfolk", AREA, "overall", "Adequate", source)],
                                           forces, vocab, reported, "later.csv")
    graph = Graph()
    cycle_judgement_triples(graph, judgements)
    iri = ID["judgement/2021-22/norfolk/investigating-crime"]
    assert notices == [] and not list(graph.objects(iri, PEEL.conflictingClaim))
    assert one(graph, iri, PEEL.grade) == grade_iri("peel-2021-adequate")  # type: ignore[arg-type]
    assert one(graph, iri, DCTERMS.source) == URIRef(source)


def test_an_ungraded_area_never_gets_a_grade_from_a_row(vocab: Vocabulary, forces: ForceIndex) -> None:
    area = "Providing a service to victims of crime"
    _, notices = cycle_judgements([row("2021-22", "Norfolk", area, "overall", "Good", INSPECTORATE, line=4)],
                                  forces, vocab, {}, "later.csv")
    assert notices[0].line == 4 and "is not graded in 2021-22" in notices[0].message


def test_the_bundled_2023_25_rows_are_five_level_area_judgements_with_their_second_hand_sources(
        vocab: Vocabulary, forces: ForceIndex) -> None:
    rows = [r for r in read_later_rows(reference_dir() / "peel_grades_later.csv") if r.cycle == "2023-25"]
    assert rows and all(r.second_hand for r in rows)
    judgements, notices = cycle_judgements(rows, forces, vocab, {}, "peel_grades_later.csv")
    assert notices == []
    graph = Graph()
    cycle_judgement_triples(graph, judgements)
    investigating = ID["judgement/2023-25/avon-and-somerset/investigating-crime"]
    assert one(graph, investigating, PEEL.grade) == ID["grade/peel-2021-requires-improvement"]
    assert one(graph, investigating, PEEL.question) == ID["area/2023-25/investigating-crime"]
    assert one(graph, ID["judgement/2023-25/avon-and-somerset/building-supporting-and-protecting-the-workforce"],
               PEEL.grade) == ID["grade/peel-2021-adequate"]
    powers = ID["judgement/2023-25/avon-and-somerset/police-powers-and-public-treatment"]
    assert len(list(graph.objects(powers, DCTERMS.source))) == 2  # two pages state it, both kept
    assert one(graph, inspection_iri("2023-25", "avon-and-somerset"), PEEL.cycle) == ID["cycle/2023-25"]


def test_the_2018_19_questions_stay_out_of_the_yearly_question_sets(vocab: Vocabulary) -> None:
    """A 2018 report read per pillar keeps numbering its own questions; the cycle's set is looked up apart."""
    assert (2018, "effectiveness") not in vocab.questions
    assert [e.number for e in vocab.cycle_questions[(2018, "effectiveness")]] == [0, 1, 2, 3, 4, 5]
    found = vocab.find_question(2018, "Effectiveness", "How effective is the force at investigating crime and "
                                "catching criminals?", cycle=True)
    assert found is not None and found.number == 2  # the framework page's wording of the grades page's question


def test_later_rows_keep_their_line_numbers(tmp_path: Path) -> None:
    later = tmp_path / "peel_grades_later.csv"
    later.write_text("cycle,force_short_name,pillar,question,grade,scale,source_url,source_kind\n"
                     f"2018-19,Norfolk,Legitimacy,overall,Good,four-level,{INSPECTORATE},inspectorate\n",
                     encoding="utf-8")
    assert [r.line for r in read_later_rows(later)] == [2]
