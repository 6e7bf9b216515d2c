"""The companion table ``wikidata.csv``: each force's Wikidata item, with its source, as links."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import OWL, SKOS, XSD, Literal, URIRef

from kg.errors import InputError
from kg.link.reference import read_forces, read_wikidata
from kg.namespaces import PEEL, REFERENCE_GRAPH, force_iri
from kg.release.build import WIKIDATA_CSV, Inputs, build_dataset, collect_inputs
from kg.resources import reference_dir

ENTITY = "http://www.wikidata.org/entity/"


def test_every_bundled_force_has_one_sourced_item() -> None:
    forces = read_wikidata(reference_dir() / WIKIDATA_CSV, read_forces(reference_dir() / "forces.csv"))
    assert len(forces) == 43 and all(f.wikidata_id for f in forces)
    assert len({f.wikidata_id for f in forces}) == 43
    norfolk = next(f for f in forces if f.police_uk_id == "norfolk")
    assert norfolk.wikidata_id == "Q7051007"
    assert any("police.json" in s for s in norfolk.sources)  # the page the id was read from


def test_the_build_links_forces_by_same_as_and_exact_match() -> None:
    built = build_dataset(collect_inputs([]))
    reference = built.dataset.graph(REFERENCE_GRAPH)
    suffolk = force_iri("suffolk")
    assert (suffolk, PEEL.wikidataId, Literal("Q3076859", datatype=XSD.string)) in reference
    assert (suffolk, OWL.sameAs, URIRef(ENTITY + "Q3076859")) in reference
    assert (suffolk, SKOS.exactMatch, URIRef(ENTITY + "Q3076859")) in reference
    assert len(set(reference.subject_objects(OWL.sameAs))) == 43


def _table(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / WIKIDATA_CSV
    path.write_text("police_uk_id,wikidata_id,source\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(("row", "message"), [
    ("norfolk,Q0123,https://example.org/a", "wikidata_id 'Q0123' is not a Wikidata item id"),
    ("norfolk,7051007,https://example.org/a", "is not a Wikidata item id"),
    ("nowhere,Q1,https://example.org/a", "police_uk_id 'nowhere' is not a force"),
    ("norfolk,Q1,not a page", "source is not a web address"),
    ("norfolk,Q1", "wrong number of fields"),
])
def test_a_bad_row_names_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    path = _table(tmp_path, "suffolk,Q3076859,https://example.org/s", row)
    with pytest.raises(InputError) as caught:
        read_wikidata(path, read_forces(reference_dir() / "forces.csv"))
    assert caught.value.line == 3 and message in str(caught.value) and str(path) in str(caught.value)


def test_a_repeated_force_is_refused(tmp_path: Path) -> None:
    path = _table(tmp_path, "suffolk,Q3076859,https://example.org/s", "suffolk,Q3076859,https://example.org/s")
    with pytest.raises(InputError, match="repeats line 2"):
        read_wikidata(path, read_forces(reference_dir() / "forces.csv"))


def test_a_force_table_of_its_own_does_not_take_the_bundled_ids(tmp_path: Path) -> None:
    shutil.copy(reference_dir() / "forces.csv", tmp_path / "forces.csv")
    assert collect_inputs([tmp_path / "forces.csv"]).wikidata is None
    _table(tmp_path, "norfolk,Q7051007,https://example.org/n")
    inputs = collect_inputs([tmp_path])
    assert inputs.wikidata == tmp_path / WIKIDATA_CSV
    forces = read_wikidata(inputs.wikidata, read_forces(inputs.forces))
    assert [f.police_uk_id for f in forces if f.wikidata_id] == ["norfolk"]
    assert isinstance(Inputs().wikidata, Path)
