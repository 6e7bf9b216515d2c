"""Charts are well-formed, accessible SVG: parsed as XML, with role, title, description, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from web.present.charts import (
    BACKGROUND,
    GRADE_COLOURS,
    NetNode,
    Series,
    contrast,
    grade_timeline,
    network,
    shorten,
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


def test_timeline_draws_a_line_per_series_and_labels_every_level() -> None:
    svg = grade_timeline("t", "Grades", "Over time", [Series("Efficiency", {2015: 4, 2016: 3}),
                                                      Series("Legitimacy", {2015: 3, 2016: 3, 2017: 3})],
                         LEVELS, [2015, 2016, 2017])
    root = parse(svg)
    check_accessible(root, "t")
    assert len(root.findall(".//svg:polyline", NS)) == 2
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"Outstanding", "Good", "Requires improvement", "Inadequate", "2015", "2017", "Efficiency"} <= set(texts)
    efficiency = root.find(".//svg:g[@data-series='Efficiency']/svg:polyline", NS)
    assert efficiency is not None
    (x1, y1), (x2, y2) = (map(float, p.split(",")) for p in efficiency.get("points", "").split())
    assert x2 > x1 and y2 > y1  # outstanding → good: the line goes down


def test_timeline_text_reads_at_4_5_to_1_and_marks_at_3_to_1() -> None:
    """Regression: the "Efficiency" end label was drawn in #E69F00, 2.25:1 on the page (AA text needs 4.5:1)."""
    series = [Series(name, {2015: 4, 2016: 3}) for name in ("Effectiveness", "Efficiency", "Legitimacy", "Leadership",
                                                            "Extra one", "Extra two")]
    root = parse(grade_timeline("c", "Grades", "Over time", series, LEVELS, [2015, 2016, 2017]))
    texts = list(root.iter("{http://www.w3.org/2000/svg}text"))
    assert {t.text for t in texts} >= {s.label for s in series}
    for text in texts:
        colour = text.get("fill", "#000000")
        assert contrast(colour, BACKGROUND) >= 4.5, (text.text, colour)
    marks = [e.get(a) for e in root.iter() for a in ("fill", "stroke")
             if e.get(a) not in (None, "none") and e.tag.endswith(("polyline", "circle", "rect", "polygon"))]
    assert marks and all(contrast(m or "", BACKGROUND) >= 3 for m in marks), marks


def test_bars_are_split_in_proportion_and_counts_written() -> None:
    root = parse(stacked_bars("d", "Grades", "Per year", [("2015", [("Good", 3), ("Inadequate", 1)])], GRADE_COLOURS))
    check_accessible(root, "d")
    bars = root.findall(".//svg:g[@class='bar']/svg:rect", NS)
    widths = [float(r.get("width", "0")) for r in bars]
    assert widths[0] == pytest.approx(3 * widths[1], rel=0.01)
    assert [r.get("fill") for r in bars] == [GRADE_COLOURS["Good"], GRADE_COLOURS["Inadequate"]]
    assert "3" in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_network_draws_nodes_and_links_and_escapes_labels() -> None:
    nodes = [NetNode("a", "<script>alert(1)</script> & co", 3, 1), NetNode("b", "B", 1, 2)]
    svg = network("n", "Net <work>", "A & B", nodes, [("a", "b", 2), ("a", "missing", 1)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = parse(svg)
    check_accessible(root, "n")
    assert len(root.findall(".//svg:circle", NS)) == 2
    assert len(root.findall(".//svg:g[@class='links']/svg:line", NS)) == 1
    assert root.find("svg:title", NS).text == "Net <work>"  # type: ignore[union-attr]


def test_long_labels_are_shortened() -> None:
    assert shorten("x" * 40, 10) == "x" * 9 + "…"
