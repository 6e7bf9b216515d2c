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
from kg.namespaces import ANALYTICS_GRAPH, ID, doc_path, sparql_prefixes
from kg.query.canned import get_query
from kg.store.local import Store
from web.present.charts import GRADE_COLOURS, NetNode, Series, grade_timeline, network, stacked_bars

MAX_NETWORK_NODES = 40
CHANGE_COLOURS = {"improved": "#1b7837", "stable": "#bbbbbb", "declined": "#b2182b"}

_P = sparql_prefixes() + f"PREFIX a: <{ANALYTICS_GRAPH}>\n"
_LABEL = """
  OPTIONAL { ?{v} a peel:Force ; skos:altLabel ?{v}Alt }
  OPTIONAL { ?{v} skos:prefLabel ?{v}Pref }
  OPTIONAL { ?{v} rdfs:label ?{v}Rdfs }
  BIND(COALESCE(?{v}Alt, ?{v}Pref, ?{v}Rdfs, STR(?{v})) AS ?{v}Label)
"""


def _label(var: str) -> str:
    return _LABEL.replace("{v}", var)


DISTRIBUTION = _P + """
SELECT ?year ?pillarLabel ?gradeLabel ?rank ?count WHERE {
  GRAPH a: { ?c a peel:GradeCount ; peel:ofYear ?year ; peel:ofPillar ?p ; peel:ofGrade ?g ;
             peel:judgementCount ?count }
  ?p skos:prefLabel ?pillarLabel . ?g skos:prefLabel ?gradeLabel ; peel:rank ?rank .
} ORDER BY ?year ?pillarLabel DESC(?rank)
"""

CHANGES_BY_YEAR = _P + """
SELECT ?fromYear ?toYear ?change (COUNT(?c) AS ?count) WHERE {
  GRAPH a: { ?c a peel:GradeChange ; peel:fromJudgement ?from ; peel:toJudgement ?to ; peel:change ?d }
  ?from peel:year ?fromYear . ?to peel:year ?toYear . ?d skos:prefLabel ?change .
} GROUP BY ?fromYear ?toYear ?change ORDER BY ?fromYear ?toYear ?change
"""

NODES = _P + """
SELECT ?net ?member ?memberLabel ?degree ?weighted ?centrality ?betweenness ?community WHERE {
  GRAPH a: { ?node peel:inNetwork ?net ; peel:represents ?member ; peel:degree ?degree ;
             peel:weightedDegree ?weighted ; peel:degreeCentrality ?centrality ;
             peel:betweennessCentrality ?betweenness ; peel:community ?community }
""" + _label("member") + "} ORDER BY DESC(?weighted) ?memberLabel"

LINKS = _P + """
SELECT ?net ?a ?b ?weight WHERE {
  GRAPH a: { ?l peel:inNetwork ?net ; peel:linkEnd ?a , ?b ; peel:weight ?weight . FILTER(STR(?a) < STR(?b)) }
}
"""

FORCE_GRADES = _P + """
SELECT ?f ?year ?pillarLabel ?gradeLabel ?rank WHERE {
  ?j a peel:Judgement ; peel:force ?f ; peel:year ?year ; peel:pillar ?p ; peel:question/peel:questionNumber 0 ;
     peel:grade ?g .
  ?p skos:prefLabel ?pillarLabel . ?g skos:prefLabel ?gradeLabel ; peel:rank ?rank .
} ORDER BY ?pillarLabel ?year
"""

FORCE_NAME = _P + "SELECT ?f ?name WHERE { ?f a peel:Force ; rdfs:label ?name }"

SCALE = _P + """
SELECT DISTINCT ?f ?rank ?gradeLabel WHERE {
  ?j a peel:Judgement ; peel:force ?f ; peel:grade/skos:inScheme ?scheme .
  ?g skos:inScheme ?scheme ; peel:rank ?rank ; skos:prefLabel ?gradeLabel .
} ORDER BY DESC(?rank)
"""

SIMILAR = _P + """
SELECT ?f ?other ?otherLabel ?score ?gradeSimilarity ?themeSimilarity ?shared WHERE {
  GRAPH a: { ?s a peel:ForceSimilarity ; peel:ofForce ?f ; peel:similarForce ?other ; peel:score ?score ;
             peel:neighbourRank ?rank ; peel:sharedJudgements ?shared .
             OPTIONAL { ?s peel:gradeSimilarity ?gradeSimilarity }
             OPTIONAL { ?s peel:themeSimilarity ?themeSimilarity } }
""" + _label("other") + "} ORDER BY ?rank"

THEME_STATEMENTS = _P + """
SELECT ?t ?year (COUNT(DISTINCT ?s) AS ?statements) (COUNT(DISTINCT ?f) AS ?forces) WHERE {
  ?s peel:theme ?t ; peel:force ?f ; peel:inspection/peel:year ?year .
} GROUP BY ?t ?year ORDER BY ?year
"""

METHODS = _P + """
SELECT ?activity ?label ?description WHERE {
  GRAPH a: { a: prov:wasGeneratedBy ?activity . ?activity rdfs:label ?label ; dcterms:description ?description }
} ORDER BY ?label
"""

QUESTION_GRADES = _P + """
SELECT ?q ?gradeLabel ?rank (COUNT(DISTINCT ?j) AS ?count) WHERE {
  ?j a peel:Judgement ; peel:question ?q ; peel:grade ?g . ?g skos:prefLabel ?gradeLabel ; peel:rank ?rank .
} GROUP BY ?q ?gradeLabel ?rank ORDER BY DESC(?rank)
"""

QUESTION_CHANGES = _P + """
SELECT ?q ?change (COUNT(?c) AS ?count) WHERE {
  GRAPH a: { ?c a peel:GradeChange ; peel:toJudgement ?j ; peel:change ?d }
  ?j peel:question ?q . ?d skos:prefLabel ?change .
} GROUP BY ?q ?change ORDER BY ?change
"""


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
        for r in store.select(NODES, {"net": net})
    ]
    nodes = list({n["iri"]: n for n in nodes}.values())
    links = [(str(r["a"]), str(r["b"]), _int(r["weight"])) for r in store.select(LINKS, {"net": net})]
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
    for r in store.select(DISTRIBUTION):
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
    for r in store.select(CHANGES_BY_YEAR):
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
                    for r in store.select(METHODS)],
    }


def force_analytics(store: Store, force: URIRef) -> dict[str, Any] | None:
    """Section of a force page: overall grades over time, grade changes, most similar forces."""
    grades: list[dict[str, Any]] = [
        {"year": _int(r["year"]), "pillar": str(r["pillarLabel"]), "grade": str(r["gradeLabel"]),
         "rank": _int(r["rank"])}
        for r in store.select(FORCE_GRADES, {"f": force})
    ]
    similar = [
        {"iri": str(r["other"]), "label": str(r["otherLabel"]), "score": _float(r["score"]),
         "grade_similarity": _float(r["gradeSimilarity"]) if "gradeSimilarity" in r else None,
         "theme_similarity": _float(r["themeSimilarity"]) if "themeSimilarity" in r else None,
         "shared": _int(r["shared"])}
        for r in store.select(SIMILAR, {"f": force})
    ]
    if not grades and not similar:
        return None
    query = get_query("grade-changes")
    changes = [{k: str(v) for k, v in r.items()} for r in store.select(query.bind({"force": slug_of(force)}))]
    levels = [(_int(r["rank"]), str(r["gradeLabel"])) for r in store.select(SCALE, {"f": force})]
    series: dict[str, dict[int, int]] = defaultdict(dict)
    for g in grades:
        series[g["pillar"]][g["year"]] = g["rank"]
    years = sorted({g["year"] for g in grades})
    name = slug_of(force)
    charts = [grade_timeline(f"chart-grades-{name}-{i}", Series(label, points), levels, years)
              for i, (label, points) in enumerate(sorted(series.items()), 1)] if levels else []
    names = store.select(FORCE_NAME, {"f": force}).rows
    return {"name": str(names[0]["name"]) if names else slug_of(force), "grades": grades, "charts": charts,
            "changes": changes, "similar": similar, "years": years}


def theme_analytics(store: Store, theme: URIRef) -> dict[str, Any] | None:
    """Section of a theme page: statements per year and the themes it occurs with."""
    per_year = [{"year": _int(r["year"]), "statements": _int(r["statements"]), "forces": _int(r["forces"])}
                for r in store.select(THEME_STATEMENTS, {"t": theme})]
    network_data = _network(store, "themes", f"chart-theme-{slug_of(theme)}", "Themes found on the same statements",
                            focus=theme)
    if not per_year and not network_data["nodes"]:
        return None
    return {"per_year": per_year, "network": network_data}


def question_analytics(store: Store, question: URIRef) -> dict[str, Any] | None:
    """Section of a question page: how forces were graded on it, and how their grades moved."""
    grades = [(str(r["gradeLabel"]), _int(r["count"])) for r in store.select(QUESTION_GRADES, {"q": question})]
    changes = [{"change": str(r["change"]), "count": _int(r["count"])}
               for r in store.select(QUESTION_CHANGES, {"q": question})]
    if not grades:
        return None
    chart = stacked_bars(
        "chart-" + local_name(question).replace("/", "-"), "Grades given on this question",
        "One bar split by how many forces received each grade on this question; the table that follows gives "
        "the counts.", [("All forces", grades)], GRADE_COLOURS)
    return {"grades": [{"grade": g, "count": c} for g, c in grades], "changes": changes, "chart": chart}
