"""The report parser: the corpus report, one fixture per variant of the page format, and broken inputs."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import pytest

from kg.errors import ParseError
from kg.link import reference_coverage, themes
from kg.model import GRADES, Report
from kg.parse import judgement_text, overview_page, parser
from kg.parse.judgement_text import bare_grade, find_judgements, not_inspected
from kg.parse.parser import parse_file, parse_report

FIXTURES = Path(__file__).parents[1] / "fixtures" / "reports"
CORPUS = Path(__file__).resolve().parents[3] / "data" / "corpus" / "norfolk-2016-effectiveness.txt"
GOOD, RI, OUT, INAD = GRADES[1], GRADES[2], GRADES[0], GRADES[3]

REPORT_KEYS = {"force", "force_name", "year", "pillar", "last_updated", "overall_grade", "questions", "warnings"}
QUESTION_KEYS = {"heading", "level", "grade", "paragraphs", "areas_for_improvement"}
OPTIONAL_QUESTION_KEYS = {"causes_of_concern", "recommendations", "not_inspected"}


@pytest.fixture(scope="module")
def corpus() -> Report:
    return parse_file(CORPUS)


def passages(report: Report) -> list[Any]:
    return [p for q in report.questions
            for p in (*q.paragraphs, *q.areas_for_improvement, *q.causes_of_concern, *q.recommendations)]


# --- the corpus report ------------------------------------------------------------------------------

def test_corpus_report_facts(corpus: Report) -> None:
    assert (corpus.force, corpus.year, corpus.pillar, corpus.force_name) == (
        "Norfolk", 2016, "Effectiveness", "Norfolk Constabulary")
    assert corpus.last_updated is None
    assert [q.level for q in corpus.questions] == ["headline"] + ["core"] * 5
    assert [q.grade for q in corpus.questions] == [None, OUT, GOOD, GOOD, None, None]
    assert corpus.overall_grade is None
    assert [len(q.areas_for_improvement) for q in corpus.questions] == [0, 0, 2, 3, 2, 1]
    assert [q.grade_line for q in corpus.questions] == [None, 5, 10, 19, None, None]


def test_corpus_specialist_capabilities_repeat_serious_organised_crime(corpus: Report) -> None:
    soc, specialist = corpus.questions[4], corpus.questions[5]
    assert [q.duplicate_of for q in corpus.questions] == [None] * 5 + [4]
    assert specialist.heading == "How effective are the force’s specialist capabilities?"
    assert specialist.paragraphs == []  # every paragraph repeated the SOC section
    assert len(soc.paragraphs) == 4
    assert specialist.areas_for_improvement[0].text.startswith("The force should ensure that its armed policing")
    assert [(w.line, "repeats" in w.message) for w in corpus.warnings] == [(35, True)]


def test_corpus_paragraphs_and_no_false_grades(corpus: Report) -> None:
    prevention = corpus.questions[1]
    assert prevention.paragraphs[-1].text.startswith("Incidents of anti-social behaviour are falling")
    assert prevention.paragraphs[-1].line == 8
    investigation = corpus.questions[2]
    knowledge = next(p for p in investigation.paragraphs if "knowledge levels among frontline officers" in p.text)
    assert find_judgements(knowledge.text, "Norfolk", 2016) == []
    assert investigation.grade == GOOD  # two "is good at" sentences agree: no warning
    assert investigation.areas_for_improvement[0].text == (
        "The force should reduce the backlog of crimes awaiting closure in the incident management unit.")


def test_corpus_survives_real_world_noise(corpus: Report) -> None:
    """BOM, CRLF, trailing and non-breaking spaces, extra blank lines, straight apostrophes: same report."""
    lines = [line.replace("Norfolk Constabulary", "Norfolk\u00a0Constabulary").replace("’", "'") + "  "
             for line in corpus.text.split("\n")]
    noisy = "\ufeff" + "\r\n\r\n".join(lines)
    report = parse_report(noisy)
    assert [(q.grade, len(q.paragraphs), len(q.areas_for_improvement), q.duplicate_of) for q in report.questions] == [
        (q.grade, len(q.paragraphs), len(q.areas_for_improvement), q.duplicate_of) for q in corpus.questions]
    assert report.force_name == "Norfolk Constabulary"
    assert [w.line for w in report.warnings] == [69]  # line 35 once every line is followed by a blank one
    assert all(report.text[p.start:p.end] == p.text for p in passages(report))


def test_corpus_json_has_exactly_the_design_keys(corpus: Report) -> None:
    data = corpus.to_json()
    assert set(data) == REPORT_KEYS
    assert all(set(q) == QUESTION_KEYS for q in data["questions"])
    assert all(set(w) == {"line", "message"} for w in data["warnings"])
    assert json.loads(json.dumps(data)) == data
    assert data["questions"][1]["grade"] == "Outstanding"


# --- fixtures, one per variant ------------------------------------------------------------------------

EXPECTED: dict[str, dict[str, Any]] = {
    "boilerplate_before_title.txt": {
        "force": "Borsetshire", "force_name": "Borsetshire Constabulary", "year": 2016, "pillar": "Efficiency",
        "last_updated": "2017-03-02", "grades": [GOOD, GOOD, RI, OUT], "afis": [0, 0, 1, 0], "warnings": [1],
    },
    "no_pillar_line.txt": {
        "force": "Glebeshire", "force_name": "Glebeshire Police", "year": 2016, "pillar": "Legitimacy",
        "last_updated": None, "grades": [GOOD, GOOD, RI], "afis": [0, 0, 2], "warnings": [2],
    },
    "last_updated_grade_lines.txt": {
        "force": "Loamshire", "force_name": "Loamshire Police", "year": 2017, "pillar": "Effectiveness",
        "last_updated": "2018-03-22", "grades": [GOOD, RI, OUT], "afis": [0, 0, 0], "warnings": [10],
    },
    "judgement_phrasings.txt": {
        "force": "Midsomer", "force_name": "Midsomer Police", "year": 2016, "pillar": "Effectiveness",
        "last_updated": None, "grades": [GOOD, OUT, RI, GOOD, RI, None], "afis": [0] * 6, "warnings": [],
    },
    "not_inspected.txt": {
        "force": "Wessex", "force_name": "Wessex Police", "year": 2017, "pillar": "Effectiveness",
        "last_updated": None, "grades": [GOOD, GOOD, GOOD, None, None], "afis": [0] * 5, "warnings": [],
        "not_inspected": [False, False, False, True, True],
    },
    "colon_bullets.txt": {
        "force": "Barsetshire", "force_name": "Barsetshire Constabulary", "year": 2016, "pillar": "Effectiveness",
        "last_updated": None, "grades": [GOOD, GOOD], "afis": [0, 3], "warnings": [], "paragraphs": [1, 5],
    },
    "subheadings_2014.txt": {
        "force": "Mummerset", "force_name": "Mummerset Police", "year": 2014, "pillar": "Effectiveness",
        "last_updated": None, "grades": [GOOD, GOOD, RI], "afis": [0, 2, 1], "warnings": [7, 15, 19],
        "paragraphs": [1, 2, 1],
    },
    "welsh_notice.txt": {
        "force": "Cambria", "force_name": "Cambria Police", "year": 2016, "pillar": "Legitimacy",
        "last_updated": None, "grades": [GOOD, GOOD], "afis": [0, 0], "warnings": [2, 6], "paragraphs": [1, 1],
    },
    "causes_recommendations.txt": {
        "force": "Wolds", "force_name": "Wolds Constabulary", "year": 2016, "pillar": "Legitimacy",
        "last_updated": None, "grades": [RI, INAD, INAD], "afis": [0, 0, 0], "warnings": [10, 15, 18],
        "causes": [0, 2, 0], "recommendations": [0, 2, 0], "paragraphs": [1, 2, 0],
    },
    "crlf_bom.txt": {
        "force": "Casterbridge", "force_name": "Casterbridge Constabulary", "year": 2016, "pillar": "Efficiency",
        "last_updated": "2016-11-02", "grades": [GOOD, OUT], "afis": [0, 1], "warnings": [],
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_parses_as_expected(name: str) -> None:
    expected = EXPECTED[name]
    report = parse_file(FIXTURES / name)
    assert (report.force, report.force_name, report.year, report.pillar, report.last_updated) == (
        expected["force"], expected["force_name"], expected["year"], expected["pillar"], expected["last_updated"])
    assert [q.level for q in report.questions] == ["headline"] + ["core"] * (len(expected["grades"]) - 1)
    assert [q.grade for q in report.questions] == expected["grades"]
    assert report.overall_grade == expected["grades"][0]
    assert [len(q.areas_for_improvement) for q in report.questions] == expected["afis"]
    assert [w.line for w in report.warnings] == expected["warnings"]
    assert [q.not_inspected for q in report.questions] == expected.get("not_inspected", [False] * len(report.questions))
    assert [len(q.causes_of_concern) for q in report.questions] == expected.get("causes", [0] * len(report.questions))
    assert [len(q.recommendations) for q in report.questions] == expected.get(
        "recommendations", [0] * len(report.questions))
    if "paragraphs" in expected:
        assert [len(q.paragraphs) for q in report.questions] == expected["paragraphs"]
    assert all(q.duplicate_of is None for q in report.questions)


@pytest.mark.parametrize("path", [CORPUS, *(FIXTURES / name for name in sorted(EXPECTED))], ids=lambda p: p.name)
def test_every_passage_is_the_slice_of_the_text_it_points_to(path: Path) -> None:
    report = parse_file(path)
    lines = report.text.split("\n")
    for passage in passages(report):
        assert report.text[passage.start:passage.end] == passage.text
        assert passage.text and passage.text == passage.text.strip()
        assert passage.text in lines[passage.line - 1]
        assert not passage.text.startswith(("- ", "• ", "* ", "– "))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_json_is_serialisable_with_design_keys(name: str) -> None:
    data = parse_file(FIXTURES / name).to_json()
    assert set(data) == REPORT_KEYS
    for question in data["questions"]:
        assert QUESTION_KEYS <= set(question) <= QUESTION_KEYS | OPTIONAL_QUESTION_KEYS
        assert question["grade"] in (*GRADES, None)
    assert json.loads(json.dumps(data)) == data


def test_boilerplate_is_skipped_with_one_warning() -> None:
    report = parse_file(FIXTURES / "boilerplate_before_title.txt")
    assert "lines 1–6" in report.warnings[0].message
    assert report.questions[0].paragraphs[0].line == 12


def test_inferred_pillar_is_reported() -> None:
    report = parse_file(FIXTURES / "no_pillar_line.txt")
    assert "inferred 'Legitimacy'" in report.warnings[0].message


def test_grade_lines_win_over_sentences_and_a_disagreement_is_reported() -> None:
    report = parse_file(FIXTURES / "last_updated_grade_lines.txt")
    assert [q.grade_line for q in report.questions] == [5, 8, 12]
    assert "states 'Good'" in report.warnings[0].message
    assert all(bare_grade(p.text) is None for q in report.questions for p in q.paragraphs)


def test_decoys_state_no_grade() -> None:
    specialist = parse_file(FIXTURES / "judgement_phrasings.txt").questions[-1]
    assert specialist.grade is None and len(specialist.paragraphs) == 3


def test_not_inspected_question_keeps_its_text_but_no_grade() -> None:
    report = parse_file(FIXTURES / "not_inspected.txt")
    serious = report.questions[3]
    assert serious.paragraphs[0].text.startswith("In 2016, Wessex Police was judged")
    assert report.to_json()["questions"][3]["not_inspected"] is True


def test_bullets_after_a_colon_are_findings_not_areas_for_improvement() -> None:
    question = parse_file(FIXTURES / "colon_bullets.txt").questions[1]
    assert question.paragraphs[0].text.endswith("since our last visit:")
    assert question.paragraphs[1].text.startswith("a safeguarding hub")
    assert question.paragraphs[4].text.startswith("Officers we spoke to")
    assert [p.text.split()[3] for p in question.areas_for_improvement] == ["make", "review", "monitor"]


def test_2014_subheadings_and_paragraph_areas_for_improvement() -> None:
    report = parse_file(FIXTURES / "subheadings_2014.txt")
    assert all("subheading, not a question" in w.message for w in report.warnings)
    afis = report.questions[1].areas_for_improvement
    assert afis[1].text == "The force should evaluate its crime prevention campaigns."
    assert report.questions[1].grade_line == 10  # the judgement under "Findings", not the first paragraph


def test_welsh_notices_are_skipped_and_named() -> None:
    report = parse_file(FIXTURES / "welsh_notice.txt")
    assert all("Welsh" in w.message for w in report.warnings)
    assert "Darllenwch" in report.warnings[1].message


def test_causes_of_concern_and_recommendations() -> None:
    report = parse_file(FIXTURES / "causes_recommendations.txt")
    vetting = report.questions[1]
    assert vetting.recommendations[0].text.startswith("by 31 March 2017")
    assert vetting.causes_of_concern[1].text.startswith("Officers and staff do not understand")
    assert vetting.paragraphs[1].text.startswith("The force has started to publicise")
    assert vetting.concern_actions == [(1, 1), (1, 2)]  # the first cause leads to both; the second to none
    messages = [w.message for w in report.warnings]
    assert "not an item" in messages[0] and "paragraph after the list" in messages[1] and "no items" in messages[2]
    assert set(report.to_json()["questions"][1]) == QUESTION_KEYS | {"causes_of_concern", "recommendations"}


def test_crlf_bom_and_odd_spaces_are_normalised() -> None:
    raw = (FIXTURES / "crlf_bom.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and "\u00a0".encode() in raw
    report = parse_file(FIXTURES / "crlf_bom.txt")
    assert "\r" not in report.text and "\ufeff" not in report.text and "\u00a0" not in report.text
    headline, demand = report.questions
    assert headline.paragraphs[0].text.startswith("Casterbridge Constabulary is good")
    assert headline.paragraphs[0].line == 8
    assert demand.paragraphs[0].text.endswith("judged to be outstanding.") and demand.paragraphs[0].line == 10
    assert demand.areas_for_improvement[0].text.startswith("The force should publish")


# --- broken inputs -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "line", "words"), [
    ("empty.txt", 1, "empty"),
    ("no_title.txt", 1, "no title line"),
    ("no_question.txt", 1, "no question heading"),
    ("not_utf8.txt", 4, "not UTF-8"),
])
def test_broken_input_names_file_and_line(name: str, line: int, words: str) -> None:
    path = FIXTURES / name
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert (caught.value.file, caught.value.line) == (str(path), line)
    assert str(caught.value).startswith(f"{path}:{line}: ") and words in str(caught.value)


def test_unreadable_file_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(ParseError) as caught:
        parse_file(missing)
    assert caught.value.line is None and str(caught.value).startswith(f"{missing}: cannot read")


def test_blank_text_is_empty_and_path_is_named() -> None:
    with pytest.raises(ParseError, match=r"^inline:1: the report is empty"):
        parse_report(" \n\u00a0\n\t\n", path="inline")


# --- smaller behaviours, inline texts ------------------------------------------------------------------

TITLE = "Anyshire PEEL 2016\nEffectiveness\nHow effective is the force at keeping people safe and reducing crime?\n"


def test_grade_line_before_first_question_is_the_headline_grade() -> None:
    report = parse_report("Anyshire PEEL 2016\nEffectiveness\nRequires improvement\n" + TITLE.split("\n", 2)[2])
    assert report.overall_grade == RI and report.warnings == []


def test_grade_line_away_from_its_heading_is_taken_with_a_warning() -> None:
    report = parse_report(TITLE + "The force works with councils.\nGood\nGrade: Inadequate\n")
    assert report.overall_grade == GOOD
    assert [w.line for w in report.warnings] == [5, 6]
    assert "not directly under" in report.warnings[0].message and "second grade line" in report.warnings[1].message


def test_text_before_the_first_question_is_skipped_with_warnings() -> None:
    report = parse_report("Anyshire PEEL 2016\nEffectiveness\nAn introduction.\n- an early bullet\n"
                          + TITLE.split("\n", 2)[2] + "The force is good.\n")
    assert [w.line for w in report.warnings] == [3, 4]
    assert [p.text for p in report.summary] == ["An introduction."]
    assert report.overall_grade == GOOD


def test_numbered_question_headings_and_stated_pillar_mismatch() -> None:
    report = parse_report("Anyshire PEEL 2016\nEfficiency\n1. How effective is the force at keeping people safe?\n"
                          "Question 2: How well does the force understand demand?\nThe force is good at it.\n")
    assert [q.heading for q in report.questions] == [
        "How effective is the force at keeping people safe?", "How well does the force understand demand?"]
    assert report.pillar == "Efficiency" and "stated pillar" in report.warnings[0].message


def test_a_question_mostly_new_is_not_a_duplicate_but_a_mostly_repeated_one_keeps_its_own_text() -> None:
    paragraphs = ["The force maps organised crime groups.", "It disrupts them often.", "It works with councils."]
    text = (TITLE + "How effective is the force at tackling serious and organised crime?\n" + "\n".join(paragraphs)
            + "\nHow effective are the force's specialist capabilities?\n" + "\n".join(paragraphs[:2])
            + "\nIts firearms officers are well trained.\n"
            + "How well does the force plan for major events?\n" + paragraphs[0] + "\nIts plans are tested.\n"
            + "Something new again.\n")
    report = parse_report(text)
    assert [q.duplicate_of for q in report.questions] == [None, None, 1, None]
    assert [p.text for p in report.questions[2].paragraphs] == ["Its firearms officers are well trained."]
    assert len(report.questions[3].paragraphs) == 3
    assert [w.line for w in report.warnings] == [8]


def test_judgement_in_repeated_text_does_not_grade_the_duplicate() -> None:
    body = "Anyshire Police is good at tackling crime.\nIt works with councils.\n"
    report = parse_report(TITLE + "How effective is the force at tackling crime?\n" + body
                          + "How effective are the force's specialist capabilities?\n" + body)
    assert [q.grade for q in report.questions] == [None, GOOD, None]


def test_unreadable_last_updated_is_reported() -> None:
    report = parse_report("Last updated 31/02/2017\n" + TITLE + "The force is good.\n")
    assert report.last_updated is None and "unreadable date" in report.warnings[0].message


def test_area_for_improvement_block_ends_at_the_next_question() -> None:
    report = parse_report(TITLE + "Areas for improvement:\n- The force should act.\n"
                          "How effective is the force at investigating crime?\nThe force is good at it.\n")
    assert [len(q.areas_for_improvement) for q in report.questions] == [1, 0]
    assert report.questions[1].grade == GOOD and report.warnings == []


# --- grade sentences -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "grade"), [
    ("Anyshire Constabulary is outstanding at preventing crime.", OUT),
    ("The force requires improvement in the way it investigates crime.", RI),
    ("The constabulary has been assessed as good at protecting vulnerable people.", GOOD),
    ("Overall, the force has been judged to require improvement.", RI),
    ("HMIC judges that Anyshire Police is good at keeping people safe.", GOOD),
    ("HMICFRS judges the force to be outstanding at managing demand.", OUT),
    ("The force’s approach to tackling serious and organised crime is judged to be inadequate.", INAD),
    ("The force was graded as good overall.", GOOD),
    ("Anyshire Police has been judged to be ‘requires improvement’.", RI),
    ("The force is inadequate at supporting victims.", INAD),
    ("Anyshire\u00a0Police is good at planning.", GOOD),
    ("The force has a good understanding of its communities.", None),
    ("There are good links with the regional organised crime unit.", None),
    ("The safer schools team provides an excellent service.", None),
    ("The force is aware of the code, and knowledge levels among frontline officers are good.", None),
    ("The force retains very high levels of victim satisfaction.", None),
    ("It is good at responding to calls.", None),
    ("In 2015, the force was judged to be inadequate at investigating crime.", None),
    ("The force’s approach to outstanding suspects is good.", None),
    ("The force is not good at recording crime.", None),
    ("Working with Barsetshire Constabulary is good for the force.", None),
    ("The force is good value for money.", None),
    ("Processes to track and arrest outstanding suspects are very good.", None),
])
def test_judgement_sentences(sentence: str, grade: str | None) -> None:
    found = find_judgements(sentence.replace("\u00a0", " "), "Anyshire", 2016)
    assert [j.grade for j in found] == ([grade] if grade else [])


@pytest.mark.parametrize(("line", "grade"), [
    ("Good", GOOD), ("OUTSTANDING", OUT), ("Grade: Requires improvement", RI), ("inadequate.", INAD),
    ("Overall grade: Good", GOOD), ("Good progress", None), ("A good force", None),
])
def test_bare_grade_lines(line: str, grade: str | None) -> None:
    assert bare_grade(line) == grade


def test_not_inspected_lines() -> None:
    assert not_inspected("This question was not inspected in 2017")
    assert not_inspected("This question has not been inspected in 2017.")
    assert not not_inspected("Custody suites were not inspected in 2017 but the force is good.")


@pytest.mark.parametrize("module", [parser, judgement_text, overview_page, reference_coverage, themes])
def test_docstring_examples_run(module: Any) -> None:
    assert doctest.testmod(module).failed == 0


# --- pages the format above does not cover: never lose a page, never invent a grade -------------------

def test_a_page_without_a_pillar_is_not_lost() -> None:
    """Was a ParseError ("the pillar cannot be inferred"); now a Report whose pillar is unknown, with a warning."""
    report = parse_file(FIXTURES / "pillar_unknown.txt")
    assert (report.force, report.year, report.pillar, report.overall_grade) == ("Anyshire", 2016, None, GOOD)
    assert report.to_json()["pillar"] is None
    assert [w.line for w in report.warnings] == [2] and "left unknown" in report.warnings[0].message


@pytest.mark.parametrize(("hint", "url", "pillar", "words"), [
    ("Legitimacy", None, "Legitimacy", "report's metadata"),
    (None, "https://example.org/peel-2016/anyshire/efficiency/", "Efficiency", "from its address"),
    ("Leadership", "https://example.org/peel-2016/anyshire/efficiency/", "Leadership", "report's metadata"),
])
def test_pillar_from_metadata_then_address(hint: str | None, url: str | None, pillar: str, words: str) -> None:
    report = parse_file(FIXTURES / "pillar_unknown.txt", pillar=hint, source_url=url)
    assert report.pillar == pillar and words in report.warnings[0].message and report.warnings[0].line == 2


def test_site_block_with_a_question_of_its_own_is_skipped_and_the_pillar_comes_from_questions_for() -> None:
    """Was a ParseError: the site block's question was taken for the headline and named no pillar."""
    report = parse_file(FIXTURES / "site_block_leadership.txt")
    assert (report.force, report.year, report.pillar, report.last_updated) == ("Wessex", 2016, "Leadership",
                                                                               "2016-12-08")
    assert [(q.level, q.heading, q.grade) for q in report.questions] == [
        ("core", "How well does the force understand leadership?", None),
        ("core", "How well does the force develop leadership?", None)]
    assert [p.line for p in report.summary] == [15, 17]
    assert [len(q.areas_for_improvement) for q in report.questions] == [1, 0]
    site = [w for w in report.warnings if "site text" in w.message]
    assert [(w.line, "lines 5–11" in w.message or "lines 1–1" in w.message) for w in site] == [(1, True), (5, True)]
    assert report.to_json()["summary"][0].startswith("This inspection looked")
    assert all(report.text[p.start:p.end] == p.text for p in report.summary)


def test_2018_summary_of_core_grades_is_not_the_headline_grade() -> None:
    """Was an invented grade: the first core question's grade in the summary was taken for the headline's."""
    report = parse_file(FIXTURES / "integrated_2018.txt")
    assert (report.year, report.pillar) == (2018, "Effectiveness")
    assert [(q.level, q.grade) for q in report.questions] == [
        ("headline", None), ("core", GOOD), ("core", RI), ("core", GOOD)]
    summaries = [w.line for w in report.warnings if "summary of another question" in w.message]
    assert summaries == [9, 11, 13]
    assert [len(q.areas_for_improvement) for q in report.questions] == [0, 0, 2, 0]


def test_a_lone_headline_judgement_on_the_pillar_still_grades_the_headline() -> None:
    report = parse_report("Anyshire PEEL 2018\nHow effectively does the force reduce crime and keep people safe?\n"
                          "Anyshire Police is good at reducing crime and keeping people safe.\n")
    assert report.overall_grade == GOOD and report.pillar == "Effectiveness"


def test_grade_line_after_the_last_updated_date_is_directly_under_its_heading() -> None:
    """Was a warning on every 2015–2018 page, where the site puts the date between the heading and the grade."""
    report = parse_report("Anyshire PEEL 2015\nEffectiveness\nHow effective is the force at keeping people safe "
                          "and reducing crime?\nLast updated 18/02/2016\nRequires improvement\nThe force knows its "
                          "communities.\n")
    assert report.overall_grade == RI and report.last_updated == "2016-02-18" and report.warnings == []


def test_a_lone_question_number_is_not_a_paragraph() -> None:
    report = parse_report(TITLE + "The force is good.\n1\nHow well does the force understand demand?\nGood\n")
    assert [p.text for p in report.questions[0].paragraphs] == ["The force is good."]
    assert [w.line for w in report.warnings] == [5] and "question number" in report.warnings[0].message


def test_a_force_overview_page_gives_its_pillar_grades() -> None:
    """Was: "no title line" and no output; the page's title is "<Force> <year>", its grades one sentence each."""
    report = parse_file(FIXTURES / "force_overview.txt")
    assert (report.kind, report.force, report.year, report.pillar, report.questions) == (
        "overview", "Wessex", 2017, None, [])
    assert [(g.pillar, g.grade, g.line) for g in report.pillar_grades] == [
        ("Effectiveness", None, 9), ("Efficiency", RI, 11), ("Legitimacy", GOOD, 13)]
    data = report.to_json()
    assert data["kind"] == "overview" and data["pillar_grades"][1] == {"pillar": "Efficiency", "grade": RI,
                                                                         "line": 11}
    assert report.warnings[0].line == 3


def test_a_page_without_any_title_still_fails_naming_its_first_line() -> None:
    with pytest.raises(ParseError, match="no title line"):
        parse_report("Skip to content\nSome text about policing.\n", path="x.txt")
