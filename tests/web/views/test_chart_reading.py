"""Charts as a person meets them in Chromium on a 390 px phone: text of 12 px or more, marks of 3:1 or more
against the page, nothing wider than the screen, and network members that are links reached from the keyboard.

Sizes and colours are read from the rendered page (each text's computed font size times the scale its chart is
drawn at; each mark's computed stroke, or fill when it has none), not from the SVG source (decision 0110).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.browser_support import Tab, open_browser

PHONE = 390
CHART_PAGES = ["/analytics", "/doc/force/norfolk", "/analytics/force/norfolk", "/doc/theme/domestic-abuse",
               "/doc/question/2016/effectiveness/0"]
TEXT_SIZES = """() => Array.from(document.querySelectorAll('svg.peel-chart text')).filter(t => t.checkVisibility())
  .map(t => { const m = t.getScreenCTM(); return [t.closest('svg').id, (t.textContent || '').trim(),
              parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1)]; })"""
# WCAG 2.2's relative luminance and contrast ratio, in the page, over the colours Chromium computed.
MARK_CONTRASTS = """() => {
  const lum = c => { const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const page = getComputedStyle(document.body).backgroundColor;
  return Array.from(document.querySelectorAll(
      'svg.peel-chart :is(line, path, polyline, circle, rect, polygon)')).filter(e => e.checkVisibility())
    .map(e => { const s = getComputedStyle(e); const stroke = s.stroke !== 'none' && parseFloat(s.strokeWidth) > 0;
      const colour = stroke ? s.stroke : s.fill;
      return [e.closest('svg').id, e.tagName, colour, ratio(colour, page), parseFloat(s.opacity) *
              parseFloat(stroke ? s.strokeOpacity : s.fillOpacity)]; }); }"""


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tab]:
    with open_browser(tmp_path_factory.mktemp("chromium-charts")) as tab:
        tab.resize(PHONE)
        yield tab


@pytest.mark.parametrize("path", CHART_PAGES)
def test_chart_text_is_readable_and_marks_stand_out_on_a_phone(phone: Tab, live_server: str, path: str) -> None:
    """Regression: a 900-unit network was scaled to 40 % on a phone, its text under 5 px; its nodes were orange
    and yellow (2.2:1, 1.2:1 on white) and its links a grey at 60 % opacity."""
    phone.open(live_server + path)
    assert phone.errors == []
    sizes = phone.evaluate(TEXT_SIZES)
    assert sizes, f"{path} shows no chart text"
    small = [s for s in sizes if s[2] < 12]
    assert not small, f"{path}: chart text under 12 px at {PHONE} px: {small[:5]}"
    marks = phone.evaluate(MARK_CONTRASTS)
    assert marks
    faint = [m for m in marks if m[3] < 3 or m[4] < 1]
    assert not faint, f"{path}: marks under 3:1 against the page (or see-through): {faint[:5]}"
    wide = phone.evaluate("Array.from(document.querySelectorAll('svg.peel-chart'))"
                          ".map(s => s.getBoundingClientRect().right).filter(r => r > innerWidth)")
    assert wide == [], f"{path}: a chart is wider than the screen"


def test_network_members_are_links_reached_with_tab(phone: Tab, live_server: str) -> None:
    """Each member of a network drawing is a focusable link named by its label, leading to its page."""
    phone.open(live_server + "/analytics")
    chart = phone.page.get_by_role("group", name="Themes tagged on the same statements")
    members = chart.get_by_role("link")
    count = members.count()
    assert count >= 10
    names = [members.nth(i).get_attribute("aria-label") for i in range(count)]
    assert "Domestic abuse" in names and all(names)
    first = phone.page.locator("#chart-themes a.member").first
    first.focus()  # reached by Tab from the element before it: the link is in the page's tab order
    phone.page.keyboard.press("Shift+Tab")
    phone.page.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.getAttribute('aria-label')") == names[0]
    outline = phone.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "a focused member shows where the focus is"
    phone.page.keyboard.press("Enter")
    phone.page.wait_for_url("**/doc/theme/**")
    assert phone.evaluate("document.querySelector('h1').innerText") == names[0]


def test_the_checks_see_small_text_and_faint_marks(phone: Tab) -> None:
    """The checks are live: a 900-unit drawing scaled into the phone's width, with a yellow node, fails both."""
    phone.open("data:text/html,<body style='margin:0;background:%23fff'><svg class='peel-chart' id='c' "
               "viewBox='0 0 900 100' width='900' height='100' style='max-width:100%25;height:auto'>"
               "<text x='10' y='50' font-size='12'>label</text><circle cx='500' cy='50' r='9' fill='%23F0E442'/>"
               "</svg></body>")
    ((_, text, size),) = phone.evaluate(TEXT_SIZES)
    assert text == "label" and size < 6
    ((_, tag, _, ratio, _),) = phone.evaluate(MARK_CONTRASTS)
    assert tag == "circle" and ratio < 1.5
