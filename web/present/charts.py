"""Charts as SVG text: pure functions from plain data to an accessible ``<svg>`` element.

Every chart is built with ``xml.etree.ElementTree`` (so every label and title is escaped),
carries ``role="img"``, a ``<title>`` and a ``<desc>`` referenced by ``aria-labelledby``,
and no script or external resource.  Colours come from colour-blind-safe palettes, and the
figures are also written as text (counts in bars, labels beside points), so that a page can
add a data table as the text alternative without the chart losing meaning in grey.

>>> svg = stacked_bars("d", "Grades", "Counts per year", [("2015", [("Good", 3)])], {"Good": "#7fbf7b"})
>>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and 'role="img"' in svg
True
"""

from __future__ import annotations

import math
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
GRADE_COLOURS = {
    "Outstanding": "#1b7837",
    "Good": "#7fbf7b",
    "Adequate": "#d9f0d3",
    "Requires improvement": "#f1a340",
    "Inadequate": "#b2182b",
}
BACKGROUND = "#ffffff"  # the page's paper colour, behind every chart
# Lines and points: the colour-blind-safe Okabe–Ito hues, darkened until each is at least 4.5:1 against
# BACKGROUND (text contrast, WCAG 2.2 1.4.3), so marks pass 3:1 (1.4.11) with room to spare.
SERIES_COLOURS = ("#0072B2", "#A65E00", "#00795C", "#A8427F", "#5C3C92", "#3A3A3A")
COMMUNITY_COLOURS = (*SERIES_COLOURS, "#B2182B")  # network nodes: every one at least 3:1 on BACKGROUND (1.4.11)
GRID_COLOUR = "#8c8c8c"  # level rules of the grade panels: 3.4:1
LINK_COLOUR = "#767676"  # network links: 4.5:1
TEXT_COLOUR = "#1b1b1b"  # the page's ink: text of a chart drawn in the browser (17:1)
OUTLINE = "#3a3a3a"  # around bar segments and swatches, whose fills may be lighter than 3:1
FLUID_MIN_WIDTH = 296  # the narrowest column a chart that takes its column's width is laid out for (a 320 px screen)


def chart_palette() -> dict[str, object]:
    """The colours a chart drawn in the browser uses (the query page's result chart): the same as these charts'.

    >>> chart_palette()["series"][0], chart_palette()["rule"]
    ('#0072B2', '#8c8c8c')
    """
    return {"series": list(SERIES_COLOURS), "text": TEXT_COLOUR, "rule": GRID_COLOUR, "paper": BACKGROUND}


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _canvas(chart_id: str, width: int, height: int, title: str, description: str, role: str = "img") -> ET.Element:
    """The chart's root: drawn at ``width`` and scaled to its column, or, with ``width`` 0, as wide as its column
    at every size (text keeps its pixel size; the drawing lays out in percentages).  ``role="group"`` for a
    chart holding links, whose children a picture's role would hide."""
    size = {"width": "100%"} if width == 0 else {"viewBox": f"0 0 {width} {height}", "width": str(width)}
    svg = ET.Element("svg", {
        "xmlns": SVG_NS, "role": role, **size, "height": str(height),
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc", "id": chart_id,
        "font-family": FONT, "font-size": "12", "class": "peel-chart" + (" fluid" if width == 0 else ""),
    })
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    return svg


def _text(parent: ET.Element, x: float | str, y: float, text: str, **attrs: str) -> ET.Element:
    """A text element at ``x`` (user units, or a string such as ``"50%"``), ``y``."""
    names = {k.replace("_", "-"): v for k, v in attrs.items()}
    element = ET.SubElement(parent, "text", {"x": x if isinstance(x, str) else _fmt(x), "y": _fmt(y), **names})
    element.text = text
    return element


def _render(svg: ET.Element) -> str:
    return ET.tostring(svg, encoding="unicode", short_empty_elements=True)


def contrast(foreground: str, background: str = BACKGROUND) -> float:
    """The WCAG 2.2 contrast ratio of two ``#rrggbb`` colours (1 to 21).

    >>> round(contrast("#E69F00"), 2), round(contrast("#000000"), 1)
    (2.25, 21.0)
    """
    def luminance(colour: str) -> float:
        r, g, b = (int(colour[i: i + 2], 16) / 255 for i in (1, 3, 5))
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (``#rrggbb``).

    >>> text_colour("#1b7837"), text_colour("#f1a340")
    ('#ffffff', '#000000')
    """
    r, g, b = (int(background[i: i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 0.45 else "#ffffff"


# --- grades over time -------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    label: str
    points: Mapping[int, int]  # year → rank on the scale


PANEL_WIDTH = 320  # a panel's width in CSS px: one fits a 390 px phone unscaled, three sit side by side on a desktop
PANEL_FONT = 13  # still 12 px when a 320 px screen scales the panel down to its column


def grade_timeline(
    chart_id: str, series: Series, levels: Sequence[tuple[int, str]], years: Sequence[int],
) -> str:
    """One panel of a small multiple: a series' grades over ``years``, the scale's levels as rows (best on top).

    Each series gets a panel of its own, drawn on the same levels and years as the others, so that lines
    never lie on top of each other and panels compare at a glance (decision 0110).  ``levels`` are (rank,
    label) pairs of the grading scale.  The panel's title is the series' label; its description says
    every grade in words.

    >>> svg = grade_timeline("p", Series("Efficiency", {2015: 3, 2016: 2}), [(3, "Good"), (2, "Requires improvement")],
    ...                      [2015, 2016])
    >>> "Efficiency: 2015 Good, 2016 Requires improvement." in svg, svg.count("<circle")
    (True, 2)
    """
    width, left, right, top, row = PANEL_WIDTH, 176, 18, 44, 30
    names = dict(levels)
    ranks = sorted(names)
    lowest, highest = ranks[0], ranks[-1]
    span = max(highest - lowest, 1)
    plot = row * max(len(ranks) - 1, 1)
    height = top + plot + 40
    said = ", ".join(f"{year} {names.get(rank, 'not graded')}" for year in years
                     if (rank := series.points.get(year)) is not None)
    svg = _canvas(chart_id, width, height, series.label, f"{series.label}: {said}.")
    svg.set("font-size", str(PANEL_FONT))
    xs = {year: left + (width - left - right) * (i / max(len(years) - 1, 1)) for i, year in enumerate(years)}
    if len(years) == 1:
        xs = {years[0]: (left + width - right) / 2}

    def y_of(rank: float) -> float:
        return top + (highest - rank) / span * plot

    _text(svg, 0, 18, series.label, font_weight="bold", font_size="15")
    axes = ET.SubElement(svg, "g", {"class": "axes", "stroke": GRID_COLOUR})
    for rank, label in levels:
        ET.SubElement(axes, "line", {"x1": str(left - 6), "x2": str(width - right + 6), "y1": _fmt(y_of(rank)),
                                     "y2": _fmt(y_of(rank)), "stroke-dasharray": "2 3"})
        _text(svg, left - 12, y_of(rank) + 4, label, text_anchor="end")
    for year, x in xs.items():
        _text(svg, x, height - 12, str(year), text_anchor="middle", font_weight="bold")
    colour = SERIES_COLOURS[0]
    group = ET.SubElement(svg, "g", {"class": "series", "data-series": series.label})
    points = [(xs[y], y_of(series.points[y])) for y in years if y in series.points]
    if len(points) > 1:
        ET.SubElement(group, "polyline", {
            "points": " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points), "fill": "none",
            "stroke": colour, "stroke-width": "2.5",
        })
    for x, y in points:
        ET.SubElement(group, "circle", {"cx": _fmt(x), "cy": _fmt(y), "r": "5.5", "fill": colour})
    return _render(svg)


# --- distributions ------------------------------------------------------------------------------


def stacked_bars(
    chart_id: str, title: str, description: str, rows: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    colours: Mapping[str, str],
) -> str:
    """Horizontal bars, one per row, split into counted categories (each bar scaled to 100%).

    ``rows`` are (row label, [(category, count), …]); each row's label stands above its bar and counts are
    written inside segments wide enough for them.  The drawing takes the width of its column (bars are laid out
    in percentages, text in pixels), so its text keeps its size on any screen; each segment is outlined, so that
    light grade colours still stand out from the page (decision 0110).
    """
    bar, label, gap = 22, 18, 10
    categories = list(dict.fromkeys(c for _, parts in rows for c, _ in parts))
    legend: list[tuple[str, float, float]] = []  # category, x, y: wrapped to fit the narrowest phone column
    x, y = 0.0, 8.0
    for category in categories:
        room = 22 + 7.5 * len(category)
        if x and x + room > FLUID_MIN_WIDTH:
            x, y = 0.0, y + 20
        legend.append((category, x, y))
        x += room + 14
    top = y + 30
    height = top + len(rows) * (label + bar + gap)
    svg = _canvas(chart_id, 0, int(height), title, description)
    for category, lx, ly in legend:
        ET.SubElement(svg, "rect", {"x": _fmt(lx), "y": _fmt(ly), "width": "14", "height": "14",
                                    "fill": colours.get(category, "#999999"), "stroke": OUTLINE})
        _text(svg, lx + 20, ly + 12, category)
    for i, (row_label, parts) in enumerate(rows):
        y = top + i * (label + bar + gap)
        group = ET.SubElement(svg, "g", {"class": "bar", "data-row": row_label})
        _text(group, 0, y + 13, row_label, font_weight="bold")
        total = sum(count for _, count in parts) or 1
        offset = 0.0
        for category, count in parts:
            if count <= 0:
                continue
            share = 99.5 * count / total  # percent of the width, leaving room for the outline's right edge
            colour = colours.get(category, "#999999")
            rect = ET.SubElement(group, "rect", {"x": f"{_fmt(offset)}%", "y": _fmt(y + label),
                                                 "width": f"{_fmt(share)}%", "height": str(bar), "fill": colour,
                                                 "stroke": OUTLINE})
            ET.SubElement(rect, "title").text = f"{row_label}: {count} {category}"
            if share >= 9:
                _text(group, f"{_fmt(offset + share / 2)}%", y + label + bar / 2 + 4, str(count), text_anchor="middle",
                      fill=text_colour(colour))
            offset += share
    return _render(svg)


def value_bars(chart_id: str, title: str, description: str, rows: Sequence[tuple[str, float]], unit: str) -> str:
    """Horizontal bars on one absolute scale (the largest value spans the width), each labelled with its value.

    >>> svg = value_bars("t", "Build time", "Seconds per build", [("full", 60.0), ("cached", 15.5)], "s")
    >>> svg.count('class="bar"'), "15.5 s" in svg
    (2, True)
    """
    width, left, right, top, bar, gap = 640, 190, 70, 16, 20, 8
    height = top + len(rows) * (bar + gap) + 10
    svg = _canvas(chart_id, width, height, title, description)
    largest = max((value for _, value in rows), default=0.0) or 1.0
    usable = width - left - right
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar + gap)
        group = ET.SubElement(svg, "g", {"class": "bar", "data-row": label})
        _text(group, left - 8, y + bar / 2 + 4, label, text_anchor="end")
        length = usable * max(value, 0.0) / largest
        rect = ET.SubElement(group, "rect", {"x": str(left), "y": str(y), "width": _fmt(length),
                                             "height": str(bar), "fill": "#1d70b8"})
        ET.SubElement(rect, "title").text = f"{label}: {_fmt(value)} {unit}"
        _text(group, left + length + 6, y + bar / 2 + 4, f"{_fmt(value)} {unit}")
    return _render(svg)


# --- networks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetNode:
    key: str
    label: str
    size: float  # e.g. weighted degree
    group: int  # community, from 1
    href: str | None = None  # the member's page, when it has one


LABEL_CHARS = 26  # a label line's length: fits beside the arcs in FLUID_MIN_WIDTH at 12 px


def network(
    chart_id: str, title: str, description: str, nodes: Sequence[NetNode], links: Sequence[tuple[str, str, int]],
) -> str:
    """An arc diagram: members one below the other, grouped by community, with every link drawn as an arc at
    their left; each member's whole label beside it (wrapped, never cut) and a link to its page.

    Node area grows with ``size``; arc width with weight; colour shows the community.  The drawing takes its
    column's width and its text keeps 12 px on any screen.  Members with a page are ``<a>`` elements, reached
    with Tab and named by their label, so the root is a ``group``, not a picture (decision 0110).
    """
    band, line, pad = 96.0, 16, 8
    node_x, label_x, top = band + 10, band + 24, 10.0
    ordered = sorted(nodes, key=lambda n: (n.group, -n.size, n.label, n.key))
    lines = {n.key: textwrap.wrap(n.label, LABEL_CHARS) or [n.key] for n in ordered}
    ys: dict[str, float] = {}
    y = top
    for n in ordered:
        ys[n.key] = y + 11
        y += max(line * len(lines[n.key]) + pad, 24)
    svg = _canvas(chart_id, 0, int(y + top), title, description, role="group")
    heaviest = max((w for _, _, w in links), default=1)
    edges = ET.SubElement(svg, "g", {"class": "links", "stroke": LINK_COLOUR, "fill": "none"})
    for a, b, weight in links:
        if a in ys and b in ys and a != b:
            y1, y2 = sorted((ys[a], ys[b]))
            bulge = min(band - 4, max(6.0, (y2 - y1) * 0.3))
            ET.SubElement(edges, "path", {
                "d": f"M{_fmt(node_x)},{_fmt(y1)} A{_fmt(bulge)},{_fmt((y2 - y1) / 2)} 0 0 0 {_fmt(node_x)},{_fmt(y2)}",
                "stroke-width": _fmt(1 + 3 * weight / heaviest)})
    biggest = max((n.size for n in ordered), default=1.0) or 1.0
    for n in ordered:
        parent = svg
        if n.href:
            parent = ET.SubElement(svg, "a", {"href": n.href, "class": "member", "aria-label": n.label})
        group = ET.SubElement(parent, "g", {"class": "node", "data-key": n.key})
        colour = COMMUNITY_COLOURS[(n.group - 1) % len(COMMUNITY_COLOURS)]
        circle = ET.SubElement(group, "circle", {"cx": _fmt(node_x), "cy": _fmt(ys[n.key]),
                                                 "r": _fmt(3.5 + 4.5 * math.sqrt(n.size / biggest)), "fill": colour})
        ET.SubElement(circle, "title").text = f"{n.label} (community {n.group})"
        text = _text(group, label_x, ys[n.key] + 4, "")
        text.text = None
        for k, part in enumerate(lines[n.key]):
            span = ET.SubElement(text, "tspan", {"x": _fmt(label_x), "dy": "0" if k == 0 else str(line)})
            span.text = part
    return _render(svg)
