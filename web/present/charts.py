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
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
GRADE_COLOURS = {
    "Outstanding": "#1b7837",
    "Good": "#7fbf7b",
    "Adequate": "#d9f0d3",
    "Requires improvement": "#f1a340",
    "Inadequate": "#b2182b",
}
MARKERS = ("circle", "square", "diamond", "triangle")
BACKGROUND = "#ffffff"  # the page's paper colour, behind every chart
# Lines whose end labels are written in their own colour: darker shades of PALETTE's hues, each at least
# 4.5:1 against BACKGROUND (text contrast, WCAG 2.2 1.4.3), so marks pass 3:1 (1.4.11) as well.
SERIES_COLOURS = ("#0072B2", "#A65E00", "#00795C", "#A8427F", "#5C3C92", "#3A3A3A")


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _canvas(chart_id: str, width: int, height: int, title: str, description: str) -> ET.Element:
    svg = ET.Element("svg", {
        "xmlns": SVG_NS, "role": "img", "viewBox": f"0 0 {width} {height}", "width": str(width),
        "height": str(height), "aria-labelledby": f"{chart_id}-title {chart_id}-desc", "id": chart_id,
        "font-family": FONT, "font-size": "12", "class": "peel-chart",
    })
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    return svg


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: str) -> ET.Element:
    names = {k.replace("_", "-"): v for k, v in attrs.items()}
    element = ET.SubElement(parent, "text", {"x": _fmt(x), "y": _fmt(y), **names})
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


def grade_timeline(
    chart_id: str, title: str, description: str, series: Sequence[Series], levels: Sequence[tuple[int, str]],
    years: Sequence[int],
) -> str:
    """Lines of grades over years: one line per series, the scale's levels as rows (best on top).

    ``levels`` are (rank, label) pairs of the grading scale; points on the same level and year
    are nudged apart so that each line stays visible.
    """
    width, left, right, top, row = 640, 170, 150, 28, 44
    height = top + row * max(len(levels) - 1, 1) + 48
    svg = _canvas(chart_id, width, height, title, description)
    ranks = sorted(r for r, _ in levels)
    lowest, highest = ranks[0], ranks[-1]
    span = max(highest - lowest, 1)
    xs = {year: left + (width - left - right) * (i / max(len(years) - 1, 1)) for i, year in enumerate(years)}

    def y_of(rank: float) -> float:
        return top + (highest - rank) / span * row * max(len(levels) - 1, 1)

    axes = ET.SubElement(svg, "g", {"class": "axes", "stroke": "#bbbbbb"})
    for rank, label in levels:
        ET.SubElement(axes, "line", {"x1": str(left - 10), "x2": str(width - right + 10), "y1": _fmt(y_of(rank)),
                                     "y2": _fmt(y_of(rank)), "stroke-dasharray": "2 3"})
        _text(svg, left - 16, y_of(rank) + 4, label, text_anchor="end")
    for year, x in xs.items():
        _text(svg, x, height - 16, str(year), text_anchor="middle", font_weight="bold")
    nudge = {label: (i - (len(series) - 1) / 2) * 4.0 for i, label in enumerate(s.label for s in series)}
    ends: list[tuple[float, str, str, ET.Element]] = []
    for i, s in enumerate(series):
        colour, marker = SERIES_COLOURS[i % len(SERIES_COLOURS)], MARKERS[i % len(MARKERS)]
        group = ET.SubElement(svg, "g", {"class": "series", "data-series": s.label})
        points = [(xs[y], y_of(s.points[y]) + nudge[s.label]) for y in years if y in s.points]
        if len(points) > 1:
            ET.SubElement(group, "polyline", {
                "points": " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points), "fill": "none",
                "stroke": colour, "stroke-width": "2.5",
            })
        for x, y in points:
            _marker(group, marker, x, y, colour)
        if points:
            ends.append((points[-1][1], s.label, colour, group))
    last = -1e9
    for y, label, colour, group in sorted(ends, key=lambda e: e[0]):  # keep end labels 14 px apart
        y = max(y, last + 14)
        last = y
        _text(group, max(xs.values()) + 14, y + 4, label, fill=colour, font_weight="bold")
    return _render(svg)


def _marker(parent: ET.Element, kind: str, x: float, y: float, colour: str) -> None:
    size = 5.5
    if kind == "circle":
        ET.SubElement(parent, "circle", {"cx": _fmt(x), "cy": _fmt(y), "r": _fmt(size), "fill": colour})
        return
    if kind == "square":
        corners = [(x - size, y - size), (x + size, y - size), (x + size, y + size), (x - size, y + size)]
    elif kind == "diamond":
        corners = [(x, y - size * 1.3), (x + size * 1.3, y), (x, y + size * 1.3), (x - size * 1.3, y)]
    else:
        corners = [(x, y - size * 1.3), (x + size * 1.2, y + size), (x - size * 1.2, y + size)]
    ET.SubElement(parent, "polygon", {"points": " ".join(f"{_fmt(a)},{_fmt(b)}" for a, b in corners), "fill": colour})


# --- distributions ------------------------------------------------------------------------------


def stacked_bars(
    chart_id: str, title: str, description: str, rows: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    colours: Mapping[str, str],
) -> str:
    """Horizontal bars, one per row, split into counted categories (each bar scaled to 100%).

    ``rows`` are (row label, [(category, count), …]); counts are written inside their segment.
    """
    width, left, right, top, bar, gap = 640, 150, 20, 40, 22, 8
    height = top + len(rows) * (bar + gap) + 10
    svg = _canvas(chart_id, width, height, title, description)
    categories = list(dict.fromkeys(c for _, parts in rows for c, _ in parts))
    x = left
    for category in categories:  # legend
        colour = colours.get(category, "#999999")
        ET.SubElement(svg, "rect", {"x": str(x), "y": "8", "width": "12", "height": "12", "fill": colour})
        _text(svg, x + 16, 18, category)
        x += 24 + 7 * len(category)
    usable = width - left - right
    for i, (label, parts) in enumerate(rows):
        y = top + i * (bar + gap)
        _text(svg, left - 8, y + bar / 2 + 4, label, text_anchor="end")
        total = sum(count for _, count in parts) or 1
        offset = float(left)
        group = ET.SubElement(svg, "g", {"class": "bar", "data-row": label})
        for category, count in parts:
            if count <= 0:
                continue
            length = usable * count / total
            colour = colours.get(category, "#999999")
            rect = ET.SubElement(group, "rect", {"x": _fmt(offset), "y": str(y), "width": _fmt(length),
                                                 "height": str(bar), "fill": colour})
            ET.SubElement(rect, "title").text = f"{label}: {count} {category}"
            if length >= 18:
                _text(group, offset + length / 2, y + bar / 2 + 4, str(count), text_anchor="middle",
                      fill=text_colour(colour))
            offset += length
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


def shorten(label: str, limit: int = 34) -> str:
    """``label`` cut to ``limit`` characters with an ellipsis (the full text stays in titles and tables).

    >>> shorten("Independent Police Complaints Commission", 20)
    'Independent Police…'
    """
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


# --- networks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetNode:
    key: str
    label: str
    size: float  # e.g. weighted degree
    group: int  # community, from 1


def network(
    chart_id: str, title: str, description: str, nodes: Sequence[NetNode], links: Sequence[tuple[str, str, int]],
) -> str:
    """A circular network drawing: nodes around a circle grouped by community, links as chords.

    Node area grows with ``size``; link width with weight; colour shows the community.
    """
    width = height = 900
    cx, cy, radius = width / 2, height / 2, 190.0
    svg = _canvas(chart_id, width, height, title, description)
    ordered = sorted(nodes, key=lambda n: (n.group, n.label, n.key))
    count = max(len(ordered), 1)
    angles = {n.key: 2 * math.pi * i / count - math.pi / 2 for i, n in enumerate(ordered)}
    place = {key: (cx + radius * math.cos(a), cy + radius * math.sin(a)) for key, a in angles.items()}
    heaviest = max((w for _, _, w in links), default=1)
    edges = ET.SubElement(svg, "g", {"class": "links", "stroke": "#888888", "stroke-opacity": "0.6"})
    for a, b, weight in links:
        if a in place and b in place:
            (x1, y1), (x2, y2) = place[a], place[b]
            ET.SubElement(edges, "line", {"x1": _fmt(x1), "y1": _fmt(y1), "x2": _fmt(x2), "y2": _fmt(y2),
                                          "stroke-width": _fmt(1 + 5 * weight / heaviest)})
    biggest = max((n.size for n in ordered), default=1.0) or 1.0
    for n in ordered:
        x, y = place[n.key]
        colour = PALETTE[(n.group - 1) % len(PALETTE)]
        group = ET.SubElement(svg, "g", {"class": "node", "data-key": n.key})
        circle = ET.SubElement(group, "circle", {"cx": _fmt(x), "cy": _fmt(y),
                                                 "r": _fmt(4 + 12 * math.sqrt(n.size / biggest)), "fill": colour,
                                                 "stroke": "#ffffff", "stroke-width": "1.5"})
        ET.SubElement(circle, "title").text = f"{n.label} (community {n.group})"
        # Labels run outwards along the radius, flipped on the left half so they read left to right.
        angle = angles[n.key]
        lx, ly = cx + (radius + 22) * math.cos(angle), cy + (radius + 22) * math.sin(angle)
        degrees = math.degrees(angle)
        left = math.cos(angle) < -1e-9
        rotation = degrees + 180 if left else degrees
        _text(group, lx, ly + 4, shorten(n.label, 30), text_anchor="end" if left else "start",
              transform=f"rotate({_fmt(rotation)} {_fmt(lx)} {_fmt(ly)})")
    return _render(svg)
