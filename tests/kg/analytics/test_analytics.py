"""The analyses on a small hand-made graph, with answers worked out by hand.

Four forces (alpha, beta, gamma, delta), one pillar, questions 0–2, PEEL 2015–2017, on the
real four-level grade scale (outstanding 4, good 3, requires improvement 2, inadequate 1)::

            2015 q0 q1 q2    2016 q0 q1 q2    2017 q2
    alpha        O  G  G          G  G  –          O      (– : ungraded)
    beta         G  G  G          G  RI G
    gamma        RI I  RI         RI RI RI
    delta        O

Statements (2016): alpha's finding (themes t1, t2; mentions org1 and beta), alpha's area for
improvement (t1; org1), beta's finding (t1; org1), beta's area for improvement (t3; org2).
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef

from kg.analytics.derive import activity_iri, derive_analytics
from kg.analytics.facts import read_facts
from kg.analytics.networks import measure, partner_links, theme_links
from kg.analytics.similarity import similar_forces
from kg.analytics.trajectories import grade_changes, grade_distribution, rank_change
from kg.namespaces import (
    ANALYTICS_GRAPH,
    DCTERMS,
    ID,
    PEEL,
    PROV,
    RDF,
    REFERENCE_GRAPH,
    SKOS,
    VOCABULARY_GRAPH,
    XSD,
    force_iri,
    grade_iri,
    pillar_iri,
)

ONTOLOGY = Path(__file__).resolve().parents[3] / "ontology"
GRADES = {"O": "outstanding", "G": "good", "RI": "requires-improvement", "I": "inadequate"}
TABLE = {
    "alpha": {2015: ["O", "G", "G"], 2016: ["G", "G", None], 2017: [None, None, "O"]},
    "beta": {2015: ["G", "G", "G"], 2016: ["G", "RI", "G"]},
    "gamma": {2015: ["RI", "I", "RI"], 2016: ["RI", "RI", "RI"]},
    "delta": {2015: ["O", None, None]},
}
UNGRADED = {("alpha", 2016, 2)}
EFF = pillar_iri("effectiveness")
T1, T2, T3 = (ID[f"theme/t{i}"] for i in (1, 2, 3))
ORG1, ORG2 = ID["organisation/org1"], ID["organisation/org2"]


def question(year: int, n: int) -> URIRef:
    return ID[f"question/{year}/effectiveness/{n}"]


def fixture_dataset() -> Dataset:
    dataset = Dataset()
    vocab = dataset.graph(VOCABULARY_GRAPH)
    vocab.parse(ONTOLOGY / "grades.ttl", format="turtle")
    ref = dataset.graph(REFERENCE_GRAPH)
    for year in (2015, 2016, 2017):
        for n in range(3):
            ref.add((question(year, n), RDF.type, PEEL.Question))
            ref.add((question(year, n), PEEL.questionNumber, Literal(n)))
    for force, years in TABLE.items():
        ref.add((force_iri(force), RDF.type, PEEL.Force))
        ref.add((force_iri(force), SKOS.altLabel, Literal(force.capitalize())))
        for year, grades in years.items():
            for n, grade in enumerate(grades):
                if grade is None and (force, year, n) not in UNGRADED:
                    continue
                j = ID[f"judgement/{year}/{force}/effectiveness/{n}"]
                for p, o in ((RDF.type, PEEL.Judgement), (PEEL.force, force_iri(force)), (PEEL.year, Literal(year)),
                             (PEEL.pillar, EFF), (PEEL.question, question(year, n))):
                    ref.add((j, p, o))
                if grade is None:
                    ref.add((j, PEEL.notGradedReason, Literal("Ungraded")))
                else:
                    ref.add((j, PEEL.grade, grade_iri(GRADES[grade])))
    report = dataset.graph(ID["graph-for-test"])
    statements = [
        ("alpha", PEEL.Finding, "Finding one", {T1, T2}, {ORG1, force_iri("beta")}),
        ("alpha", PEEL.AreaForImprovement, "Improve one", {T1}, {ORG1}),
        ("beta", PEEL.Finding, "Finding two", {T1}, {ORG1}),
        ("beta", PEEL.AreaForImprovement, "Improve two", {T3}, {ORG2}),
    ]
    for k, (force, cls, text, themes, mentions) in enumerate(statements):
        s = ID[f"statement/{force}/{k}"]
        inspection = ID[f"inspection/2016/{force}/effectiveness"]
        report.add((inspection, PEEL.year, Literal(2016)))
        for p, o in ((RDF.type, cls), (PEEL.force, force_iri(force)), (PEEL.text, Literal(text)),
                     (PEEL.inspection, inspection)):
            report.add((s, p, o))
        for t in themes:
            report.add((s, PEEL.theme, t))
        for m in mentions:
            report.add((s, PEEL.mentions, m))
    return dataset


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return fixture_dataset()


def test_facts_hold_every_judgement_and_statement(dataset: Dataset) -> None:
    facts = read_facts(dataset)
    assert len(facts.judgements) == 7 + 6 + 6 + 1  # alpha (one of them ungraded), beta, gamma, delta
    assert sum(j.grade is None for j in facts.judgements) == 1
    assert len(facts.statements) == 4
    assert facts.label(force_iri("alpha")) == "Alpha"
    assert facts.grades[grade_iri("good")].rank == 3
    assert REFERENCE_GRAPH in facts.judgement_graphs


def test_grade_changes_pair_successive_graded_years(dataset: Dataset) -> None:
    facts = read_facts(dataset)
    steps = {(str(s.before.force).rsplit("/", 1)[-1], s.before.number, s.before.year, s.after.year):
             (s.rank_change, s.direction) for s in grade_changes(facts.judgements, facts.grades)}
    assert steps == {
        ("alpha", 0, 2015, 2016): (-1, "declined"),   # O → G
        ("alpha", 1, 2015, 2016): (0, "stable"),
        ("alpha", 2, 2015, 2017): (1, "improved"),    # G → (ungraded 2016) → O
        ("beta", 0, 2015, 2016): (0, "stable"),
        ("beta", 1, 2015, 2016): (-1, "declined"),    # G → RI
        ("beta", 2, 2015, 2016): (0, "stable"),
        ("gamma", 0, 2015, 2016): (0, "stable"),
        ("gamma", 1, 2015, 2016): (1, "improved"),    # I → RI
        ("gamma", 2, 2015, 2016): (0, "stable"),
    }


def test_grades_of_another_scale_are_never_compared(dataset: Dataset) -> None:
    grades = read_facts(dataset).grades
    outstanding_2014, good_2021 = grades[grade_iri("outstanding")], grades[grade_iri("peel-2021-good")]
    adequate_2021 = grades[grade_iri("peel-2021-adequate")]
    assert rank_change(outstanding_2014, good_2021, grades) is None  # close matches, not one scale
    assert rank_change(adequate_2021, outstanding_2014, grades) is None
    assert rank_change(adequate_2021, good_2021, grades) == 1


def test_a_force_graded_in_2017_and_2023_has_no_change_across_scales(dataset: Dataset) -> None:
    """Regression: a 2017 four-level "Good" followed by a 2023 five-level grade was a grade change."""
    later = Dataset()
    for quad in dataset.quads((None, None, None, None)):
        later.add(quad)
    ref = later.graph(REFERENCE_GRAPH)
    for year, grade in ((2023, "peel-2021-outstanding"), (2024, "peel-2021-adequate")):
        ref.add((question(year, 0), RDF.type, PEEL.Question))
        ref.add((question(year, 0), PEEL.questionNumber, Literal(0)))
        j = ID[f"judgement/{year}/alpha/effectiveness/0"]
        for p, o in ((RDF.type, PEEL.Judgement), (PEEL.force, force_iri("alpha")), (PEEL.year, Literal(year)),
                     (PEEL.pillar, EFF), (PEEL.question, question(year, 0)), (PEEL.grade, grade_iri(grade))):
            ref.add((j, p, o))
    facts = read_facts(later)
    steps = {(s.before.year, s.after.year): s.rank_change for s in grade_changes(facts.judgements, facts.grades)
             if str(s.before.force).endswith("/alpha") and s.before.number == 0}
    assert steps == {(2015, 2016): -1, (2023, 2024): -2}  # nothing from 2016 (four levels) to 2023 (five)


def test_national_distribution_counts_overall_grades(dataset: Dataset) -> None:
    facts = read_facts(dataset)
    tallies = grade_distribution(facts.judgements, facts.grades)
    counts = {(t.year, str(t.grade).rsplit("/", 1)[-1]): t.count for t in tallies}
    assert counts == {(2015, "outstanding"): 2, (2015, "good"): 1, (2015, "requires-improvement"): 1,
                      (2016, "good"): 2, (2016, "requires-improvement"): 1}


GRADE_AB = 1 - 2 / 15   # 5 shared questions, rank differences 1, 0, 0, 0, 1
GRADE_AC = 1 - 7 / 15   # differences 2, 2, 1, 1, 1
GRADE_BC = 1 - 6 / 18   # 6 shared, differences 1, 2, 1, 1, 0, 1
THEME_AB = 2 / math.sqrt(10)  # alpha (t1: 2, t2: 1) · beta (t1: 1, t3: 1)


def test_similar_forces_combine_grades_and_themes(dataset: Dataset) -> None:
    facts = read_facts(dataset)
    forces = [force_iri(f) for f in TABLE]
    found = {(n.force.rsplit("/", 1)[-1], n.other.rsplit("/", 1)[-1]): n
             for n in similar_forces(forces, facts.judgements, facts.statements, facts.grades)}
    assert set(found) == {("alpha", "beta"), ("alpha", "gamma"), ("beta", "alpha"), ("beta", "gamma"),
                          ("gamma", "beta"), ("gamma", "alpha")}  # delta shares fewer than 3 questions
    ab = found[("alpha", "beta")]
    assert ab.grade_similarity == pytest.approx(GRADE_AB) and ab.theme_similarity == pytest.approx(THEME_AB)
    assert ab.score == pytest.approx((GRADE_AB + THEME_AB) / 2) and ab.shared == 5 and ab.rank == 1
    assert found[("alpha", "gamma")].score == pytest.approx(GRADE_AC) and found[("alpha", "gamma")].rank == 2
    assert found[("gamma", "beta")].score == pytest.approx(GRADE_BC) and found[("gamma", "beta")].rank == 1
    assert found[("beta", "gamma")].theme_similarity is None  # gamma has no report text


def test_partner_network_links_forces_and_the_organisations_they_name(dataset: Dataset) -> None:
    statements = read_facts(dataset).statements
    links = partner_links(statements)
    alpha, beta = force_iri("alpha"), force_iri("beta")
    assert dict(links) == {(alpha, beta): 1, (alpha, ORG1): 2, (beta, ORG1): 1, (beta, ORG2): 1}
    nodes = {n.member: n for n in measure(links).nodes}
    assert (nodes[beta].degree, nodes[beta].weighted_degree, nodes[beta].degree_centrality) == (3, 3, 1.0)
    assert nodes[beta].betweenness == pytest.approx(2 / 3)  # on org2's paths to alpha and org1, of 3 pairs
    assert nodes[ORG2].degree_centrality == pytest.approx(1 / 3) and nodes[alpha].betweenness == 0
    assert dict(theme_links(statements)) == {(T1, T2): 1}


def test_communities_are_numbered_from_the_largest() -> None:
    a, b, c, d, e, f, g = (URIRef(f"x:{n}") for n in "abcdefg")
    triangles = {(a, b): 3, (b, c): 3, (a, c): 3, (d, e): 3, (e, f): 3, (d, f): 3, (f, g): 3, (c, d): 1}
    communities = {str(n.member): n.community for n in measure(triangles).nodes}
    assert communities == {"x:a": 2, "x:b": 2, "x:c": 2, "x:d": 1, "x:e": 1, "x:f": 1, "x:g": 1}


@pytest.fixture(scope="module")
def derived() -> Dataset:
    dataset = fixture_dataset()
    derive_analytics(dataset)
    return dataset


def test_derivation_writes_the_analytics_graph_with_provenance(derived: Dataset) -> None:
    graph = derived.graph(ANALYTICS_GRAPH)
    change = ID["grade-change/alpha/effectiveness/0/2015-2016"]
    assert (change, RDF.type, PEEL.GradeChange) in graph
    assert (change, PEEL.change, ID["change/declined"]) in graph
    assert graph.value(change, PEEL.rankChange) == Literal(-1, datatype=XSD.integer)
    assert graph.value(change, PEEL.fromJudgement) == ID["judgement/2015/alpha/effectiveness/0"]
    activity = graph.value(change, PROV.wasGeneratedBy)
    assert activity == activity_iri("grade-changes")
    assert "rank on its grading scale" in str(graph.value(activity, DCTERMS.description))  # plain words
    assert (activity, PROV.used, REFERENCE_GRAPH) in graph
    for entity in graph.subjects(RDF.type, None):
        if entity != activity and (entity, RDF.type, PROV.Activity) not in graph:
            assert graph.value(entity, PROV.wasGeneratedBy) is not None, entity


def test_derived_figures_are_rounded_decimals(derived: Dataset) -> None:
    graph = derived.graph(ANALYTICS_GRAPH)
    similarity = ID["similarity/alpha/beta"]
    assert graph.value(similarity, PEEL.score).toPython() == Decimal(f"{(GRADE_AB + THEME_AB) / 2:.4f}")
    assert graph.value(similarity, PEEL.themeSimilarity).toPython() == Decimal("0.6325")
    assert graph.value(ID["grade-count/2015/effectiveness/outstanding"], PEEL.judgementCount).toPython() == 2
    node = ID["network/partners/node/force/beta"]
    assert graph.value(node, PEEL.betweennessCentrality).toPython() == Decimal("0.6667")
    link = ID["network/partners/link/force/alpha/organisation/org1"]
    assert graph.value(link, PEEL.weight).toPython() == 2
    assert set(graph.objects(link, PEEL.linkEnd)) == {force_iri("alpha"), ORG1}


def test_derivation_is_stable_across_runs(derived: Dataset) -> None:
    again = fixture_dataset()
    derive_analytics(again)
    assert set(again.graph(ANALYTICS_GRAPH)) == set(derived.graph(ANALYTICS_GRAPH))
