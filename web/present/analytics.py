"""What pages show of the analytics: plain data dicts (tables and SVG charts) read from a store.

- :func:`overview` — the ``/analytics`` page: national grade distributions, grade changes by
  year, the force–partner network and the theme co-occurrence network;
- :func:`force_analytics`, :func:`theme_analytics`, :func:`question_analytics` — the
  sections of entity pages (``None`` when the entity has nothing to show).

Each dict holds ``charts`` (SVG text from ``web.present.charts``, escaped when built, so a template may
insert it as markup) and the tables that are the charts' text alternatives.  Values reach
the queries as bindings only.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import URIRef

from kg.analytics.facts import local_name, slug_of
from kg.namespaces import ID, doc_path
from kg.query.canned import get_query
from kg.query.internal import internal_query
from kg.store.local import Store
from web.present.charts import GRADE_COLOURS, NetNode, Series, grade_timeline, network, stacked_bars

MAX_NETWORK_NODES = 40
CHANGE_COLOURS = {"improved": "#1b7837", "stable": "#bbbbbb", "declined": "#b2182b"}


def _int(value: Any) -> int:
    return int(value)


def _float(value: Any) -> float:
    return round(float(value), 4)


def _network(store: Store, name: str, chart_id: str, title: str, focus: URIRef | None = None) -> dict[str, Any]:
    net = ID[f"network/{name}"]
    nodes: list[dict[str, Any]] = [
        {"iri": str(r["member"]), "label": str(r["memberLabel"]), "degree": _int(r["degree"]),
         "weighted": _int(r["weighted"]), "centrality": _float(r["centrality"]),
         "betweenness": _float(r["betweenness"]), "community": _int(r["community"])}
        for r in store.select(internal_query("analytics-nodes"), {"net": net})
    ]
    nodes = list({n["iri"]: n for n in nodes}.values())
    links = [(str(r["a"]), str(r["b"]), _int(r["weight"]))
             for r in store.select(internal_query("analytics-links"), {"net": net})]
    if focus is not None:
        keep = {str(focus)} | {a for a, b, _ in links if b == str(focus)} | {b for a, b, _ in links if a == str(focus)}
        nodes = [n for n in nodes if n["iri"] in keep]
        links = [link for link in links if str(focus) in link[:2]]
    shown = sorted(nodes, key=lambda n: (-n["weighted"], n["label"]))[:MAX_NETWORK_NODES]
    keys = {n["iri"] for n in shown}
    drawn = [link for link in links if link[0] in keys and link[1] in keys]
    cut = f" The {len(shown)} most linked of {len(nodes)} members are drawn." if len(shown) < len(nodes) else ""
    description = (f"{len(nodes)} members and {len(links)} links; circles grow with the number of statements "
                   f"linking a member, arcs thicken with a link's weight, colours mark communities; each member "
                   f"links to its page.{cut} "
                   "The table that follows lists the same figures.")
    drawing = [NetNode(n["iri"], n["label"], n["weighted"], n["community"], doc_path(n["iri"])) for n in shown]
    chart = network(chart_id, title, description, drawing, drawn) if shown else ""
    label = {n["iri"]: n["label"] for n in nodes}
    return {"nodes": shown, "links": [{"a": label.get(a, a), "b": label.get(b, b), "weight": w} for a, b, w in drawn],
            "chart": chart, "title": title}


def overview(store: Store) -> dict[str, Any]:
    """Data of the ``/analytics`` page."""
    rows: dict[str, list[tuple[str, int]]] = defaultdict(list)
    table = []
    for r in store.select(internal_query("analytics-distribution")):
        key = f"{r['year']} {r['pillarLabel']}"
        rows[key].append((str(r["gradeLabel"]), _int(r["count"])))
        table.append({"year": _int(r["year"]), "pillar": str(r["pillarLabel"]), "grade": str(r["gradeLabel"]),
                      "count": _int(r["count"])})
    distribution = stacked_bars(
        "chart-distribution", "National distribution of overall grades by year and pillar",
        "For each PEEL year and pillar, a bar split by how many forces received each overall grade; "
        "the table that follows gives the counts.", list(rows.items()), GRADE_COLOURS) if rows else ""
    changes: dict[str, list[tuple[str, int]]] = defaultdict(list)
    change_table = []
    for r in store.select(internal_query("analytics-changes-by-year")):
        key = f"{r['fromYear']} to {r['toYear']}"
        changes[key].append((str(r["change"]), _int(r["count"])))
        change_table.append({"from": _int(r["fromYear"]), "to": _int(r["toYear"]), "change": str(r["change"]),
                             "count": _int(r["count"])})
    order = {"improved": 0, "stable": 1, "declined": 2}
    change_rows = [(k, sorted(v, key=lambda c: order.get(c[0], 9))) for k, v in changes.items()]
    change_chart = stacked_bars(
        "chart-changes", "Grade changes between inspection years",
        "For each pair of successive graded years, how many grades (overall and per question) improved, "
        "stayed the same or declined; the table that follows gives the counts.", change_rows,
        CHANGE_COLOURS) if change_rows else ""
    return {
        "distribution": {"chart": distribution, "table": table},
        "changes": {"chart": change_chart, "table": change_table},
        "partners": _network(store, "partners", "chart-partners", "Forces and the organisations their reports name"),
        "themes": _network(store, "themes", "chart-themes", "Themes tagged on the same statements"),
        "methods": [{"iri": str(r["activity"]), "label": str(r["label"]), "description": str(r["description"])}
                    for r in store.select(internal_query("analytics-methods"))],
    }


def force_analytics(store: Store, force: URIRef) -> dict[str, Any] | None:
    """Section of a force page: overall grades over time, grade changes, most similar forces."""
    grades: list[dict[str, Any]] = [
        {"year": _int(r["year"]), "pillar": str(r["pillarLabel"]), "grade": str(r["gradeLabel"]),
         "rank": _int(r["rank"])}
        for r in store.select(internal_query("analytics-force-grades"), {"f": force})
    ]
    similar = [
        {"iri": str(r["other"]), "label": str(r["otherLabel"]), "score": _float(r["score"]),
         "grade_similarity": _float(r["gradeSimilarity"]) if "gradeSimilarity" in r else None,
         "theme_similarity": _float(r["themeSimilarity"]) if "themeSimilarity" in r else None,
         "shared": _int(r["shared"])}
        for r in store.select(internal_query("analytics-similar"), {"f": force})
    ]
    if not grades and not similar:
        return None
    query = get_query("grade-changes")
    changes = [{k: str(v) for k, v in r.items()} for r in store.select(query.bind({"force": slug_of(force)}))]
    levels = [(_int(r["rank"]), str(r["gradeLabel"]))
              for r in store.select(internal_query("analytics-scale"), {"f": force})]
    series: dict[str, dict[int, int]] = defaultdict(dict)
    for g in grades:
        series[g["pillar"]][g["year"]] = g["rank"]
    years = sorted({g["year"] for g in grades})
    name = slug_of(force)
    charts = [grade_timeline(f"chart-grades-{name}-{i}", Series(label, points), levels, years)
              for i, (label, points) in enumerate(sorted(series.items()), 1)] if levels else []
    names = store.select(internal_query("analytics-force-name"), {"f": force}).rows
    return {"name": str(names[0]["name"]) if names else slug_of(force), "grades": grades, "charts": charts,
            "changes": changes, "similar": similar, "years": years}


def theme_analytics(store: Store, theme: URIRef) -> dict[str, Any] | None:
    """Section of a theme page: statements per year and the themes it occurs with."""
    per_year = [{"year": _int(r["year"]), "statements": _int(r["statements"]), "forces": _int(r["forces"])}
                for r in store.select(internal_query("analytics-theme-statements"), {"t": theme})]
    network_data = _network(store, "themes", f"chart-theme-{slug_of(theme)}", "Themes found on the same statements",
                            focus=theme)
    if not per_year and not network_data["nodes"]:
        return None
    return {"per_year": per_year, "network": network_data}


def question_analytics(store: Store, question: URIRef) -> dict[str, Any] | None:
    """Section of a question page: how forces were graded on it, and how their grades moved."""
    grades = [(str(r["gradeLabel"]), _int(r["count"]))
              for r in store.select(internal_query("analytics-question-grades"), {"q": question})]
    changes = [{"change": str(r["change"]), "count": _int(r["count"])}
               for r in store.select(internal_query("analytics-question-changes"), {"q": question})]
    if not grades:
        return None
    chart = stacked_bars(
        "chart-" + local_name(question).replace("/", "-"), "Grades given on this question",
        "One bar split by how many forces received each grade on this question; the table that follows gives "
        "the counts.", [("All forces", grades)], GRADE_COLOURS)
    return {"grades": [{"grade": g, "count": c} for g, c in grades], "changes": changes, "chart": chart}
