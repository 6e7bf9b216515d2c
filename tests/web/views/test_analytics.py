"""``/analytics`` and the analytics sections of entity pages: SVG parsed as XML, and seen in Chromium."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from kg.namespaces import ID, force_iri, theme_iri
from tests.web.browser_support import Tab, open_browser

SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def charts(html: str) -> list[ET.Element]:
    found = [ET.fromstring(svg) for svg in SVG.findall(html)]
    for root in found:
        links = root.find(".//{http://www.w3.org/2000/svg}a") is not None  # a picture's role would hide them
        assert root.get("role") == ("group" if links else "img")
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
    return found


def test_analytics_page_serves_four_charts_with_tables(client: FlaskClient) -> None:
    response = client.get("/analytics")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    titles = [root.findtext("{http://www.w3.org/2000/svg}title") for root in charts(html)]
    assert titles == ["National distribution of overall grades by year and pillar",
                      "Grade changes between inspection years", "Forces and the organisations their reports name",
                      "Themes tagged on the same statements"]
    assert html.count("<table") >= 5  # every chart has its figures as a table
    assert "<script" not in html.split("</head>", 1)[1]
    assert "How the figures are computed" in html and "Force similarity" in html


def render(app: Flask, template: str, iri: str) -> str:
    with app.test_request_context("/"):
        return render_template_string(
            "{% with analytics_iri = iri %}{% include '" + template + "' %}{% endwith %}", iri=iri)


def test_force_section_shows_grades_over_time(app: Flask) -> None:
    html = render(app, "analytics/force.html", str(force_iri("norfolk")))
    panels = charts(html)  # small multiples: one panel a pillar
    titles = [p.findtext("{http://www.w3.org/2000/svg}title") for p in panels]
    assert titles == ["Effectiveness", "Efficiency", "Legitimacy"]  # Norfolk's leadership was never graded
    lines = [len(p.findall(".//{http://www.w3.org/2000/svg}polyline")) for p in panels]
    assert sum(lines) == 3 and max(lines) == 1  # effectiveness, efficiency, legitimacy; never two in one panel
    assert "Grades over time" in html and "declined" in html and "Most similar forces" in html
    assert html.count("<li>") >= 3


def test_theme_and_question_sections(app: Flask) -> None:
    theme = render(app, "analytics/theme.html", str(theme_iri("domestic-abuse")))
    assert len(charts(theme)) == 1 and "Themes found with this one" in theme
    question = render(app, "analytics/question.html", str(ID["question/2016/effectiveness/0"]))
    assert len(charts(question)) == 1 and "Good" in question


def test_sections_render_nothing_for_unknown_entities(app: Flask) -> None:
    assert render(app, "analytics/force.html", str(force_iri("atlantis"))).strip() == ""
    assert render(app, "analytics/theme.html", "javascript:alert(1)").strip() == ""


def test_force_analytics_page(client: FlaskClient) -> None:
    response = client.get("/analytics/force/norfolk")
    assert response.status_code == 200 and "Norfolk Constabulary" in response.get_data(as_text=True)
    assert client.get("/analytics/force/atlantis").status_code == 404
    assert client.get("/analytics/force/Nor%20folk").status_code == 404


@pytest.fixture(scope="module")
def tab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tab]:
    """Chromium as every browser test finds it (skipped, saying how to install it, where it cannot be had)."""
    with open_browser(tmp_path_factory.mktemp("chromium-analytics")) as opened:
        yield opened


def test_charts_are_seen_in_chromium(live_server: str, tab: Tab) -> None:
    tab.resize(1100, 900)
    page = tab.page
    tab.open(live_server + "/analytics")
    for role, name in (("img", "National distribution of overall grades by year and pillar"),
                       ("group", "Themes tagged on the same statements")):
        chart = page.get_by_role(role, name=name)
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 150, name
        assert box["x"] + box["width"] <= 1100  # scaled into the page, not overflowing
    assert page.locator("svg.peel-chart rect").count() > 20
    assert not tab.errors, tab.errors
    tab.open(live_server + "/analytics/force/norfolk")
    timeline = page.get_by_role("img", name="Efficiency")
    assert timeline.is_visible()
    assert page.locator("svg.peel-chart polyline").count() == 3
    assert not tab.errors, tab.errors  # e.g. a stylesheet or script refused by the content security policy


def test_norfolk_page_shows_its_grades_over_time_as_a_picture(client: FlaskClient) -> None:
    html = client.get("/doc/force/norfolk", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Grades over time" in html
    svg = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert svg is not None
    root = ET.fromstring(svg.group(0))
    assert root.get("role") == "img"
    assert root.find("{http://www.w3.org/2000/svg}title") is not None
