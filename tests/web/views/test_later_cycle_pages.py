"""Pages of a force with four-level (2016, 2017) and five-level (2023–2025) grades, side by side."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg.release.build import build_dataset, collect_inputs
from kg.release.layout import open_release
from kg.release.publish import publish
from kg.store.local import open_store
from web.app import create_app
from web.settings import Settings

CYCLES = Path(__file__).parents[2] / "kg" / "fixtures" / "cycles"


@pytest.fixture(scope="module")
def later_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    out = tmp_path_factory.mktemp("later")
    publish(build_dataset(collect_inputs([CYCLES], add_to_corpus=True)), out)
    release = open_release(out)
    return create_app(Settings(data_dir=out), open_store(release.store_path), release=release).test_client()


def test_force_page_shows_five_level_grades_beside_the_older_ones(later_client: FlaskClient) -> None:
    page = later_client.get("/doc/force/norfolk.html")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "PEEL 2023–2025: every judgement (10)" in html and "PEEL 2021/22: every judgement (10)" in html
    adequate = ('class="grade grade-adequate"><a href="/doc/judgement/2023-25/norfolk/investigating-crime">'
                "Adequate</a>")
    assert adequate in html  # a level only the five-level scale has
    assert "Not graded in this cycle" in html  # the victim service assessment: no grade, not a grade
    assert '<a href="/doc/judgement/2017/norfolk/legitimacy/0">Good</a>' in html  # the four-level grades stay


def test_headline_table_has_only_pillars_and_years_with_a_headline_grade(later_client: FlaskClient) -> None:
    """Regression: the areas of policing (2021 on) have no headline grade, and were a row and columns of dashes."""
    html = later_client.get("/doc/force/norfolk.html").get_data(as_text=True)
    table = html[html.index('<table class="grades stack">'):]
    table = table[:table.index("</table>")]
    heads = table[table.index("<thead>"):table.index("</thead>")]
    assert "2016" in heads and "2018" in heads and "2021" not in heads and "2023" not in heads
    assert "PEEL 2021/22" not in table and "PEEL 2023–2025" not in table


def table_rows(html: str, opening: str) -> list[list[str]]:
    """The text of each cell, a list a row (head row first), of the table that opens with ``opening``."""
    table = html[html.index(opening):]
    table = table[:table.index("</table>")]
    cells = r"<t[hd]\b[^>]*>(.*?)</t[hd]>"
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(cells, row, re.S)]
            for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", table, re.S)]


def test_force_page_has_a_table_of_grades_by_area_of_policing(later_client: FlaskClient) -> None:
    """The later cycles' area grades were only inside a disclosure each: a table of their own, an area a row and a
    cycle a column, where an area of the same name in both cycles is one row."""
    html = later_client.get("/doc/force/norfolk.html").get_data(as_text=True)
    assert '<h2 id="area-grades">Grades by area of policing</h2>' in html
    rows = table_rows(html, '<table class="grades areas stack">')
    assert rows[0] == ["Area of policing", "PEEL 2021/22", "PEEL 2023–2025"]
    by_area = {row[0]: row[1:] for row in rows[1:]}
    assert len(by_area) == len(rows) - 1 == 14  # 10 areas a cycle, 6 of them named alike in both
    assert by_area["Investigating crime"] == ["Good", "Adequate"]
    assert by_area["Responding to the public"] == ["Adequate", "Requires improvement"]
    assert by_area["Recording data about crime"] == ["—", "Good"]  # only the 2023–2025 cycle has it
    assert by_area["Disrupting serious organised crime"] == ["Good", "—"]
    assert by_area["Providing a service to victims of crime"] == ["Not graded in this cycle"] * 2
    assert list(by_area)[:2] == ["Providing a service to victims of crime", "Recording data about crime"]
    # Each grade links to its judgement, and names its cycle for the card it becomes on a phone.
    assert ('<td class="grade grade-adequate" data-label="PEEL 2023–2025"><a href="/doc/judgement/2023-25/norfolk/'
            'investigating-crime">Adequate</a></td>') in html
    assert '<li class="grade-adequate">Adequate</li>' in html  # the legend has the five-level scale's own level


def test_a_force_without_later_grades_has_no_area_table(client: FlaskClient) -> None:
    html = client.get("/doc/force/suffolk.html").get_data(as_text=True)
    assert "Grades by pillar and year" in html and "Grades by area of policing" not in html


def test_area_judgement_page_answers(later_client: FlaskClient) -> None:
    page = later_client.get("/doc/judgement/2023-25/norfolk/investigating-crime.html")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Adequate" in html and "/doc/grade/peel-2021-adequate" in html


def test_force_page_shows_the_2018_19_pillar_grades_of_the_reference_table(later_client: FlaskClient) -> None:
    html = later_client.get("/doc/force/norfolk.html").get_data(as_text=True)
    # peel_grades_later.csv: Norfolk's 2018/19 efficiency is Outstanding, after Good in 2017
    assert '<a href="/doc/judgement/2018-19/norfolk/efficiency">Outstanding</a>' in html
    assert '<a href="/doc/judgement/2018-19/norfolk/effectiveness/3">Good</a>' in html
    page = later_client.get("/doc/judgement/2018-19/norfolk/efficiency.html")
    assert page.status_code == 200
    source = "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2018/norfolk/"
    assert source in page.get_data(as_text=True)
    assert later_client.get("/doc/inspection/2018-19/norfolk.html").status_code == 200


def test_force_page_shows_each_later_inspection_with_its_statements(later_client: FlaskClient) -> None:
    """Findings, causes of concern, recommendations and innovative practice of a cycle without pillars, under their
    area, as the 2014–2017 ones are under their question (they were missing: the page asked for a pillar)."""
    html = later_client.get("/doc/force/norfolk.html").get_data(as_text=True)
    assert '<a href="/doc/inspection/2023-25/norfolk">PEEL 2023–2025</a>' in html
    for heading in ("Causes of concern", "Recommendations", "Innovative and promising practice"):
        assert f"<h5>{heading}</h5>" in html
    assert "Detectives and a prosecutor meet each week" in html  # innovative practice, investigating crime
    assert "not answering emergency calls quickly enough" in html  # a cause of concern, responding to the public


def test_later_inspection_heading_names_its_cycle_once(later_client: FlaskClient) -> None:
    """Regression: a later inspection's heading read "PEEL 2023–2025 2023" (the cycle's label, then its first year)
    and its link "Read the 2023 peel 2023–2025 report"; an older one keeps "Effectiveness 2016"."""
    html = later_client.get("/doc/force/norfolk.html").get_data(as_text=True)
    assert "PEEL 2023–2025 2023" not in html and "PEEL 2021/22 2021" not in html
    assert '<a href="/doc/inspection/2021-22/norfolk">PEEL 2021/22</a>' in html
    assert "Read the PEEL 2023–2025 report</a>" in html and "Read the 2023 peel" not in html
    assert '<a href="/doc/inspection/2016/norfolk/effectiveness">Effectiveness 2016</a>' in html
    assert "Read the 2016 effectiveness report</a>" in html


def test_force_page_shows_the_2018_19_report_under_the_cycles_one_inspection(later_client: FlaskClient) -> None:
    """The integrated assessment's text: one inspection (not one per pillar), every pillar's questions in it."""
    html = later_client.get("/doc/force/norfolk.html").get_data(as_text=True)
    start = html.index('<a href="/doc/inspection/2018-19/norfolk">PEEL 2018/19</a>')
    section = html[start:html.index("</section>", start)]
    for text in ("Beat managers agree local priorities", "models the demand of each shift",
                 "assesses all intelligence about corruption promptly", "managers listen to them"):
        assert text in section
    assert '<a href="/doc/judgement/2018-19/norfolk/effectiveness/2">Requires improvement</a>' in section
    assert "/doc/inspection/2018/norfolk/" not in html
    pillars = re.findall(r'<h4><a href="/doc/question/2018-19/(\w+)/', section)
    assert pillars == sorted(pillars) and len(pillars) == 13  # by pillar, not each pillar's first question, then…
    page = later_client.get("/doc/inspection/2018-19/norfolk.html").get_data(as_text=True)
    assert "Its ten-year plan sets out" in page and "A panel of residents reviews" in page
    for path in ("report/2018-19/norfolk", "finding/2018-19/norfolk/efficiency/2/1",
                 "concern/2018-19/norfolk/legitimacy/2/1", "judgement/2018-19/norfolk/legitimacy/2"):
        assert later_client.get(f"/doc/{path}.html").status_code == 200, path


def test_area_judgement_page_gives_the_why(later_client: FlaskClient) -> None:
    html = later_client.get("/doc/judgement/2023-25/norfolk/investigating-crime.html").get_data(as_text=True)
    assert "supervisors do not always check the plans" in html  # its finding
    assert "review every investigation plan" in html  # its area for improvement
    assert "Detectives and a prosecutor meet each week" in html
    assert "youth worker joins neighbourhood patrols" not in html  # another area's practice


def test_a_later_reference_grade_that_disagrees_with_the_report_is_a_claim_not_a_source(
        later_client: FlaskClient) -> None:
    """The fixture's 2021/22 report grades investigating crime Good; the commissioner's page says Adequate."""
    html = later_client.get("/doc/judgement/2021-22/norfolk/investigating-crime.html").get_data(as_text=True)
    assert "norfolk-pcc.gov.uk" in html  # shown, as the conflicting claim's source
    page = later_client.get("/doc/judgement/2021-22/norfolk/investigating-crime.ttl").get_data(as_text=True)
    assert "conflictingClaim" in page
