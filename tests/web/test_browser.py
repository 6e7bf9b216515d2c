"""What a person sees: Debian's headless Chromium (driven by Playwright) opens pages of a real server.

Anything a page logs as an error — a script error, a failed load, a Content-Security-Policy
violation — fails the test; the first test proves that such errors are caught.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 30_000  # the most any step may take


class Tab:
    """A page whose console errors and uncaught exceptions are collected."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, url: str) -> None:
        self.errors.clear()
        self.page.goto(url, wait_until="load")
        self.page.wait_for_timeout(300)  # late console messages arrive after the load event

    def evaluate(self, expression: str) -> Any:
        return self.page.evaluate(expression)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tab]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900})
        try:
            yield Tab(context.new_page())
        finally:
            context.close()


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
    years = browser.evaluate("Array.from(document.querySelectorAll('table.grades thead th')).map(th => th.innerText)")
    assert years[1:] == ["2015", "2016", "2017"]
    jsonld = browser.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)")
    assert jsonld["name"] == "Norfolk Constabulary"
    source = "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2016/norfolk/effectiveness/"
    assert browser.evaluate(f"document.querySelector('a[href=\"{source}\"]') !== null")
    assert browser.evaluate("document.querySelectorAll('details').length") >= 3  # open without JavaScript
