"""The bundled build end to end: what the graph says about the corpus report and the reference data."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from kg.errors import InputError
from kg.link.reference import read_report_metadata
from kg.model import ReportMeta
from kg.namespaces import PEEL, RDF, force_iri, improvement_iri, slugify, sparql_prefixes, theme_iri
from kg.release import build
from kg.release.build import build_dataset, collect_inputs, map_reports
from kg.release.built import Inputs
from kg.release.dumps import CHECKSUMS
from kg.release.layout import Release
from kg.release.units import UnitCache, unit_key
from kg.resources import corpus_dir
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


def _copies(folder: Path, forces: list[str]) -> Path:
    """The bundled Norfolk report copied for each of ``forces`` (names as in forces.csv), with its reports.csv."""
    folder.mkdir(parents=True)
    text = (corpus_dir() / "norfolk-2016-effectiveness.txt").read_text(encoding="utf-8")
    rows = (corpus_dir() / "reports.csv").read_text(encoding="utf-8").splitlines()[:1]
    for force in forces:
        name = f"{slugify(force)}-2016-effectiveness.txt"
        (folder / name).write_text(text.replace("Norfolk", force), encoding="utf-8")
        rows.append(f"{name},{force},2016,Effectiveness,https://example.org/{name},2017-03-02")
    (folder / "reports.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def _keyed(inputs: Inputs) -> list[tuple[Path, ReportMeta, str]]:
    tables = [inputs.forces, inputs.organisations]
    metas = read_report_metadata(inputs.reports[0].parent / "reports.csv")
    return [(p, metas[p.name], unit_key(p, metas[p.name], tables)) for p in inputs.reports]


def test_reports_mapped_by_worker_processes_are_the_units_mapped_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = collect_inputs([_copies(tmp_path / "in", ["Norfolk", "Suffolk", "Essex"])])
    here = UnitCache(tmp_path / "here")
    monkeypatch.setattr(build, "MAPPED_IN_PROCESS", 100)
    local = [unit for _path, unit in map_reports(_keyed(inputs), inputs, here)]

    def not_here(*_args: object) -> None:
        raise AssertionError("mapped in the build's process")

    monkeypatch.setattr(build, "MAPPED_IN_PROCESS", 0)
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)  # a pool of two, whatever the machine
    monkeypatch.setattr(build, "_map_into", not_here)  # the workers are fresh interpreters: not patched
    pooled = [unit for _path, unit in map_reports(_keyed(inputs), inputs, UnitCache(tmp_path / "pool"))]
    assert [u.path for u in pooled] == [str(p) for p in inputs.reports]
    assert [u.quads_file.read_bytes() for u in pooled] == [u.quads_file.read_bytes() for u in local]
    assert [(u.graph, u.numbered, u.partners, u.notices, u.quads) for u in pooled] == \
        [(u.graph, u.numbered, u.partners, u.notices, u.quads) for u in local]


def test_a_report_that_fails_in_a_worker_is_reported_as_the_first_in_input_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copies(tmp_path / "in", ["Essex", "Norfolk", "Suffolk"])
    for name in ("norfolk-2016-effectiveness.txt", "suffolk-2016-effectiveness.txt"):  # two bad ones
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("2016", "2015"), encoding="utf-8")
    inputs = collect_inputs([folder])
    monkeypatch.setattr(build, "MAPPED_IN_PROCESS", 0)
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)
    with pytest.raises(InputError) as caught:
        list(map_reports(_keyed(inputs), inputs, UnitCache(tmp_path / "cache")))
    assert caught.value.file == str(folder / "norfolk-2016-effectiveness.txt")
    assert "reports.csv says" in caught.value.message
