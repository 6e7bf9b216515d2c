"""Pages of a force with four-level (2016, 2017) and five-level (2023–2025) grades, side by side."""

from __future__ import annotations

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
    assert "peel 2023–2025 judgement (10)" in html.lower() and "peel 2021/22 judgement (10)" in html.lower()
    adequate = ('class="grade grade-adequate"><a href="/doc/judgement/2023-25/norfolk/investigating-crime">'
                "Adequate</a>")
    assert adequate in html  # a level only the five-level scale has
    assert "Not graded in this cycle" in html  # the victim service assessment: no grade, not a grade
    assert '<a href="/doc/judgement/2017/norfolk/legitimacy/0">Good</a>' in html  # the four-level grades stay


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
    assert "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2018/norfolk/" in page.get_data(as_text=True)
    assert later_client.get("/doc/inspection/2018-19/norfolk.html").status_code == 200
