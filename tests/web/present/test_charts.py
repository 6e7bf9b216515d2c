"""Charts are well-formed, accessible SVG: parsed as XML, with role, title, description, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from web.present.charts import (
    BACKGROUND,
    GRADE_COLOURS,
    NetNode,
    Series,
    chart_palette,
    contrast,
    grade_timeline,
    network,
    stacked_bars,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
LEVELS = [(4, "Outstanding"), (3, "Good"), (2, "Requires improvement"), (1, "Inadequate")]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def check_accessible(root: ET.Element, chart_id: str) -> None:
    assert root.get("role") == "img"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None and title.text and desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.get("id", "").startswith(chart_id)
    assert root.find(".//svg:script", NS) is None and not any(k.startswith("on") for e in root.iter() for k in e.attrib)


def test_timeline_is_one_panel_a_series_with_every_level_labelled() -> None:
    svg = grade_timeline("t", Series("Efficiency", {2015: 4, 2016: 3}), LEVELS, [2015, 2016, 2017])
    root = parse(svg)
    check_accessible(root, "t")
    assert len(root.findall(".//svg:polyline", NS)) == 1
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"Outstanding", "Good", "Requires improvement", "Inadequate", "2015", "2017", "Efficiency"} <= set(texts)
    assert root.findtext("svg:desc", namespaces=NS) == "Efficiency: 2015 Outstanding, 2016 Good."
    efficiency = root.find(".//svg:g[@data-series='Efficiency']/svg:polyline", NS)
    assert efficiency is not None
    (x1, y1), (x2, y2) = (map(float, p.split(",")) for p in efficiency.get("points", "").split())
    assert x2 > x1 and y2 > y1  # outstanding → good: the line goes down


def test_panels_of_a_small_multiple_share_their_scale() -> None:
    """Regression: one chart held every pillar's line, and equal grades drew the lines on top of each other."""
    years = [2015, 2016, 2017]
    panels = [parse(grade_timeline(f"p{i}", Series(name, {2015: 3, 2016: 3, 2017: 2}), LEVELS, years))
              for i, name in enumerate(("Effectiveness", "Efficiency", "Legitimacy"))]
    lines = [p.find(".//svg:polyline", NS) for p in panels]
    assert all(line is not None for line in lines)
    assert len({line.get("points") for line in lines if line is not None}) == 1  # same grades, same place
    assert len({p.get("viewBox") for p in panels}) == 1
    assert int(panels[0].get("width", "0")) <= 366  # shown unscaled in a 390 px phone's column


def test_every_chart_reads_at_4_5_to_1_and_marks_at_3_to_1() -> None:
    """Regression: the "Efficiency" end label was drawn in #E69F00, 2.25:1 on the page (AA text needs 4.5:1);
    network nodes were orange and yellow (2.2:1, 1.2:1), links a 60 % grey, bar segments light green (2.1:1)."""
    nodes = [NetNode(str(i), f"Member {i}", i, i) for i in range(1, 10)]
    charts = [
        grade_timeline("c", Series("Efficiency", {2015: 4, 2016: 3}), LEVELS, [2015, 2016, 2017]),
        stacked_bars("b", "Grades", "Per year", [("2015", [(g, 2) for g in GRADE_COLOURS])], GRADE_COLOURS),
        network("n", "Net", "Links", nodes, [(str(i), str(i + 1), i) for i in range(1, 9)]),
    ]
    for svg in charts:
        root = parse(svg)
        for element in root.iter():
            assert element.get("opacity") is None and element.get("stroke-opacity") is None
            if element.tag.endswith("text") and element.get("fill") and not _inside_bar(root, element):
                assert contrast(element.get("fill", ""), BACKGROUND) >= 4.5, (element.text, element.get("fill"))
        marks = _marks(root)
        assert marks, svg[:80]
        for tag, colour in marks:
            assert contrast(colour, BACKGROUND) >= 3, (root.get("id"), tag, colour)


def _inside_bar(root: ET.Element, text: ET.Element) -> bool:
    """Counts written on a bar segment are read against the segment (checked with text_colour), not the page."""
    return any(text in list(group) and group.find("svg:rect", NS) is not None
               for group in root.iter("{http://www.w3.org/2000/svg}g") if group.get("class") == "bar") \
        and text.get("text-anchor") == "middle"


def _marks(root: ET.Element) -> list[tuple[str, str]]:
    """(tag, colour) of what marks the page: lines and outlines by their stroke, filled shapes without an outline
    by their fill (an outlined shape is seen by its outline)."""
    found = []
    inherited = {g: g.get("stroke") for g in root.iter("{http://www.w3.org/2000/svg}g")}
    for group, stroke in inherited.items():
        for element in group:
            if stroke and element.get("stroke") is None and element.tag.endswith(("line", "path", "polyline")):
                found.append((element.tag, stroke))
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag not in ("line", "path", "polyline", "circle", "rect", "polygon"):
            continue
        if element.get("stroke") not in (None, "none"):
            found.append((tag, element.get("stroke", "")))
        elif tag in ("circle", "rect", "polygon") and element.get("fill") not in (None, "none"):
            found.append((tag, element.get("fill", "")))
    return found


def test_bars_are_split_in_proportion_and_counts_written() -> None:
    root = parse(stacked_bars("d", "Grades", "Per year", [("2015", [("Good", 3), ("Inadequate", 1)])], GRADE_COLOURS))
    check_accessible(root, "d")
    bars = root.findall(".//svg:g[@class='bar']/svg:rect", NS)
    widths = [float(r.get("width", "0").rstrip("%")) for r in bars]  # percentages of the column
    assert widths[0] == pytest.approx(3 * widths[1], rel=0.01)
    assert [r.get("fill") for r in bars] == [GRADE_COLOURS["Good"], GRADE_COLOURS["Inadequate"]]
    assert "3" in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_network_draws_nodes_and_links_and_escapes_labels() -> None:
    nodes = [NetNode("a", "<script>alert(1)</script> & co", 3, 1), NetNode("b", "B", 1, 2)]
    svg = network("n", "Net <work>", "A & B", nodes, [("a", "b", 2), ("a", "missing", 1)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.get("role") == "group"  # it holds links, which a picture's role would hide
    assert root.get("aria-labelledby") == "n-title n-desc"
    assert len(root.findall(".//svg:circle", NS)) == 2
    assert len(root.findall(".//svg:g[@class='links']/svg:path", NS)) == 1
    assert root.find("svg:title", NS).text == "Net <work>"  # type: ignore[union-attr]


def test_network_members_link_to_their_pages_with_whole_labels() -> None:
    """Regression: labels were cut to 30 characters, and members were not links."""
    long = "Independent Office for Police Conduct and Complaints Commission"
    nodes = [NetNode("a", long, 3, 1, "/doc/organisation/iopc"), NetNode("b", "Norfolk Constabulary", 1, 1)]
    root = parse(network("n", "Net", "Links", nodes, [("a", "b", 1)]))
    (link,) = root.findall(".//svg:a", NS)
    assert link.get("href") == "/doc/organisation/iopc" and link.get("aria-label") == long
    spans = [s.text for s in link.iter("{http://www.w3.org/2000/svg}tspan")]
    assert " ".join(s or "" for s in spans) == long and all(len(s or "") <= 26 for s in spans)
    assert root.get("width") == "100%" and root.get("viewBox") is None  # text keeps its size on any screen


def test_the_browser_charts_palette_reads_at_4_5_to_1_on_the_page_and_under_white_text() -> None:
    """The query page's result chart (results-chart.js) draws with this palette: bars and text on the page, and a
    bar's value in the page's colour inside it, so every series colour needs 4.5:1 both ways, and the zero rule 3:1."""
    palette = chart_palette()
    paper = str(palette["paper"])
    assert paper == BACKGROUND
    assert contrast(str(palette["text"]), paper) >= 4.5
    assert contrast(str(palette["rule"]), paper) >= 3
    series = palette["series"]
    assert isinstance(series, list) and len(series) >= 3
    assert all(contrast(colour, paper) >= 4.5 for colour in series), series
