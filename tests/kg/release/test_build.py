"""The bundled build end to end: what the graph says about the corpus report and the reference data."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from kg.namespaces import PEEL, RDF, force_iri, improvement_iri, sparql_prefixes, theme_iri
from kg.release.build import build_dataset, collect_inputs
from kg.release.dumps import CHECKSUMS
from kg.release.layout import Release
from kg.store.local import LocalStore
from tests.conftest import run_peelkg
from tests.kg.release.release_files import release_files

NORFOLK = force_iri("norfolk")


def test_release_holds_store_dump_manifest_and_validation(release: Release) -> None:
    for name in ("store", "dump.nq.gz", "manifest.json", "validation.ttl", "validation.txt"):
        assert (release.path / name).exists(), name
    manifest = release.manifest
    assert manifest["validation"]["conforms"] is True
    assert manifest["classes"][str(PEEL.Force)] == 43
    assert manifest["classes"][str(PEEL.AreaForImprovement)] == 8
    assert {i["file"] for i in manifest["inputs"]} >= {
        "norfolk-2016-effectiveness.txt",
        "forces.csv",
        "peel_grades.csv",
    }
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert any("repeats" in w for w in manifest["warnings"])


def test_dump_and_store_hold_the_same_quads(release: Release, store: LocalStore) -> None:
    with gzip.open(release.path / "dump.nq.gz", "rb") as handle:
        parsed = set(ox.parse(handle, format=ox.RdfFormat.N_QUADS))
    in_store = set(store.oxigraph.quads_for_pattern(None, None, None, None))
    assert parsed == in_store
    assert len(parsed) == release.manifest["quads"] == release.manifest["stored_quads"]


def test_one_named_graph_per_report_plus_reference_and_vocabulary(release: Release) -> None:
    graphs = set(release.manifest["graphs"])
    assert "https://w3id.org/peelkg/graph/report/2016/norfolk/effectiveness" in graphs
    assert "https://w3id.org/peelkg/graph/reference" in graphs
    assert "https://w3id.org/peelkg/graph/vocabulary" in graphs


def _identifiers(out: Path) -> set[str]:
    """The IRIs a release's N-Quads dump names."""
    current = out if (out / "manifest.json").exists() else out / "current"
    quads = ox.parse(gzip.decompress((current / "dump.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS)
    return {term.value for q in quads for term in (q.subject, q.predicate, q.object, q.graph_name)
            if isinstance(term, ox.NamedNode)}


def test_identifiers_and_release_bytes_are_stable_across_processes(release: Release, tmp_path: Path) -> None:
    """Two builds of the bundled data in fresh processes with different hash seeds, and this process's build:
    the same identifiers and every file of the release byte-identical but for the release's id and time
    (set and dict order must not leak into names or bytes; the VoID prefixes and the validation report's
    blank nodes once did)."""
    iris, files = _identifiers(release.path), release_files(release.path)
    assert str(NORFOLK) in iris
    assert {"void.ttl", "validation.ttl", "validation.txt", "manifest.json", "dump.nq.gz", CHECKSUMS} <= set(files)
    assert b"sh:result" in files["validation.ttl"]  # the report holds results: their blank nodes are compared
    for seed in ("0", "2718281"):
        out = tmp_path / seed
        result = run_peelkg("build", "--out", str(out), "--quiet", "--no-cache", env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        assert sorted(_identifiers(out) ^ iris) == [], f"PYTHONHASHSEED={seed}"
        seeded = release_files(out)
        assert sorted(seeded) == sorted(files), f"PYTHONHASHSEED={seed}"
        assert [n for n in files if seeded[n] != files[n]] == [], f"PYTHONHASHSEED={seed}"


def test_area_for_improvement_has_provenance_and_offsets(store: LocalStore) -> None:
    afi = improvement_iri(2016, "norfolk", "effectiveness", 2, 1)
    rows = store.select(
        sparql_prefixes() + "SELECT ?a ?text ?start ?end ?url WHERE { ?a peel:text ?text ; peel:startOffset ?start ;"
        " peel:endOffset ?end ; peel:sourceReport/dcterms:source ?url }",
        {"a": afi},
    ).rows
    assert len(rows) == 1
    text = (
        Path(__file__)
        .resolve()
        .parents[3]
        .joinpath("data/corpus/norfolk-2016-effectiveness.txt")
        .read_text(encoding="utf-8")
    )
    row = rows[0]
    assert text[int(row["start"]) : int(row["end"])] == str(row["text"])
    assert str(row["text"]).startswith("The force should reduce the backlog of crimes awaiting closure")
    assert str(row["url"]).startswith("https://www.justiceinspectorates.gov.uk/")


def test_domestic_abuse_areas_for_improvement_are_tagged() -> None:
    graph = build_dataset(collect_inputs([])).union()
    tagged = {
        s
        for s in graph.subjects(PEEL.theme, theme_iri("domestic-abuse"))
        if (s, RDF.type, PEEL.AreaForImprovement) in graph
    }
    mentioning = {
        s
        for s, o in graph.subject_objects(PEEL.text)
        if (s, RDF.type, PEEL.AreaForImprovement) in graph and "domestic abuse" in str(o).lower()
    }
    assert len(mentioning) == 2 and mentioning <= tagged


def test_partners_distinguish_named_organisations_from_generic_mentions() -> None:
    graph = build_dataset(collect_inputs([])).union()
    partners = set(graph.objects(NORFOLK, PEEL.worksWith))
    assert force_iri("suffolk") in partners
    assert URIRef("https://w3id.org/peelkg/id/organisation/regional-organised-crime-unit") in partners
    assert not any("other-organisations" in str(p) for p in partners)
    assert NORFOLK not in partners
