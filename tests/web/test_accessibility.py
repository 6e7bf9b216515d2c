"""WCAG 2.2 A and AA on every page type, at desktop and phone width: axe-core in Debian's Chromium.

axe-core (the npm package, fetched by ``browser_support``) is evaluated in each page through Playwright; any
violation fails with its rule, impact and the elements it names. Each page must also fit its screen (no sideways
scrolling, at 320 px too) and leaves a full-page screenshot in ``test-artefacts/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser_support import Tab, axe_source, open_browser

WIDTHS = {"desktop": 1280, "phone": 390}
SMALLEST = 320  # the phone pages must also reflow at this width (WCAG 1.4.10) without sideways scrolling
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PAGES = {
    "home": "/",
    "forces": "/forces",
    "force-with-report": "/doc/force/norfolk",
    "force-without-report": "/doc/force/suffolk",
    "inspection": "/doc/inspection/2016/norfolk/effectiveness",
    "judgement": "/doc/judgement/2016/norfolk/effectiveness/1",
    "theme": "/doc/theme/domestic-abuse",
    "grade": "/doc/grade/good",
    "search": "/search?q=norfolk",
    "query": "/sparql",
    "canned-query": "/queries/judgements?force=norfolk&year=2016",
    "faceted-table": "/queries/judgements?year=2016&_f.pillar=Efficiency&_sort=grade",
    "analytics": "/analytics",
    "downloads": "/download/",
    "dataset": "/dataset",
    "ontology": "/def/peel",
    "not-found": "/doc/force/no-such-force",
    "accessibility-statement": "/accessibility",
    "compare": "/compare?force=norfolk&force=suffolk",
}


# Pages whose tables must fit a phone's screen whole, at 390 and at 320 px, not scroll inside their region
# (regressions: the second force's heading on /compare was cut off at 390 px; the force page's grades by pillar and
# year, the compare table and the grade page's counts scrolled inside their own regions at 320 px).
WHOLE_ON_A_PHONE = {"compare", "force-with-report", "force-without-report", "grade"}
# Visible elements that end past the screen's right edge: the page's own scroll width can stay within the screen
# while a wide table is clipped. Inside a table's own scroll region that is allowed (a two-way grid scrolls), and
# inside the query editor, which scrolls long lines itself.
CUT_OFF = """({width, whole}) => Array.from(document.querySelectorAll('main *'))
  .filter(e => e.checkVisibility() && e.getBoundingClientRect().right > width + 0.5
    && !e.closest('.CodeMirror, .sparql-editor, textarea')
    && (whole || !e.closest('.table-scroll, .results-scroll')))
  .map(e => e.tagName.toLowerCase() + ' ' + (e.textContent || '').trim().slice(0, 40)).slice(0, 5)"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tab]:
    with open_browser(tmp_path_factory.mktemp("chromium-a11y")) as tab:
        yield tab


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


def run_axe(tab: Tab, source: str) -> list[dict[str, Any]]:
    """axe-core's WCAG A/AA violations for the open page (evaluated through the driver, so the page's CSP holds)."""
    if not tab.evaluate("typeof window.axe !== 'undefined'"):
        tab.evaluate(source)
    result: list[dict[str, Any]] = tab.page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})))",
        WCAG_TAGS)
    return result


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
                     for v in violations)


def test_axe_sees_a_violation(browser: Tab, axe: str) -> None:
    """The check is real: an image without a text alternative and grey-on-white text are reported."""
    browser.resize(1280)
    browser.open("data:text/html,<html lang=en><title>t</title><main><img src=x.png>"
                 "<p style='color:%23bbb;background:%23fff'>faint</p></main></html>")
    found = {v["id"] for v in run_axe(browser, axe)}
    assert {"image-alt", "color-contrast"} <= found


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
@pytest.mark.parametrize("page", PAGES, ids=list(PAGES))
def test_page_meets_wcag_aa_and_fits_the_screen(browser: Tab, axe: str, live_server: str, page: str,
                                                width: str) -> None:
    browser.resize(WIDTHS[width])
    browser.open(live_server + PAGES[page])
    browser.screenshot(f"{page}-{width}")
    violations = run_axe(browser, axe)
    assert violations == [], f"{PAGES[page]} at {WIDTHS[width]} px:\n{describe(violations)}"
    cut = browser.page.evaluate(CUT_OFF, {"width": WIDTHS[width], "whole": page in WHOLE_ON_A_PHONE})
    assert cut == [], f"{PAGES[page]} at {WIDTHS[width]} px: cut off at the screen's edge: {cut}"
    for screen in (WIDTHS[width], *([SMALLEST] if width == "phone" else [])):
        browser.resize(screen)
        scroll_width = browser.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= screen, f"{PAGES[page]} is {scroll_width} px wide on a {screen} px screen"
        if page in WHOLE_ON_A_PHONE:
            cut = browser.page.evaluate(CUT_OFF, {"width": screen, "whole": True})
            assert cut == [], f"{PAGES[page]} at {screen} px: cut off at the screen's edge: {cut}"
