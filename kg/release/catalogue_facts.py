"""The agents and the place the dataset description names, read from reference tables.

Three facts of ``void.ttl`` come from small tables rather than from the data:

- ``publisher.csv``: who publishes the release (name, homepage, ADMS publisher type). The publisher
  declares itself: the bundled row is the peelkg project's; a deployment that publishes under its
  own name gives its own ``publisher.csv`` as an INPUT of ``peelkg build``
  (``docs/decisions/0213-publisher-and-spatial-extent.md``).
- ``agents.csv``: what kind of body each other agent is (the inspectorate, the dataset's creator),
  each row with the page that states it.
- ``spatial_extent.csv``: the extent of the spatial coverage, England and Wales, as the ONS states
  it, from which ``dcat:bbox`` and ``dcat:centroid`` are derived (``spatial_wkt``).

>>> box = Extent("K04000001", "England and Wales", CRS_27700, 10.4, 20.6, 30.5, 41.0, "https://example.org/")
>>> bbox, centroid = spatial_wkt(box)
>>> bbox
'<http://www.opengis.net/def/crs/EPSG/0/27700> POLYGON((10 20, 31 20, 31 41, 10 41, 10 20))'
>>> centroid
'<http://www.opengis.net/def/crs/EPSG/0/27700> POINT(20.5 30.5)'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef

from kg.errors import InputError
from kg.link.mapping import PUBLISHER as INSPECTORATE
from kg.link.mapping import PUBLISHER_NAME as INSPECTORATE_NAME
from kg.link.reference import csv_rows
from kg.namespaces import DCAT, DCTERMS, FOAF, ONS_GEOGRAPHY, RDFS, SKOS, organisation_iri
from kg.parse.input_text import web_address_problem
from kg.resources import reference_dir

PUBLISHER_CSV, AGENTS_CSV, SPATIAL_CSV = "publisher.csv", "agents.csv", "spatial_extent.csv"

ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
ADMS_PUBLISHER_TYPES = URIRef(ADMS_PUBLISHER_TYPE + "1.0")  # the concept scheme (DCAT-AP's vocabulary shapes)
# The concepts of the ADMS publisher-type vocabulary and their English labels (SEMICeu ADMS controlled vocabularies).
PUBLISHER_TYPE_LABELS = {
    "Academia-ScientificOrganisation": "Academia/Scientific organisation",
    "Company": "Company",
    "IndustryConsortium": "Industry consortium",
    "LocalAuthority": "Local Authority",
    "NationalAuthority": "National authority",
    "NonGovernmentalOrganisation": "Non-Governmental Organisation",
    "NonProfitOrganisation": "Non-Profit Organisation",
    "PrivateIndividual(s)": "Private Individual(s)",
    "RegionalAuthority": "Regional authority",
    "StandardisationBody": "Standardisation body",
    "SupraNationalAuthority": "Supra-national authority",
}

GEOSPARQL = Namespace("http://www.opengis.net/ont/geosparql#")
CRS_27700 = "http://www.opengis.net/def/crs/EPSG/0/27700"  # British National Grid: easting, northing in metres


@dataclass(frozen=True)
class Publisher:
    """Who publishes the release, as its ``publisher.csv`` declares."""

    name: str
    homepage: str
    adms_type: str

    @property
    def type_label(self) -> str:
        return PUBLISHER_TYPE_LABELS[self.adms_type.removeprefix(ADMS_PUBLISHER_TYPE)]


@dataclass(frozen=True)
class Extent:
    """The bounding box of a geography in a projected CRS, as its source states it."""

    ons_code: str
    name: str
    crs: str
    min_x: float
    min_y: float
    max_x: float
    max_y: float
    source: str


def _one_row(path: Path, columns: tuple[str, ...]) -> tuple[int, dict[str, str]]:
    rows = list(csv_rows(path, columns))
    if len(rows) != 1:
        raise InputError(str(path), rows[1][0] if rows else None, "must hold exactly one row")
    return rows[0]


def read_publisher(path: Path | None = None) -> Publisher:
    """The one row of ``publisher.csv`` (the bundled one by default), checked: a web address for the
    homepage and a concept of the ADMS publisher-type vocabulary for the type."""
    path = path or reference_dir() / PUBLISHER_CSV
    line, row = _one_row(path, ("name", "homepage", "adms_type"))
    if not row["name"]:
        raise InputError(str(path), line, "name is empty")
    if (problem := web_address_problem(row["homepage"])) is not None:
        raise InputError(str(path), line, f"homepage {row['homepage']!r} {problem}")
    local = row["adms_type"].removeprefix(ADMS_PUBLISHER_TYPE)
    if local == row["adms_type"] or local not in PUBLISHER_TYPE_LABELS:
        raise InputError(str(path), line, f"adms_type {row['adms_type']!r} is not an ADMS publisher type: one of "
                         + ", ".join(ADMS_PUBLISHER_TYPE + name for name in PUBLISHER_TYPE_LABELS))
    return Publisher(row["name"], row["homepage"], row["adms_type"])


def read_extent(path: Path | None = None) -> Extent:
    """The one row of ``spatial_extent.csv``: min ≤ max on both axes, numbers, a web address as source."""
    path = path or reference_dir() / SPATIAL_CSV
    columns = ("ons_code", "name", "crs", "min_x", "min_y", "max_x", "max_y", "source")
    line, row = _one_row(path, columns)
    try:
        box = [float(row[c]) for c in ("min_x", "min_y", "max_x", "max_y")]
    except ValueError:
        raise InputError(str(path), line, "min_x, min_y, max_x and max_y must be numbers") from None
    if not all(math.isfinite(v) for v in box) or box[0] > box[2] or box[1] > box[3]:
        raise InputError(str(path), line, "the box needs finite figures with min ≤ max on both axes")
    for column in ("crs", "source"):
        if (problem := web_address_problem(row[column])) is not None:
            raise InputError(str(path), line, f"{column} {row[column]!r} {problem}")
    min_x, min_y, max_x, max_y = box
    return Extent(row["ons_code"], row["name"], row["crs"], min_x, min_y, max_x, max_y, row["source"])


def _figure(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def spatial_wkt(extent: Extent) -> tuple[str, str]:
    """(bbox, centroid) as GeoSPARQL WKT literals in the extent's own CRS (its IRI leads the literal).

    The box is the extent rounded outward to whole units (metres in British National Grid), so it
    still holds the whole geography; the centroid is the centre of that box, not a centre of area.
    """
    x0, y0 = math.floor(extent.min_x), math.floor(extent.min_y)
    x1, y1 = math.ceil(extent.max_x), math.ceil(extent.max_y)
    ring = ", ".join(f"{x} {y}" for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)))
    crs = f"<{extent.crs}> "
    return f"{crs}POLYGON(({ring}))", f"{crs}POINT({_figure((x0 + x1) / 2)} {_figure((y0 + y1) / 2)})"


def state_publisher(g: Graph, node: URIRef, publisher: Publisher) -> None:
    """``node`` is the publisher: its name, homepage and ADMS type (with the concept's label and scheme)."""
    kind = URIRef(publisher.adms_type)
    g.add((node, FOAF.name, Literal(publisher.name)))
    g.add((node, FOAF.homepage, URIRef(publisher.homepage)))
    g.add((node, DCTERMS.type, kind))
    _label_type(g, kind, publisher.type_label)


def _label_type(g: Graph, kind: URIRef, label: str) -> None:
    g.add((kind, SKOS.prefLabel, Literal(label, lang="en")))
    g.add((kind, SKOS.inScheme, ADMS_PUBLISHER_TYPES))


def state_creator(g: Graph, dataset: URIRef, path: Path | None = None) -> None:
    """The inspectorate wrote the reports and gave the grades: ``dataset``'s creator, typed as its row of
    ``agents.csv`` says (an ADMS publisher type, DCAT-AP's recommended ``dcterms:type`` of an agent)."""
    g.add((dataset, DCTERMS.creator, INSPECTORATE))
    g.add((INSPECTORATE, FOAF.name, Literal(INSPECTORATE_NAME, lang="en")))
    for _line, row in csv_rows(path or reference_dir() / AGENTS_CSV, ("agent", "adms_type", "type_label", "source")):
        if organisation_iri(row["agent"]) == INSPECTORATE:
            kind = URIRef(row["adms_type"])
            g.add((INSPECTORATE, DCTERMS.type, kind))
            g.add((INSPECTORATE, RDFS.seeAlso, URIRef(row["source"])))
            _label_type(g, kind, row["type_label"])


def state_extent(g: Graph, extent: Extent) -> URIRef:
    """The spatial coverage: the ONS geography of ``extent`` with its label, bounding box and centroid,
    and the page that states the extent."""
    place = ONS_GEOGRAPHY[extent.ons_code]
    bbox, centroid = spatial_wkt(extent)
    g.add((place, SKOS.prefLabel, Literal(extent.name, lang="en")))
    g.add((place, DCAT.bbox, Literal(bbox, datatype=GEOSPARQL.wktLiteral)))
    g.add((place, DCAT.centroid, Literal(centroid, datatype=GEOSPARQL.wktLiteral)))
    g.add((place, RDFS.seeAlso, URIRef(extent.source)))
    return place


__all__ = [
    "AGENTS_CSV", "PUBLISHER_CSV", "SPATIAL_CSV", "Extent", "Publisher", "read_extent", "read_publisher",
    "spatial_wkt", "state_creator", "state_extent", "state_publisher",
]
