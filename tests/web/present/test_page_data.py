"""The data the pages are built from, read from the bundled release (facts: data/reference/peel_grades.csv)."""

from __future__ import annotations

from rdflib import Graph, URIRef

from kg.link import mapping
from kg.link.reference import read_forces
from kg.namespaces import PEEL, RDF, force_iri
from kg.release.artefacts import artefacts, derivations
from kg.release.layout import Release
from kg.resources import reference_dir
from kg.store.local import LocalStore
from web.present import analytics as analytics_pages
from web.present import choices, comparison, dataset_summary, overview, profiles, schemaorg
from web.present.describe import describe

NORFOLK = force_iri("norfolk")


def test_the_norfolk_profile_holds_its_2015_effectiveness_grade(store: LocalStore) -> None:
    profile = profiles.force_profile(store, NORFOLK)
    assert 2015 in profile.years
    headline = {(j.year, j.pillar.label, j.grade_text) for row in profile.headline for j in row.cells if j}
    assert (2015, "Effectiveness", "Good") in headline


def test_the_force_index_lists_norfolk_once(store: LocalStore) -> None:
    index = overview.force_index(store)
    assert [e.link.iri for e in index.forces].count(str(NORFOLK)) == 1
    assert index.year is not None and index.pillars


def test_the_overview_counts_what_the_manifest_counts(store: LocalStore, release: Release) -> None:
    summary = overview.overview(store, release.manifest)
    assert summary.release == release.id
    assert summary.reports, "the bundled report is listed"


def test_force_choices_are_labelled_and_sorted(store: LocalStore) -> None:
    forces = choices.choices(store, "force")
    assert ("norfolk", "Norfolk Constabulary") in forces
    labels = [label.casefold() for _, label in forces]
    assert labels == sorted(labels)
    assert choices.choices(store, "no-such-kind") == []


def test_a_force_compared_with_itself_has_every_row_the_same(store: LocalStore) -> None:
    link = profiles.Link(str(NORFOLK), "Norfolk")
    result = comparison.compare(store, [(NORFOLK, link), (NORFOLK, link)])
    assert result.rows
    for row in result.rows:
        graded = all(c is not None and c.grade is not None for c in row.cells)
        assert row.same == graded, row  # the same grade twice, unless there is none to compare


def test_the_analytics_overview_tabulates_the_2015_grades(store: LocalStore) -> None:
    data = analytics_pages.overview(store)
    rows = data["distribution"]["table"]
    assert any(r["year"] == 2015 and r["pillar"] == "Effectiveness" and r["count"] > 0 for r in rows)
    assert analytics_pages.force_analytics(store, URIRef("https://w3id.org/peelkg/id/force/atlantis")) is None


def test_the_dataset_summary_reads_the_release_description(release: Release) -> None:
    graph = dataset_summary.load_description(release.path)
    summary = dataset_summary.summarise(graph)
    assert summary.triples == release.manifest["quads"]
    counts = {p.term.name: p.count for p in summary.classes}
    assert counts["peel:Force"] == release.manifest["classes"][str(PEEL.Force)]


def test_a_force_page_has_a_schema_org_node(store: LocalStore) -> None:
    node = schemaorg.entity(describe(store, NORFOLK), "https://example.org/page")
    assert node["@id"] == str(NORFOLK) and node["@type"] != "Thing"
    assert node["url"] == "https://example.org/page"


def test_force_triples_type_the_force_and_name_it() -> None:
    force = next(f for f in read_forces(reference_dir() / "forces.csv") if f.police_uk_id == "norfolk")
    graph = Graph()
    mapping.force_triples(graph, force)
    assert (NORFOLK, RDF.type, PEEL.Force) in graph
    assert any(str(o) == force.name for o in graph.objects(NORFOLK))


def test_the_extension_points_list_the_jobs_in_order() -> None:
    assert [d.__name__ for d in derivations()] == ["derive_aliases", "derive_analytics"]
    names = [a.__name__ for a in artefacts()]
    assert names.index("write_dumps") < names.index("write_void"), "the description lists the downloads"


def test_the_focus_nodes_shown_are_the_first_in_iri_order_whatever_the_report_order() -> None:
    """Regression: the first ten results met were kept, so /validation changed between two builds."""
    import random

    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF, SH

    from web.present.shape_docs import EXAMPLES, summarise_validation

    nodes = [URIRef(f"https://example.org/n/{i:02d}") for i in range(EXAMPLES + 5)]
    for seed in (1, 2):
        report = Graph()
        top = BNode()
        report.add((top, RDF.type, SH.ValidationReport))
        report.add((top, SH.conforms, Literal(False)))
        for node in random.Random(seed).sample(nodes, len(nodes)):
            result = BNode()
            report.add((top, SH.result, result))
            report.add((result, RDF.type, SH.ValidationResult))
            report.add((result, SH.focusNode, node))
            report.add((result, SH.resultSeverity, SH.Warning))
            report.add((result, SH.resultMessage, Literal("a message")))
        (group,) = summarise_validation(report).groups
        assert group.count == len(nodes)
        assert [t.iri for t in group.focus] == [str(n) for n in nodes[:EXAMPLES]]
