"""PEEL 2021/22 and 2023–2025 reports: parsed, mapped with five-level grades, validated by the shapes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.errors import ParseError
from kg.link.cycle_mapping import cycle_report_triples
from kg.link.mapping import force_triples, publisher_triples
from kg.link.partners import PartnerFinder, read_organisations
from kg.link.reference import read_forces
from kg.link.themes import ThemeTagger
from kg.model import ForceRecord
from kg.namespaces import ID, PEEL, SKOS
from kg.parse.cycle_report import areas_of, parse_cycle_report
from kg.parse.parser import parse_file, parse_report
from kg.release.validate import validate_graph
from kg.resources import reference_dir
from kg.vocab import Vocabulary

FIXTURES = Path(__file__).parents[1] / "fixtures" / "cycles"
NORFOLK = ForceRecord("Norfolk Constabulary", "Norfolk", "norfolk", "E23000024", "East", None,
                      ("https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2016/norfolk/",), 1)
SOURCE = "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2023-25/norfolk/"


def test_each_later_cycle_has_ten_areas_with_the_victim_service_ungraded() -> None:
    for cycle in ("2021-22", "2023-25"):
        areas = areas_of(cycle)
        assert [a.number for a in areas] == list(range(1, 11))
        assert [a.label for a in areas if not a.graded] == ["Providing a service to victims of crime"]


def test_peelkg_parse_reads_a_2023_25_report() -> None:
    report = parse_file(FIXTURES / "norfolk-2023-25.txt")
    data = report.to_json()
    assert (data["force"], data["cycle"], data["pillar"], data["last_updated"]) == (
        "Norfolk", "2023-25", None, "2024-05-14")
    grades = {q["heading"]: q["grade"] for q in data["questions"]}
    assert len(grades) == 10
    assert grades["Investigating crime"] == "Adequate"  # the five-level word
    assert grades["Providing a service to victims of crime"] is None
    victims = next(q for q in data["questions"] if q["heading"].startswith("Providing"))
    assert victims["not_graded"] is True
    responding = next(q for q in report.questions if q.heading == "Responding to the public")
    assert len(responding.causes_of_concern) == 1 and len(responding.recommendations) == 2
    assert responding.concern_actions == [(1, 1), (1, 2)]
    investigating = next(q for q in report.questions if q.heading == "Investigating crime")
    assert len(investigating.areas_for_improvement) == 2 and len(investigating.practices) == 1
    for q in report.questions:
        for p in q.paragraphs + q.areas_for_improvement + q.practices:
            assert report.text[p.start:p.end] == p.text
    assert [w.line for w in report.warnings] == [1]  # the site line before the title


def test_a_grade_for_an_ungraded_area_is_not_invented() -> None:
    report = parse_cycle_report("Anyshire PEEL 2021/22\nOur judgements\n"
                                "Providing a service to victims of crime: Good\nInvestigating crime: Good\n")
    victims = next(q for q in report.questions if q.heading.startswith("Providing"))
    assert victims.grade is None and victims.not_graded
    assert any("not graded in this cycle" in w.message for w in report.warnings)


def test_a_page_without_a_cycle_title_names_its_line() -> None:
    with pytest.raises(ParseError, match="no title line"):
        parse_cycle_report("Investigating crime: Good\n", path="x.txt")


def test_a_later_page_without_its_title_takes_force_and_cycle_from_its_address() -> None:
    """Stored copies of the inspectorate's 2021+ pages start at "Overall summary": the title line is lost. They
    gave no output; the address names the force and cycle, as it names a 2014–2017 page's pillar."""
    text = ("Overall summary\nOur judgments\nWe graded the force in eight areas.\nInvestigating crime\nAdequate\n"
            "Detectives review every case each week.\n")
    address = "https://hmicfrs.justiceinspectorates.gov.uk/peel-reports/avon-and-somerset-2023-25/"
    report = parse_report(text, path="page.txt", source_url=address)
    assert (report.force, report.cycle, report.year, report.pillar) == ("Avon and Somerset", "2023-25", 2023, None)
    assert [(q.heading, q.grade) for q in report.questions] == [("Investigating crime", "Adequate")]
    assert report.warnings[0].line == 1 and address in report.warnings[0].message
    with pytest.raises(ParseError, match="no title line"):
        parse_report(text, path="page.txt", source_url="https://example.org/somewhere/")


def built(name: str) -> Graph:
    vocab = Vocabulary.load()
    graph = Graph()
    graph += vocab.graph
    publisher_triples(graph)
    force_triples(graph, NORFOLK)
    report = parse_file(FIXTURES / name)
    cycle_report_triples(graph, report, NORFOLK, SOURCE, "2024-06-01")
    return graph


def test_later_statements_are_tagged_and_link_the_organisations_they_name() -> None:
    """Were neither: themes and partners were applied to 2014–2017 statements only (decision 0010, "Not yet")."""
    vocab = Vocabulary.load()
    forces = read_forces(reference_dir() / "forces.csv")
    graph = Graph()
    named = cycle_report_triples(graph, parse_file(FIXTURES / "norfolk-2023-25.txt"), NORFOLK, SOURCE, "2024-06-01",
                                 tagger=ThemeTagger(vocab.theme_labels, cues=vocab.theme_cues),
                                 partners=PartnerFinder(forces, read_organisations(reference_dir()
                                                                                   / "organisations.csv")))
    themes = {str(t).rsplit("/", 1)[1] for t in graph.objects(None, PEEL.theme)}
    assert {"call-handling", "partnership-working"} <= themes
    assert named == {"schools"} and (None, PEEL.mentions, ID["organisation/schools"]) in graph
    untagged = Graph()
    assert cycle_report_triples(untagged, parse_file(FIXTURES / "norfolk-2023-25.txt"), NORFOLK, SOURCE,
                                "2024-06-01") == set()
    assert not list(untagged.objects(None, PEEL.theme))


@pytest.mark.parametrize("name", ["norfolk-2023-25.txt", "norfolk-2021-22.txt"])
def test_a_later_report_builds_and_validates(name: str) -> None:
    outcome = validate_graph(built(name))
    assert outcome.conforms, outcome.report_text
    assert outcome.violations == 0


def test_later_judgements_are_five_level_and_causes_lead_to_recommendations() -> None:
    graph = built("norfolk-2023-25.txt")
    judgement = ID["judgement/2023-25/norfolk/investigating-crime"]
    grade = graph.value(judgement, PEEL.grade)
    assert grade == ID["grade/peel-2021-adequate"]
    assert graph.value(grade, SKOS.inScheme) == ID["scheme/grades-2021"]
    victims = ID["judgement/2023-25/norfolk/providing-a-service-to-victims-of-crime"]
    assert graph.value(victims, PEEL.grade) is None and graph.value(victims, PEEL.notGradedReason) is not None
    concern = ID["concern/2023-25/norfolk/1"]
    assert set(graph.objects(concern, PEEL.leadsTo)) == {ID["recommendation/2023-25/norfolk/1"],
                                                        ID["recommendation/2023-25/norfolk/2"]}
    practices = set(graph.subjects(PEEL.sourceReport, ID["report/2023-25/norfolk"]))
    assert {ID["practice/2023-25/norfolk/1"], ID["practice/2023-25/norfolk/2"]} <= practices


def test_a_four_level_grade_in_a_later_cycle_is_a_violation() -> None:
    """The mapping never does it; the shapes catch data that would (a cross-scale grade)."""
    graph = built("norfolk-2023-25.txt")
    judgement = ID["judgement/2023-25/norfolk/investigating-crime"]
    graph.set((judgement, PEEL.grade, URIRef(ID["grade/good"])))
    outcome = validate_graph(graph)
    assert not outcome.conforms
    assert "cycle's grading scale" in outcome.report_text


def test_build_adds_a_2023_25_report_beside_the_older_grades(peelkg: object, tmp_path: Path) -> None:
    """The bundled 2016/2017 four-level grades and the fixture's five-level ones, in one validated release."""
    run = peelkg  # the console script (tests/conftest.py)
    out = tmp_path / "release"
    built_run = run("build", str(FIXTURES), "--add", "--quiet", "--out", str(out))  # type: ignore[operator]
    assert built_run.returncode == 0, built_run.stderr
    query = ("PREFIX peel: <https://w3id.org/peelkg/def/peel#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
             "SELECT DISTINCT ?scheme ?label WHERE { ?j a peel:Judgement ; "
             "peel:force <https://w3id.org/peelkg/id/force/norfolk> ; peel:grade ?g . "
             "?g skos:inScheme ?scheme ; skos:prefLabel ?label }")
    rows = run("query", query, "--data", str(out), "--format", "csv")  # type: ignore[operator]
    found = {(row["scheme"].rsplit("/", 1)[-1], row["label"]) for row in csv.DictReader(io.StringIO(rows.stdout))}
    assert ("grades-2021", "Adequate") in found and ("grades-2021", "Outstanding") in found
    assert any(scheme == "grades-2014" for scheme, _ in found)
    changes = run("query", "grade-changes", "--data", str(out), "--param", "force=norfolk",  # type: ignore[operator]
                  "--format", "csv")
    assert changes.returncode == 0, changes.stderr
    assert "Adequate" not in changes.stdout and ",2023," not in changes.stdout and ",2021," not in changes.stdout
