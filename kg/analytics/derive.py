"""The analytics derivation: figures computed at build time into the analytics named graph.

:func:`derive_analytics` is a build derivation (``kg.release.artefacts.derivations``): it reads the
mapped dataset once (``kg.analytics.facts``), runs the analyses (``kg.analytics.trajectories``,
``_similarity``, ``_networks``, ``_text``) and writes their results into
``ANALYTICS_GRAPH`` with the terms of ``ontology/analytics.ttl``.  Every derived thing says
how it was computed: ``prov:wasGeneratedBy`` an activity ``/id/activity/analytics-{name}``
whose ``dcterms:description`` states the method and whose ``prov:used`` names the graphs read.
``docs/analytics.md`` explains each measure.

IRIs (under ``/id/``), stable across rebuilds of the same inputs::

    grade-change/{force}/{pillar}/{n}/{fromYear}-{toYear}
    grade-count/{year}/{pillar}/{grade}
    similarity/{force}/{other}
    improvement-similarity/{improvement path}/{other improvement path}
    network/{partners|themes}[/node/{member path}|/link/{member path}/{member path}]
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Dataset, Graph, Literal, URIRef

from kg.analytics import similarity as analytics_similarity
from kg.analytics import text as analytics_text
from kg.analytics.facts import Facts, local_name, read_facts, slug_of
from kg.analytics.networks import Network, measure, partner_links, theme_links
from kg.analytics.similarity import similar_forces
from kg.analytics.text import similar_improvements
from kg.analytics.trajectories import grade_changes, grade_distribution
from kg.namespaces import ANALYTICS_GRAPH, DCTERMS, ID, PEEL, PROV, RDF, RDFS, VOCABULARY_GRAPH, XSD

CHANGE = {name: ID[f"change/{name}"] for name in ("improved", "declined", "stable")}

ACTIVITIES: dict[str, tuple[str, str]] = {
    "grade-changes": (
        "Grade changes",
        "For each force, pillar and question number (0: the pillar's overall judgement), successive graded "
        "judgements are paired in year order, skipping years without a grade. The change is the later grade's "
        "rank on its grading scale minus the earlier one's (a grade of another scale is first mapped to its "
        "match on the later grade's scale): improved when positive, declined when negative, else stable.",
    ),
    "grade-distribution": (
        "National grade distribution",
        "For each PEEL year, pillar and grade, the number of forces whose overall judgement (question 0) of "
        "that pillar and year gave that grade. Ungraded and not-inspected judgements are not counted.",
    ),
    "force-similarity": (
        "Force similarity",
        "Grade similarity: over the questions both forces were graded on (same year, pillar, question number "
        "and scale; at least {min_shared}), 1 minus the mean absolute difference of their ranks on the "
        "grading scale divided by the scale's span. Theme similarity: cosine of the two forces' counts of "
        "findings and areas for improvement per theme (only when both have report text). Score: the mean of "
        "the parts present. Each force keeps its {k} most similar forces; ties go to more shared questions, "
        "then to the IRI.",
    ),
    "improvement-similarity": (
        "Similar areas for improvement",
        "TF-IDF cosine of the words of areas for improvement (stop words removed, plurals folded; "
        "tf = 1 + ln(count), idf = ln((1 + N) / (1 + df)) + 1, vectors of length 1). Pairs of different forces "
        "or different years with a cosine of at least {threshold} are similar; each area keeps its {keep} best.",
    ),
    "partner-network": (
        "Force and partner network",
        "Nodes: forces and the organisations (or other forces) their statements mention. A link joins a "
        "statement's force to each organisation it mentions, weighted by the number of such statements. "
        "Measures by networkx: degree, weighted degree, degree centrality, normalised betweenness centrality "
        "(unweighted) and communities by greedy modularity maximisation (weighted), numbered from 1 for the largest.",
    ),
    "theme-network": (
        "Theme co-occurrence network",
        "Nodes: themes. A link joins two themes tagged on the same statement (finding, area for improvement, "
        "cause of concern or recommendation), weighted by the number of statements carrying both. Measures as "
        "for the partner network.",
    ),
}


def activity_iri(name: str) -> URIRef:
    return ID[f"activity/analytics-{name}"]


def network_iri(name: str) -> URIRef:
    return ID[f"network/{name}"]


def _decimal(value: float) -> Literal:
    return Literal(Decimal(f"{value:.4f}"), datatype=XSD.decimal)


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _str(value: str) -> Literal:
    return Literal(value, datatype=XSD.string)


def _activity(graph: Graph, name: str, used: set[URIRef]) -> URIRef:
    label, description = ACTIVITIES[name]
    iri = activity_iri(name)
    graph.add((iri, RDF.type, PROV.Activity))
    graph.add((iri, RDFS.label, _str(label)))
    graph.add((iri, DCTERMS.description, _str(description.format(
        k=analytics_similarity.K, min_shared=analytics_similarity.MIN_SHARED,
        threshold=analytics_text.THRESHOLD, keep=analytics_text.MAX_SIMILAR,
    ))))
    for source in sorted(used, key=str):
        graph.add((iri, PROV.used, source))
    graph.add((ANALYTICS_GRAPH, PROV.wasGeneratedBy, iri))
    return iri


def _entity(graph: Graph, iri: URIRef, cls: URIRef, label: str, activity: URIRef) -> None:
    graph.add((iri, RDF.type, cls))
    graph.add((iri, RDFS.label, _str(label)))
    graph.add((iri, PROV.wasGeneratedBy, activity))


def add_grade_changes(graph: Graph, facts: Facts) -> None:
    activity = _activity(graph, "grade-changes", facts.judgement_graphs | {VOCABULARY_GRAPH})
    for step in grade_changes(facts.judgements, facts.grades):
        b, a = step.before, step.after
        iri = ID[f"grade-change/{slug_of(b.force)}/{slug_of(b.pillar)}/{b.number}/{b.year}-{a.year}"]
        label = (f"{facts.label(b.force)} {slug_of(b.pillar)} question {b.number}: "
                 f"{facts.label(b.grade or b.iri)} ({b.year}) to {facts.label(a.grade or a.iri)} ({a.year}), "
                 f"{step.direction}")
        _entity(graph, iri, PEEL.GradeChange, label, activity)
        graph.add((iri, PEEL.fromJudgement, b.iri))
        graph.add((iri, PEEL.toJudgement, a.iri))
        graph.add((iri, PEEL.change, CHANGE[step.direction]))
        graph.add((iri, PEEL.rankChange, _int(step.rank_change)))


def add_grade_distribution(graph: Graph, facts: Facts) -> None:
    activity = _activity(graph, "grade-distribution", facts.judgement_graphs)
    for tally in grade_distribution(facts.judgements, facts.grades):
        iri = ID[f"grade-count/{tally.year}/{slug_of(tally.pillar)}/{slug_of(tally.grade)}"]
        label = f"{tally.year} {slug_of(tally.pillar)}: {tally.count} × {facts.label(tally.grade)}"
        _entity(graph, iri, PEEL.GradeCount, label, activity)
        graph.add((iri, PEEL.ofYear, _int(tally.year)))
        graph.add((iri, PEEL.ofPillar, tally.pillar))
        graph.add((iri, PEEL.ofGrade, tally.grade))
        graph.add((iri, PEEL.judgementCount, _int(tally.count)))


def add_force_similarity(graph: Graph, facts: Facts) -> None:
    forces = sorted({j.force for j in facts.judgements} | {s.force for s in facts.statements}, key=str)
    activity = _activity(graph, "force-similarity", facts.judgement_graphs | facts.statement_graphs)
    for n in similar_forces(forces, facts.judgements, facts.statements, facts.grades):
        iri = ID[f"similarity/{slug_of(n.force)}/{slug_of(n.other)}"]
        label = f"{facts.label(n.other)}, similar to {facts.label(n.force)} (score {n.score:.2f})"
        _entity(graph, iri, PEEL.ForceSimilarity, label, activity)
        graph.add((iri, PEEL.ofForce, n.force))
        graph.add((iri, PEEL.similarForce, n.other))
        graph.add((iri, PEEL.neighbourRank, _int(n.rank)))
        graph.add((iri, PEEL.score, _decimal(n.score)))
        graph.add((iri, PEEL.sharedJudgements, _int(n.shared)))
        if n.grade_similarity is not None:
            graph.add((iri, PEEL.gradeSimilarity, _decimal(n.grade_similarity)))
        if n.theme_similarity is not None:
            graph.add((iri, PEEL.themeSimilarity, _decimal(n.theme_similarity)))


def add_improvement_similarity(graph: Graph, facts: Facts) -> None:
    activity = _activity(graph, "improvement-similarity", facts.statement_graphs)
    for pair in similar_improvements(facts.statements):
        a, b = (local_name(x).removeprefix("improvement/") for x in (pair.improvement, pair.other))
        iri = ID[f"improvement-similarity/{a}/{b}"]
        _entity(graph, iri, PEEL.ImprovementSimilarity, f"Area for improvement {b}, similar to {a}", activity)
        graph.add((iri, PEEL.ofImprovement, pair.improvement))
        graph.add((iri, PEEL.similarImprovement, pair.other))
        graph.add((iri, PEEL.neighbourRank, _int(pair.rank)))
        graph.add((iri, PEEL.score, _decimal(pair.score)))


def add_network(graph: Graph, facts: Facts, name: str, network: Network) -> None:
    activity = _activity(graph, f"{name}-network", facts.statement_graphs)
    base = network_iri(name + "s")
    _entity(graph, base, PEEL.Network, ACTIVITIES[f"{name}-network"][0], activity)
    for node in network.nodes:
        iri = URIRef(f"{base}/node/{local_name(node.member)}")
        _entity(graph, iri, PEEL.NetworkNode, f"{facts.label(node.member)} in the {name} network", activity)
        graph.add((iri, PEEL.inNetwork, base))
        graph.add((iri, PEEL.represents, node.member))
        graph.add((iri, PEEL.degree, _int(node.degree)))
        graph.add((iri, PEEL.weightedDegree, _int(node.weighted_degree)))
        graph.add((iri, PEEL.degreeCentrality, _decimal(node.degree_centrality)))
        graph.add((iri, PEEL.betweennessCentrality, _decimal(node.betweenness)))
        graph.add((iri, PEEL.community, _int(node.community)))
    for a, b, weight in network.links:
        iri = URIRef(f"{base}/link/{local_name(a)}/{local_name(b)}")
        _entity(graph, iri, PEEL.NetworkLink, f"{facts.label(a)} – {facts.label(b)} ({weight})", activity)
        graph.add((iri, PEEL.inNetwork, base))
        graph.add((iri, PEEL.linkEnd, a))
        graph.add((iri, PEEL.linkEnd, b))
        graph.add((iri, PEEL.weight, _int(weight)))


def derive_analytics(dataset: Dataset) -> None:
    """Add the analytics named graph to ``dataset`` (a build derivation; reads every other graph)."""
    facts = read_facts(dataset)
    graph = dataset.graph(ANALYTICS_GRAPH)
    add_grade_changes(graph, facts)
    add_grade_distribution(graph, facts)
    add_force_similarity(graph, facts)
    add_improvement_similarity(graph, facts)
    add_network(graph, facts, "partner", measure(partner_links(facts.statements)))
    add_network(graph, facts, "theme", measure(theme_links(facts.statements)))
