"""The query page's answer as a chart, in Chromium: YASGUI's result viewer with this site's own chart view
(``web/static/sparql/results-chart.js``), which draws a bar a row from the answer's labels and numbers.

The bars are read from the rendered page and compared with the endpoint's own JSON answer to the same query; the
page logs no error (a request to another site would be a Content-Security-Policy error in the console) and
axe-core finds no WCAG 2.2 A/AA violation with the chart shown, on a desktop and on a phone.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.web.browser_support import Tab, open_browser
from tests.web.test_accessibility import CUT_OFF, describe, run_axe
from tests.web.test_browser import EDITOR
from tests.web.views.test_chart_reading import MARK_CONTRASTS, TEXT_SIZES
from web.npm_assets import AXE_CORE

COUNTS = """PREFIX peel: <https://w3id.org/peelkg/def/peel#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?grade (COUNT(?j) AS ?judgements) WHERE {
  ?j a peel:Judgement ; peel:grade ?g .
  ?g skos:prefLabel ?grade .
}
GROUP BY ?grade
ORDER BY DESC(?judgements) ?grade
"""
LABELS_ONLY = """PREFIX peel: <https://w3id.org/peelkg/def/peel#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { ?force a peel:Force ; rdfs:label ?label } ORDER BY ?label LIMIT 3
"""
TWO_COUNTS = """PREFIX peel: <https://w3id.org/peelkg/def/peel#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?year (SUM(IF(?grade = "Good", 1, 0)) AS ?good) (SUM(IF(?grade != "Good", 1, 0)) AS ?other) WHERE {
  ?j a peel:Judgement ; peel:year ?y ; peel:grade ?g .
  ?g skos:prefLabel ?label .
  BIND(STR(?label) AS ?grade)
  BIND(STR(?y) AS ?year)
  FILTER(?y <= 2017)
}
GROUP BY ?year
ORDER BY ?year
"""
BARS = """() => Array.from(document.querySelectorAll('.results-view svg.results-chart g.bar'))
  .map(g => [g.getAttribute('data-label'), g.getAttribute('data-value'),
             parseFloat(g.querySelector('rect').getBoundingClientRect().width)])"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tab]:
    from web.views.sparql import EDITOR_ASSET

    if not EDITOR_ASSET.is_file():
        pytest.skip("the editor's bundle is not installed (`peelkg serve` fetches it with npm on its first start)")
    with open_browser(tmp_path_factory.mktemp("chromium-query-chart")) as tab:
        yield tab


def page_of(live_server: str, query: str) -> str:
    return live_server + "/sparql?" + urlencode({"query": query})


def endpoint_answer(live_server: str, query: str) -> list[tuple[str, str]]:
    request = urllib.request.Request(live_server + "/sparql?" + urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    return [(b["grade"]["value"], b["judgements"]["value"]) for b in answer["results"]["bindings"]]


def show_chart(browser: Tab, live_server: str, query: str) -> None:
    browser.open(page_of(live_server, query))
    browser.wait_until("document.querySelector('.results-view .yasr_btn.select_chart') !== null")
    browser.page.focus(".results-view .yasr_btn.select_chart")  # from the keyboard: the view buttons are buttons
    browser.page.keyboard.press("Enter")
    browser.wait_until("document.querySelector('.results-view .yasr_results :is(svg.results-chart, .chart-message)')"
                       " !== null")


def test_the_policy_refusals_the_checks_rely_on_are_seen(browser: Tab, live_server: str) -> None:
    """The checks below are real: on the query page, an inline style and a request to another address are refused
    by the Content-Security-Policy, and each refusal is a console error the tests see."""
    browser.open(live_server + "/sparql")
    browser.evaluate("document.head.append(Object.assign(document.createElement('style'), {textContent: 'p {}'}))")
    browser.evaluate("fetch('http://127.0.0.2:9/').catch(() => null)")
    browser.page.wait_for_timeout(300)
    assert any("style-src" in e for e in browser.errors), browser.errors
    assert any("connect-src" in e for e in browser.errors), browser.errors


def test_a_count_by_grade_is_drawn_as_one_bar_a_row(browser: Tab, live_server: str) -> None:
    browser.resize(1280)
    show_chart(browser, live_server, COUNTS)
    assert browser.errors == []
    expected = endpoint_answer(live_server, COUNTS)
    assert len(expected) >= 3
    bars = browser.evaluate(BARS)
    assert [(label, value) for label, value, _ in bars] == expected
    # Lengths are in proportion: the largest count spans the chart, the others their share of it.
    widths = [width for _, _, width in bars]
    largest = max(int(value) for _, value in expected)
    for (_, value), width in zip(expected, widths, strict=True):
        assert width == pytest.approx(widths[0] * int(value) / largest, abs=1.5)
    chart = browser.page.locator(".results-view svg.results-chart")
    assert chart.get_attribute("role") == "img"
    name = browser.evaluate("(() => { const s = document.querySelector('.results-view svg.results-chart');"
                            " return s.getAttribute('aria-labelledby').split(' ')"
                            ".map(id => document.getElementById(id).textContent).join(' | '); })()")
    assert name.startswith("Bar chart: judgements by grade | "), name
    assert f"{expected[0][0]}: {expected[0][1]}" in name  # the figures, for those who do not see the bars
    # The server's table gives way to the viewer's, one click from the chart.
    assert browser.evaluate("document.querySelector('.server-results').hidden") is True
    browser.page.click(".results-view .yasr_btn.select_table")
    browser.wait_until("document.querySelector('.results-view .yasr_results table') !== null")
    cells = browser.evaluate("Array.from(document.querySelectorAll('.results-view .yasr_results tbody td'))"
                             ".map(td => td.innerText.trim())")
    assert expected[0][0] in " ".join(cells)
    assert browser.errors == []


UNCHARTED = {
    "labels only": (LABELS_ONLY, "no column holds only numbers"),
    "numbers only": ("SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }", "no column holds labels"),
    "negative": ('SELECT ?x ?v WHERE { VALUES (?x ?v) { ("a" -1) ("b" 2) } }', "negative numbers"),
    "too many rows": ("PREFIX peel: <https://w3id.org/peelkg/def/peel#>\n"
                      "SELECT ?j (1 AS ?one) WHERE { ?j a peel:Judgement } LIMIT 201", "201 rows, more than the 200"),
}


@pytest.mark.parametrize("case", UNCHARTED, ids=list(UNCHARTED))
def test_an_answer_that_cannot_be_charted_says_why(browser: Tab, live_server: str, case: str) -> None:
    query, reason = UNCHARTED[case]
    browser.resize(1280)
    show_chart(browser, live_server, query)
    message = browser.evaluate("document.querySelector('.results-view .chart-message').innerText")
    assert "cannot be drawn as a chart" in message and reason in message, message
    assert "Table view" in message
    assert browser.evaluate("document.querySelector('.results-view svg.results-chart')") is None
    assert browser.errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_query_page_with_its_chart_meets_wcag_aa(browser: Tab, live_server: str, width: int) -> None:
    from tests.web.browser_support import axe_source

    source = axe_source()
    assert AXE_CORE.files[0] == "axe.min.js"
    browser.resize(width)
    show_chart(browser, live_server, COUNTS)
    browser.screenshot(f"query-chart-{width}")
    violations = run_axe(browser, source)
    assert violations == [], f"the query page with its chart at {width} px:\n{describe(violations)}"
    sizes = browser.evaluate(TEXT_SIZES)
    assert sizes and all(size >= 12 for _, _, size in sizes), [s for s in sizes if s[2] < 12][:5]
    marks = [m for m in browser.evaluate(MARK_CONTRASTS) if m[0].startswith("results-chart")]
    assert marks and all(ratio >= 3 and opacity == 1 for _, _, _, ratio, opacity in marks), marks[:5]
    for screen in (width, *([320] if width < 1280 else [])):  # a phone's, and the smallest screen reflowed to
        browser.resize(screen)
        cut = browser.page.evaluate(CUT_OFF, {"width": screen, "whole": True})
        assert cut == [], f"cut off at the screen's edge at {screen} px: {cut}"
        assert browser.evaluate("document.documentElement.scrollWidth") <= screen
    browser.resize(width)
    assert browser.evaluate(f"{EDITOR}.getValue()").startswith("PREFIX peel:")  # the editor stays above
    # The chart's table alternative, the viewer's own table, meets the same bar.
    browser.page.click(".results-view .yasr_btn.select_table")
    browser.wait_until("document.querySelector('.results-view .yasr_results table') !== null")
    violations = run_axe(browser, source)
    assert violations == [], f"the query page with its table at {width} px:\n{describe(violations)}"
    assert browser.evaluate("document.documentElement.scrollWidth") <= width
    assert browser.errors == []


def test_several_number_columns_are_bars_side_by_side_with_a_key(browser: Tab, live_server: str) -> None:
    browser.resize(390)
    show_chart(browser, live_server, TWO_COUNTS)
    assert browser.errors == []
    keys = browser.evaluate("Array.from(document.querySelectorAll('.results-view svg.results-chart g.key'))"
                            ".map(g => g.textContent)")
    assert keys == ["good", "other"]
    bars = browser.evaluate("Array.from(document.querySelectorAll('.results-view svg.results-chart g.bar'))"
                            ".map(g => [g.getAttribute('data-label'), g.getAttribute('data-series'),"
                            " g.getAttribute('data-value')])")
    request = urllib.request.Request(live_server + "/sparql?" + urlencode({"query": TWO_COUNTS}),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)["results"]["bindings"]
    assert bars == [[b["year"]["value"], series, b[series]["value"]] for b in answer for series in ("good", "other")]
    fills = browser.evaluate("Array.from(document.querySelectorAll('.results-view svg.results-chart g.bar rect'))"
                             ".map(r => r.getAttribute('fill'))")
    assert len(set(fills)) == 2  # a colour a column, the same in every row


def test_a_sort_chosen_in_the_address_keeps_the_servers_table(browser: Tab, live_server: str) -> None:
    """Facets and sort links (decision 0109) are the server's: an address that chooses one shows its table, not
    the viewer, which would show the answer unsorted and unfiltered."""
    browser.resize(1280)
    browser.open(page_of(live_server, COUNTS) + "&_sort=grade")
    browser.wait_until("document.querySelector('.CodeMirror') !== null")
    browser.page.wait_for_timeout(500)  # time the viewer would take to appear
    assert browser.evaluate("document.querySelector('.results-view')") is None
    assert browser.evaluate("document.querySelector('.server-results').hidden") is False
    grades = browser.evaluate("Array.from(document.querySelectorAll('.server-results table.results tbody tr'))"
                              ".map(tr => tr.cells[0].innerText)")
    assert grades == sorted(grades, key=str.casefold) and len(grades) >= 3
    assert browser.errors == []
