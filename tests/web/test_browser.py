"""What a person sees: Debian's headless Chromium (driven by Playwright) opens pages of a real server.

Anything a page logs as an error — a script error, a failed load, a Content-Security-Policy
violation — fails the test; the first test proves that such errors are caught.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.browser_support import Tab, open_browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tab]:
    with open_browser(tmp_path_factory.mktemp("chromium-profile")) as tab:
        yield tab


def test_console_errors_are_caught(browser: Tab) -> None:
    """The check below is real: an error logged by a page is seen."""
    browser.open("data:text/html,<title>t</title><script>console.error('deliberate')</script>")
    assert any("deliberate" in e for e in browser.errors)


def test_home_page(browser: Tab, live_server: str) -> None:
    browser.open(live_server + "/")
    assert browser.errors == []
    text = browser.evaluate("document.body.innerText")
    assert "PEEL police inspection findings, as linked open data" in text
    assert "43" in text and "forces" in text
    assert "Where to start" in text
    assert browser.evaluate("document.querySelector('a[href=\"/doc/force/norfolk\"]') !== null")
    styled = browser.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor")
    assert styled == "rgb(16, 42, 67)", "the style sheet loaded"


def test_norfolk_page(browser: Tab, live_server: str) -> None:
    browser.open(live_server + "/doc/force/norfolk")
    assert browser.errors == []
    assert browser.evaluate("document.querySelector('h1').innerText") == "Norfolk Constabulary"
    text = browser.evaluate("document.body.innerText")
    assert "Grades by pillar and year" in text
    assert "The force should reduce the backlog of crimes awaiting closure in the incident management unit." in text
    cells = browser.evaluate("Array.from(document.querySelectorAll('table.grades td')).map(td => "
                             "[td.className, td.innerText.trim(), getComputedStyle(td).backgroundColor])")
    outstanding = [c for c in cells if c[1] == "Outstanding"]
    assert outstanding and outstanding[0][0] == "grade grade-outstanding"
    good = [c for c in cells if c[1] == "Good"]
    assert good and good[0][2] != outstanding[0][2], "grades are colour-coded"
    years = browser.evaluate("Array.from(document.querySelectorAll('table.grades:not(.areas) thead th'))"
                             ".map(th => th.innerText)")
    assert years[1:] == ["2015", "2016", "2017", "2018"]  # the bundled reference grades reach 2018/19
    jsonld = browser.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)")
    assert jsonld["name"] == "Norfolk Constabulary"
    source = "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2016/norfolk/effectiveness/"
    assert browser.evaluate(f"document.querySelector('a[href=\"{source}\"]') !== null")
    assert browser.evaluate("document.querySelectorAll('details').length") >= 3  # open without JavaScript


def test_how_did_norfolk_do_in_2016_on_effectiveness_and_why(browser: Tab, live_server: str) -> None:
    """Answered on the force page without a click: the grade, then the findings and areas for improvement
    behind it, as a person reads the page (rendered text; a closed disclosure's text is not read)."""
    browser.open(live_server + "/doc/force/norfolk")
    assert browser.errors == []
    text = browser.evaluate("document.body.innerText")
    start = text.index("Effectiveness 2016: Good")
    section = text[start:text.index("Grades by pillar and year", start)]
    assert "Read the 2016 effectiveness report" in section
    assert "Norfolk Constabulary is good at investigating crime and managing offenders." in section  # a finding
    assert "The force should reduce the backlog of crimes awaiting closure" in section  # an area for improvement
    assert section.index("How effective is the force at investigating crime and reducing re-offending?") \
        < section.index("Norfolk Constabulary is good at investigating crime and managing offenders.")
    latest = text[text.index("Latest grades"):start]
    assert "Effectiveness (2018): Good" in latest  # the latest pillar grade is the 2018/19 one


def test_every_page_has_a_search_box_whose_suggestions_tolerate_typos(browser: Tab, live_server: str) -> None:
    browser.open(live_server + "/doc/theme/domestic-abuse")
    assert browser.errors == []
    box = browser.page.get_by_label("Find a force, theme or organisation")
    box.fill("norfok")  # a typo: the suggestions answer for the word it resembles
    browser.wait_until("document.getElementById('site-q-suggestions').options.length > 0")
    options = browser.evaluate("Array.from(document.getElementById('site-q-suggestions').options).map(o => o.value)")
    assert "Norfolk Constabulary" in options
    box.press("Enter")
    browser.page.wait_for_url("**/search?q=norfok")
    text = browser.evaluate("document.body.innerText")
    assert "showing results for “norfolk” instead" in text
    assert browser.evaluate("Array.from(document.querySelectorAll('ol.results a')).map(a => a.innerText)"
                            ".includes('Norfolk Constabulary')")


def test_two_forces_compared_from_the_form(browser: Tab, live_server: str) -> None:
    browser.open(live_server + "/compare")
    assert browser.errors == []
    browser.page.select_option("#force-1", "norfolk")
    browser.page.select_option("#force-2", "suffolk")
    browser.page.get_by_role("button", name="Compare").click()
    browser.page.wait_for_url("**/compare?force=norfolk&force=suffolk&force=")
    text = browser.evaluate("document.body.innerText")
    assert "Headline grades by pillar and year" in text
    headers = browser.evaluate("Array.from(document.querySelectorAll('table.compare thead th')).map(t => t.innerText)")
    assert headers == ["Pillar", "Norfolk Constabulary", "Suffolk Constabulary"]  # a year heads its rows
    years = browser.evaluate("Array.from(document.querySelectorAll('table.compare th[scope=rowgroup]'))"
                             ".map(t => t.innerText)")
    assert years == ["2018", "2017", "2016", "2015"]


def test_a_result_table_is_filtered_and_sorted_from_the_keyboard(browser: Tab, live_server: str) -> None:
    """Facets and sortable headings are links: reached with Tab, followed with Enter, no script needed."""
    browser.open(live_server + "/queries/judgements?force=norfolk")
    assert browser.errors == []
    every = browser.evaluate("document.querySelectorAll('table.results tbody tr').length")
    link = browser.page.locator("nav.facets details.facet a", has_text="2016").first
    link.focus()
    assert browser.evaluate("document.activeElement.closest('nav.facets') !== null")
    link.press("Enter")
    browser.page.wait_for_url("**/queries/judgements?force=norfolk&_f.year=2016")
    years = browser.evaluate("Array.from(document.querySelectorAll('table.results tbody tr'))"
                             ".map(tr => tr.cells[1].innerText)")
    assert years and all(y.startswith("2016") for y in years) and len(years) < every
    assert "Showing" in browser.evaluate("document.querySelector('nav.facets').innerText")
    heading = browser.page.get_by_role("link", name="grade", exact=True)
    heading.focus()
    heading.press("Enter")
    browser.page.wait_for_url("**/queries/judgements?force=norfolk&_f.year=2016&_sort=grade")
    state = browser.evaluate("Array.from(document.querySelectorAll('table.results th'))"
                             ".find(th => th.innerText.startsWith('grade')).getAttribute('aria-sort')")
    assert state == "ascending"
    grades = browser.evaluate("Array.from(document.querySelectorAll('table.results tbody tr'))"
                              ".map(tr => tr.cells[4].innerText)")
    assert grades == sorted(grades, key=str.casefold)


EDITOR = "document.querySelector('.CodeMirror').CodeMirror"


def test_the_query_editor_knows_the_datasets_prefixes(browser: Tab, live_server: str) -> None:
    """YASGUI's editor declares a prefix as it is typed, from the dataset's own list, and offers that list after
    PREFIX; it asks no other site (a request elsewhere would be a CSP error in the console)."""
    from web.views.sparql import EDITOR_ASSET

    if not EDITOR_ASSET.is_file():
        pytest.skip("the editor's bundle is not installed (`peelkg serve` fetches it with npm on its first start)")
    browser.open(live_server + "/sparql")
    browser.wait_until("document.querySelector('.CodeMirror') !== null")
    opening = browser.evaluate(f"{EDITOR}.getValue()")
    assert opening.count("PREFIX") <= 2, opening  # regression: the example opened with 14 PREFIX lines
    browser.evaluate(f"(() => {{ const cm = {EDITOR}; cm.setValue('SELECT ?label WHERE {{\\n  ?theme a ');"
                     " cm.focus(); cm.setCursor(cm.lineCount(), 0); })()")
    browser.page.keyboard.type("skos:Concept ; skos:prefLabel ?label . FILTER(STR(?label) = \"Domestic abuse\") }")
    browser.wait_until(f"{EDITOR}.getValue().startsWith('PREFIX skos: <http://www.w3.org/2004/02/skos/core#>')")
    browser.page.keyboard.press("Control+Enter")
    browser.page.wait_for_url("**/sparql?query=*")
    cells = browser.evaluate("Array.from(document.querySelectorAll('table.results td')).map(td => td.innerText)")
    assert "Domestic abuse" in cells
    browser.wait_until("document.querySelector('.CodeMirror') !== null")
    browser.evaluate(f"(() => {{ const cm = {EDITOR}; cm.setValue(''); cm.focus(); }})()")
    browser.page.keyboard.type("PREFIX pe")
    browser.wait_until("document.querySelectorAll('.CodeMirror-hints li').length > 0")
    hints = browser.evaluate("Array.from(document.querySelectorAll('.CodeMirror-hints li')).map(l => l.innerText)")
    assert hints == ["peel: <https://w3id.org/peelkg/def/peel#>"]
    assert browser.errors == []
