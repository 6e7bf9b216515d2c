"""A 2018/19 report text (the integrated assessment, or one pillar's page of it) is one inspection per force."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.errors import InputError
from kg.namespaces import DCTERMS, ID, PEEL, PROV, RDF
from kg.parse.parser import parse_file, parse_report
from kg.release.build import build_dataset, collect_inputs
from kg.release.validate import validate_graph

CYCLES = Path(__file__).parents[1] / "fixtures" / "cycles"
REPORTS = Path(__file__).parents[1] / "fixtures" / "reports"
INTEGRATED = "norfolk-2018-19.txt"
INSPECTORATE = "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2018/norfolk/"
HEADER = "file,force,year,pillar,source_url,published,cycle\n"


def _folder(tmp: Path, name: str, text: str, row: str) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / name).write_text(text, encoding="utf-8")
    (tmp / "reports.csv").write_text(HEADER + row + "\n", encoding="utf-8")
    return tmp


@pytest.fixture(scope="module")
def integrated(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """The fixture built alone (with the bundled reference tables), as the union a release validates."""
    folder = tmp_path_factory.mktemp("integrated")
    shutil.copy(CYCLES / INTEGRATED, folder / INTEGRATED)
    rows = [r for r in (CYCLES / "reports.csv").read_text(encoding="utf-8").splitlines() if r.startswith(INTEGRATED)]
    (folder / "reports.csv").write_text(HEADER + rows[0] + "\n", encoding="utf-8")
    return build_dataset(collect_inputs([folder])).union()


def test_an_integrated_text_is_one_report_with_a_section_per_pillar() -> None:
    report = parse_file(CYCLES / INTEGRATED)
    assert (report.force, report.year, report.cycle, report.pillar) == ("Norfolk", 2018, "2018-19", None)
    assert report.overall_grade is None  # each pillar has its own headline grade; the report has none
    headlines = [(q.pillar, q.grade) for q in report.questions if q.level == "headline"]
    assert headlines == [("Effectiveness", "Good"), ("Efficiency", "Outstanding"), ("Legitimacy", "Good")]
    assert [sum(q.pillar == p for q in report.questions) for p in ("Effectiveness", "Efficiency", "Legitimacy")] \
        == [6, 3, 4]
    specialist = report.questions[5]
    assert specialist.heading.startswith("How effective are the force") and specialist.grade is None
    json = report.to_json()
    assert json["cycle"] == "2018-19" and json["questions"][6]["pillar"] == "Efficiency"


def test_a_pillar_page_of_2018_stays_one_pillar_but_names_the_cycle() -> None:
    report = parse_file(REPORTS / "integrated_2018.txt")
    assert (report.year, report.pillar, report.cycle) == (2018, "Effectiveness", "2018-19")
    assert all(q.pillar is None for q in report.questions)


def test_a_question_before_any_pillar_is_kept_with_a_warning() -> None:
    report = parse_report("Anyshire PEEL 2018/19\nHow well does the force plan for the future?\nGood\nIt plans.\n")
    assert [(q.pillar, q.grade) for q in report.questions] == [(None, "Good")]
    assert any("no pillar line" in w.message and w.line == 2 for w in report.warnings)


def test_the_integrated_report_is_one_inspection_with_every_pillar(integrated: Graph) -> None:
    inspection = ID["inspection/2018-19/norfolk"]
    assert (inspection, RDF.type, PEEL.Inspection) in integrated
    per_pillar = [s for s in integrated.subjects(RDF.type, PEEL.Inspection) if "/inspection/2018/" in str(s)]
    assert per_pillar == []
    assert integrated.value(inspection, PEEL.report) == ID["report/2018-19/norfolk"]
    statements = set(integrated.subjects(PEEL.sourceReport, ID["report/2018-19/norfolk"]))
    assert {integrated.value(s, PEEL.inspection) for s in statements} == {inspection}
    assert {str(s).split("/2018-19/norfolk/", 1)[1] for s in statements} >= {
        "effectiveness/2/1", "efficiency/1/1", "legitimacy/3/1"}
    assert ID["improvement/2018-19/norfolk/effectiveness/2/2"] in statements
    assert ID["concern/2018-19/norfolk/legitimacy/2/1"] in statements
    assert ID["recommendation/2018-19/norfolk/legitimacy/2/1"] in statements
    assert integrated.value(ID["concern/2018-19/norfolk/legitimacy/2/1"], PEEL.leadsTo) == \
        ID["recommendation/2018-19/norfolk/legitimacy/2/1"]  # the cause and the action that follows it
    question = integrated.value(ID["finding/2018-19/norfolk/efficiency/1/1"], PEEL.question)
    assert question == ID["question/2018-19/efficiency/1"]  # the cycle's question set, not 2017's


def test_its_stated_grades_are_the_cycles_judgements_and_agreeing_rows_add_their_source(integrated: Graph) -> None:
    efficiency = ID["judgement/2018-19/norfolk/efficiency"]
    assert integrated.value(efficiency, PEEL.grade) == ID["grade/outstanding"]
    assert integrated.value(efficiency, PEEL.inspection) == ID["inspection/2018-19/norfolk"]
    assert integrated.value(efficiency, PROV.wasDerivedFrom) == ID["report/2018-19/norfolk"]
    assert set(integrated.objects(efficiency, DCTERMS.source)) == {
        URIRef("https://example.org/peel-2018-19/norfolk/"), URIRef(INSPECTORATE)}
    assert integrated.value(ID["judgement/2018-19/norfolk/effectiveness/2"], PEEL.grade) == \
        ID["grade/requires-improvement"]
    assert integrated.value(ID["judgement/2018-19/norfolk/effectiveness/5"], PEEL.grade) is None  # ungraded
    assert list(integrated.subjects(PEEL.conflictsWith, efficiency)) == []


def test_the_integrated_report_validates(integrated: Graph) -> None:
    outcome = validate_graph(integrated)
    assert outcome.conforms, outcome.report_text
    assert outcome.violations == 0


def test_a_2018_pillar_page_joins_the_cycles_inspection(tmp_path: Path) -> None:
    """Was a per-pillar inspection ``/id/inspection/2018/{force}/{pillar}`` beside the cycle's."""
    text = (REPORTS / "integrated_2018.txt").read_text(encoding="utf-8").replace("Anyshire", "Norfolk")
    folder = _folder(tmp_path, "norfolk-2018-effectiveness.txt", text,
                     f"norfolk-2018-effectiveness.txt,Norfolk,2018,Effectiveness,{INSPECTORATE}effectiveness/,,")
    graph = build_dataset(collect_inputs([folder])).union()
    inspections = {str(s).rsplit("/id/", 1)[1] for s in graph.subjects(RDF.type, PEEL.Inspection)
                   if "/2018" in str(s) and "norfolk" in str(s)}
    assert inspections == {"inspection/2018-19/norfolk"}
    page = ID["report/2018-19/norfolk/effectiveness"]
    assert graph.value(page, PEEL.inspection) == ID["inspection/2018-19/norfolk"]
    assert graph.value(ID["improvement/2018-19/norfolk/effectiveness/2/1"], PEEL.sourceReport) == page
    assert graph.value(ID["judgement/2018-19/norfolk/effectiveness/2"], PEEL.grade) == ID["grade/requires-improvement"]
    outcome = validate_graph(graph)
    assert outcome.conforms, outcome.report_text


def test_reports_csv_naming_another_pillar_is_refused_with_the_file(tmp_path: Path) -> None:
    text = (REPORTS / "integrated_2018.txt").read_text(encoding="utf-8").replace("Anyshire", "Norfolk")
    folder = _folder(tmp_path, "n.txt", text, f"n.txt,Norfolk,2018,Efficiency,{INSPECTORATE},,")
    with pytest.raises(InputError, match=r"n\.txt: the text is Norfolk 2018-19 Effectiveness, but reports\.csv says "
                                         r"Norfolk 2018 Efficiency$"):
        build_dataset(collect_inputs([folder]))
