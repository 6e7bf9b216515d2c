"""The publisher, the creator and the spatial extent the dataset description states, from their tables."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest
import shapely
from rdflib import Graph, Literal, URIRef

from kg.errors import InputError
from kg.namespaces import DCAT, DCTERMS, FOAF, ONS_GEOGRAPHY, RDFS, SKOS
from kg.release.build import build_dataset, collect_inputs
from kg.release.catalogue_facts import (
    ADMS_PUBLISHER_TYPES,
    CRS_27700,
    GEOSPARQL,
    Extent,
    read_extent,
    read_publisher,
    spatial_wkt,
)
from kg.release.layout import exists
from kg.release.void import DATASET, VCARD, VOID_FILE, Statistics, describe, write_void
from tests.conftest import run_peelkg

NON_PROFIT = "http://purl.org/adms/publishertype/NonProfitOrganisation"
LOCAL = "http://purl.org/adms/publishertype/LocalAuthority"


def _describe(**facts: object) -> Graph:
    return describe(Statistics(), [], issued=datetime(2026, 1, 1, tzinfo=UTC), version="v", **facts)  # type: ignore[arg-type]


def _table(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_publisher_is_the_project_declared_a_non_profit_organisation() -> None:
    g = _describe()
    publisher = g.value(DATASET, DCTERMS.publisher)
    assert g.value(publisher, FOAF.name) == Literal("The peelkg project")
    assert g.value(publisher, FOAF.homepage) == URIRef("https://w3id.org/peelkg/")
    kind = g.value(publisher, DCTERMS.type)
    assert kind == URIRef(NON_PROFIT)
    assert g.value(kind, SKOS.prefLabel) == Literal("Non-Profit Organisation", lang="en")
    assert g.value(kind, SKOS.inScheme) == ADMS_PUBLISHER_TYPES


def test_a_deployment_names_itself_publisher_and_contact_by_its_own_table(tmp_path: Path) -> None:
    table = _table(tmp_path, "publisher.csv",
                   "name,homepage,adms_type\nTestshire Police,https://police.example.org/,\"" + LOCAL + "\"\n")
    inputs = collect_inputs([table])
    assert inputs.publisher == table and table in inputs.files()  # its hash is in the manifest and changelog
    g = _describe(publisher=read_publisher(inputs.publisher))
    publisher, contact = g.value(DATASET, DCTERMS.publisher), g.value(DATASET, DCAT.contactPoint)
    assert g.value(publisher, FOAF.name) == Literal("Testshire Police")
    assert g.value(publisher, DCTERMS.type) == URIRef(LOCAL)
    assert g.value(URIRef(LOCAL), SKOS.prefLabel) == Literal("Local Authority", lang="en")
    assert (g.value(contact, VCARD.fn), g.value(contact, VCARD.hasURL)) == (
        Literal("Testshire Police"), URIRef("https://police.example.org/"))


@pytest.mark.parametrize(("rows", "line", "message"), [
    ("The project,https://example.org/,http://purl.org/adms/publishertype/Charity\n", 2, "not an ADMS publisher type"),
    ("The project,https://example.org/,NonProfitOrganisation\n", 2, "not an ADMS publisher type"),
    ("The project,ftp://example.org/,http://purl.org/adms/publishertype/Company\n", 2, "homepage"),
    (",https://example.org/,http://purl.org/adms/publishertype/Company\n", 2, "name is empty"),
    ("A,https://a.example/,http://purl.org/adms/publishertype/Company\n"
     "B,https://b.example/,http://purl.org/adms/publishertype/Company\n", 3, "exactly one row"),
    ("", None, "exactly one row"),
])
def test_a_bad_publisher_table_stops_the_build_naming_file_and_line(
        tmp_path: Path, rows: str, line: int | None, message: str) -> None:
    table = _table(tmp_path, "publisher.csv", "name,homepage,adms_type\n" + rows)
    with pytest.raises(InputError) as caught:
        build_dataset(collect_inputs([table]))  # refused while reading the reference data, before any report
    assert (caught.value.file, caught.value.line) == (str(table), line)
    assert message in caught.value.message


def test_the_extent_is_the_ons_police_force_areas_extent_of_england_and_wales() -> None:
    extent = read_extent()
    assert (extent.ons_code, extent.name, extent.crs) == ("K04000001", "England and Wales", CRS_27700)
    # the Full Extent the ONS feature service states for the 43 police force areas (December 2021, BFC)
    assert (extent.min_x, extent.min_y, extent.max_x, extent.max_y) == (
        82668.5199999996, 5336.96600000001, 655653.85, 657535.9723)
    assert "Police_Force_Areas_Dec_2021_EW_BFC" in extent.source


def test_the_box_is_rounded_outward_and_the_centroid_is_its_centre() -> None:
    bbox, centroid = spatial_wkt(read_extent())
    assert bbox == (f"<{CRS_27700}> POLYGON((82668 5336, 655654 5336, 655654 657536, 82668 657536, 82668 5336))")
    assert centroid == f"<{CRS_27700}> POINT(369161 331436)"
    odd = Extent("X", "x", CRS_27700, 0.5, 0.5, 2.5, 3.5, "https://example.org/")
    assert spatial_wkt(odd) == (f"<{CRS_27700}> POLYGON((0 0, 3 0, 3 4, 0 4, 0 0))", f"<{CRS_27700}> POINT(1.5 2)")


def test_the_spatial_coverage_carries_box_centroid_label_and_source() -> None:
    g = _describe()
    place = ONS_GEOGRAPHY["K04000001"]
    assert g.value(DATASET, DCTERMS.spatial) == place
    bbox, centroid = g.value(place, DCAT.bbox), g.value(place, DCAT.centroid)
    assert isinstance(bbox, Literal) and bbox.datatype == GEOSPARQL.wktLiteral
    assert isinstance(centroid, Literal) and str(centroid).endswith("POINT(369161 331436)")
    assert g.value(place, SKOS.prefLabel) == Literal("England and Wales", lang="en")
    assert g.value(place, RDFS.seeAlso) == URIRef(read_extent().source)


@pytest.mark.parametrize(("row", "message"), [
    ("K04000001,E&W,http://www.opengis.net/def/crs/EPSG/0/27700,9,0,1,1,https://example.org/", "min ≤ max"),
    ("K04000001,E&W,http://www.opengis.net/def/crs/EPSG/0/27700,a,0,1,1,https://example.org/", "numbers"),
    ("K04000001,E&W,EPSG:27700,0,0,1,1,https://example.org/", "crs"),
])
def test_a_bad_extent_is_refused_naming_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    table = _table(tmp_path, "spatial_extent.csv", "ons_code,name,crs,min_x,min_y,max_x,max_y,source\n" + row + "\n")
    with pytest.raises(InputError) as caught:
        read_extent(table)
    assert (caught.value.line, message in caught.value.message) == (2, True)


def test_the_release_description_names_the_publisher_its_build_was_given(tmp_path: Path) -> None:
    table = _table(tmp_path, "publisher.csv",
                   "name,homepage,adms_type\nTestshire Police,https://police.example.org/,\"" + LOCAL + "\"\n")
    folder = tmp_path / "20260101T000000000000Z"
    folder.mkdir()
    built = SimpleNamespace(inputs=collect_inputs([table]))  # write_void reads only the build's inputs
    write_void(built, ox.Store(), folder)  # type: ignore[arg-type]
    g = Graph().parse(folder / VOID_FILE, format="turtle")
    assert g.value(g.value(DATASET, DCTERMS.publisher), FOAF.name) == Literal("Testshire Police")


def test_peelkg_build_refuses_a_bad_publisher_table_and_publishes_nothing(tmp_path: Path) -> None:
    table = _table(tmp_path, "publisher.csv", "name,homepage,adms_type\nThe project,https://example.org/,Charity\n")
    out = tmp_path / "data"
    result = run_peelkg("build", str(table), "--out", str(out), "--quiet")
    assert result.returncode == 1
    assert f"{table}:2: adms_type 'Charity' is not an ADMS publisher type" in result.stderr
    assert "Traceback" not in result.stderr and not exists(out)


def test_a_wkt_reader_reads_the_box_and_the_centroid_inside_it() -> None:
    """Shapely (GEOS) parses both literals once the CRS IRI that GeoSPARQL puts first is taken off."""
    extent = read_extent()
    bbox, centroid = (shapely.from_wkt(text.split("> ", 1)[1]) for text in spatial_wkt(extent))
    assert bbox.geom_type == "Polygon" and bbox.is_valid and centroid.geom_type == "Point"
    assert bbox.contains(centroid) and bbox.centroid.equals(centroid)
    stated = (extent.min_x, extent.min_y, extent.max_x, extent.max_y)
    assert bbox.contains(shapely.box(*stated))
    assert all(abs(ours - theirs) < 1 for ours, theirs in zip(bbox.bounds, stated, strict=True))  # under a metre
