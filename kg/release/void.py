"""The dataset description: VoID statistics and a DCAT-AP style catalogue record, as one graph.

Computed once per build from the loaded store (every figure is a SPARQL count) and written
into the release as ``void.ttl``; the web serves that file at ``/.well-known/void`` and
``/dataset``.  What is counted (see ``docs/decisions/0200-statement-counts.md``):

- ``void:triples`` of the dataset, of each property partition and of each linkset counts
  *statements as stored*: one per (graph, subject, predicate, object).  It equals
  ``len(store)``, the number of lines of ``dump.nq.gz`` and of quads in ``dump.jsonld``;
  the Turtle dump, a union, holds the distinct triples (its count is on its distribution).
- ``void:entities`` of a class partition counts its distinct instances; of the dataset,
  the distinct subjects whose IRI lies in its URI space.

The description is not part of the store (counting it would change the counts); its IRIs
are the dataset's (``/id/dataset``) and fragments of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef

from kg.formats import by_media_type
from kg.link.mapping import WIKIDATA
from kg.namespaces import (
    BASE,
    DCAT,
    DCTERMS,
    FOAF,
    ID,
    OGL,
    OGL_ATTRIBUTION,
    ONS_GEOGRAPHY,
    ONTOLOGY,
    OWL,
    PEEL,
    POLICE_UK_FORCE,
    PREFIXES,
    RDF,
    RDFS,
    SHAPES,
    SKOS,
    VOID,
    XSD,
)
from kg.query.fragments import SPEC as TPF_SPEC
from kg.query.internal import internal_query
from kg.release.canonical import canonical_turtle
from kg.release.catalogue_facts import (
    GEOSPARQL,
    Extent,
    Publisher,
    read_extent,
    read_publisher,
    state_creator,
    state_extent,
    state_publisher,
)
from kg.release.dumps import DOWNLOADS, Download, download, read_checksums
from kg.release.history import YEARS, describe_versions, release_time
from kg.store.loaded import LoadedStore
from kg.store.local import Store

if TYPE_CHECKING:
    from kg.release.built import Built

VOID_FILE = "void.ttl"
DATASET = ID["dataset"]
CATALOG, SERVICE, PUBLISHER, DESCRIPTION = (URIRef(f"{DATASET}#{part}")
                                            for part in ("catalog", "sparql", "publisher", "void"))
SPARQL_ENDPOINT = URIRef(BASE + "sparql")
FRAGMENTS, FRAGMENTS_ENDPOINT = URIRef(f"{DATASET}#fragments"), URIRef(BASE + "fragments")
DOWNLOAD = BASE + "download/"
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
PROV_NS = Namespace("http://www.w3.org/ns/prov#")
IANA = "http://www.iana.org/assignments/media-types/"
EU = "http://publications.europa.eu/resource/authority/"
ENGLAND_AND_WALES = ONS_GEOGRAPHY["K04000001"]
DCAT_VERSION = URIRef(str(DCAT) + "version")
CONTACT = URIRef(f"{DATASET}#contact")

TITLE = "PEEL police inspection findings"
DESCRIPTION_TEXT = (
    "The findings of the police inspectorate's PEEL assessments (police effectiveness, efficiency, legitimacy "
    "and leadership) of the territorial police forces of England and Wales, as linked open data: the forces, "
    "their inspections and reports, the graded judgements, and the findings and areas for improvement quoted "
    "from the reports, tagged with themes and linked to the ONS geographies and the police.uk API."
)


@dataclass(frozen=True)
class Linkset:
    """Links from the dataset to another one: statements with ``predicate`` whose object lies in ``space``."""

    name: str
    title: str
    predicate: URIRef
    space: str
    target: str
    homepage: str


LINKSETS = (
    Linkset("ons", "Police force areas in the ONS statistical geographies", DCTERMS.spatial, str(ONS_GEOGRAPHY),
            "ONS statistical geographies", "https://statistics.data.gov.uk/"),
    Linkset("police-uk", "Forces in the police.uk data API", SKOS.exactMatch, str(POLICE_UK_FORCE),
            "police.uk data API", "https://data.police.uk/"),
    Linkset("wikidata", "Organisations in Wikidata", OWL.sameAs, WIKIDATA, "Wikidata", "https://www.wikidata.org/"),
)


@dataclass
class Statistics:
    """The figures VoID states, as counted in a store."""

    triples: int = 0
    distinct_triples: int = 0
    entities: int = 0
    subjects: int = 0
    objects: int = 0
    properties: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # class IRI → distinct instances
    property_triples: dict[str, int] = field(default_factory=dict)  # property IRI → statements
    links: dict[str, int] = field(default_factory=dict)  # linkset name → statements
    years: tuple[int, int] | None = None
    examples: list[str] = field(default_factory=list)


_COUNTS = {  # Statistics field → the internal query that counts it
    "triples": "void-triples",
    "distinct_triples": "void-distinct-triples",
    "subjects": "void-subjects",
    "objects": "void-objects",
    "properties": "void-properties",
}
_YEARS = YEARS  # kg.release.history records each version's years with the same query


def _int(row: dict[str, Any], name: str) -> int:
    return int(row[name]) if name in row else 0


def statistics(store: Store) -> Statistics:
    """Count what VoID states, by SPARQL on ``store`` (see the module docstring for what each counts)."""
    stats = Statistics()
    for name, query in _COUNTS.items():
        setattr(stats, name, _int(store.select(internal_query(query)).rows[0], "n"))
    space = Literal(str(ID))
    stats.entities = sum(_int(r, "n") for r in store.select(internal_query("void-entities"), {"space": space}))
    stats.classes = {str(r["class"]): _int(r, "n") for r in store.select(internal_query("void-classes"))}
    stats.property_triples = {str(r["p"]): _int(r, "n") for r in store.select(internal_query("void-property-triples"))}
    for link in LINKSETS:
        rows = store.select(internal_query("void-links"), {"p": link.predicate, "space": Literal(link.space)}).rows
        stats.links[link.name] = sum(_int(r, "n") for r in rows)
    years = store.select(_YEARS).rows
    if years and "first" in years[0]:
        stats.years = (int(years[0]["first"]), int(years[0]["last"]))
    for cls in (PEEL.Force, PEEL.Inspection, PEEL.AreaForImprovement):
        stats.examples += [str(r["s"]) for r in store.select(internal_query("void-example"), {"type": cls})]
    return stats


@dataclass(frozen=True)
class DistributionFile:
    """A download as it lies in a release: its table entry, size and SHA-256."""

    download: Download
    bytes: int
    sha256: str


def distribution_files(folder: Path) -> list[DistributionFile]:
    """The downloads present in the release ``folder``, with their sizes and recorded checksums."""
    sums = read_checksums(folder)
    return [DistributionFile(d, (folder / d.name).stat().st_size, sums[d.name])
            for d in DOWNLOADS if (folder / d.name).is_file() and d.name in sums]


def _nonneg(n: int) -> Literal:
    return Literal(n, datatype=XSD.nonNegativeInteger)


def _distribution(graph: Graph, item: DistributionFile, stats: Statistics | None, *, dataset: URIRef = DATASET,
                  release: str | None = None) -> URIRef:
    """A download of ``dataset``: of the current release at ``/download/{file}``, or with ``release`` of that
    version at ``/download/{release}/{file}`` (the address that stays while the release is kept)."""
    d = item.download
    count = {"quads": stats.triples, "triples": stats.distinct_triples}.get(d.counts) if stats else None
    description = d.description + (f" {count} {d.counts}." if count is not None else "")
    node = URIRef(f"{dataset}#{d.name}")
    url = URIRef(DOWNLOAD + (f"{release}/" if release else "") + d.name)
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(d.title, lang="en")))
    graph.add((node, DCTERMS.description, Literal(description, lang="en")))
    graph.add((node, DCAT.downloadURL, url))
    graph.add((node, DCAT.accessURL, url))
    graph.add((node, DCAT.mediaType, URIRef(IANA + d.content_type)))
    content = by_media_type(d.content_type)
    graph.add((node, DCTERMS["format"], URIRef(EU + "file-type/" + str(content.eu_file_type))))
    if d.compression:
        graph.add((node, DCAT.compressFormat, URIRef(IANA + d.compression)))
    graph.add((node, DCAT.byteSize, _nonneg(item.bytes)))
    checksum = BNode()
    graph.add((node, SPDX.checksum, checksum))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((checksum, SPDX.checksumValue, Literal(item.sha256, datatype=XSD.hexBinary)))
    graph.add((node, DCTERMS.license, OGL))
    if content.is_rdf and release is None:
        graph.add((DATASET, VOID.dataDump, url))
        graph.add((DATASET, VOID.feature, URIRef(content.w3c_iri)))
    return node


def _linksets(graph: Graph, stats: Statistics) -> None:
    for link in LINKSETS:
        count = stats.links.get(link.name, 0)
        if not count:
            continue  # no links of this kind yet (Wikidata ids are optional)
        node, target = URIRef(f"{DATASET}#links-{link.name}"), URIRef(f"{DATASET}#{link.name}")
        graph.add((DATASET, VOID.subset, node))
        graph.add((node, RDF.type, VOID.Linkset))
        graph.add((node, DCTERMS.title, Literal(link.title, lang="en")))
        graph.add((node, VOID.subjectsTarget, DATASET))
        graph.add((node, VOID.objectsTarget, target))
        graph.add((node, VOID.linkPredicate, link.predicate))
        graph.add((node, VOID.triples, _nonneg(count)))
        graph.add((target, RDF.type, VOID.Dataset))
        graph.add((target, DCTERMS.title, Literal(link.target, lang="en")))
        graph.add((target, FOAF.homepage, URIRef(link.homepage)))
        graph.add((target, VOID.uriSpace, Literal(link.space)))


def _partitions(graph: Graph, stats: Statistics) -> None:
    for cls, n in sorted(stats.classes.items()):
        node = BNode()
        graph.add((DATASET, VOID.classPartition, node))
        graph.add((node, VOID["class"], URIRef(cls)))
        graph.add((node, VOID.entities, _nonneg(n)))
    for prop, n in sorted(stats.property_triples.items()):
        node = BNode()
        graph.add((DATASET, VOID.propertyPartition, node))
        graph.add((node, VOID.property, URIRef(prop)))
        graph.add((node, VOID.triples, _nonneg(n)))


def describe(stats: Statistics, files: list[DistributionFile], *, issued: datetime, version: str,
             folder: Path | None = None, publisher: Publisher | None = None, extent: Extent | None = None) -> Graph:
    """The VoID + DCAT graph of a release whose store ``stats`` counts and whose downloads are ``files``;
    with ``folder`` (the release's), also its versions and changelog (``kg.release.history``).

    ``publisher`` and ``extent`` default to the bundled ``publisher.csv`` and ``spatial_extent.csv``
    (``kg.release.catalogue_facts``)."""
    publisher = publisher or read_publisher()
    g = Graph()
    namespaces = {**PREFIXES, "spdx": str(SPDX), "vcard": str(VCARD), "dcatap": str(DCATAP), "geo": str(GEOSPARQL)}
    for prefix, namespace in namespaces.items():
        g.bind(prefix, namespace)
    when = Literal(issued.isoformat(timespec="seconds"), datatype=XSD.dateTime)
    g.add((DESCRIPTION, RDF.type, VOID.DatasetDescription))
    g.add((DESCRIPTION, DCTERMS.title, Literal(f"A description of the dataset “{TITLE}”", lang="en")))
    g.add((DESCRIPTION, FOAF.primaryTopic, DATASET))
    g.add((CATALOG, RDF.type, DCAT.Catalog))
    g.add((CATALOG, DCTERMS.title, Literal("peelkg", lang="en")))
    g.add((CATALOG, DCTERMS.description, Literal("The catalogue of the peelkg linked data service.", lang="en")))
    g.add((CATALOG, DCTERMS.publisher, PUBLISHER))
    g.add((CATALOG, DCTERMS.license, OGL))
    g.add((CATALOG, FOAF.homepage, URIRef(BASE)))
    g.add((CATALOG, DCAT.dataset, DATASET))
    g.add((CATALOG, DCAT.service, SERVICE))
    g.add((PUBLISHER, RDF.type, FOAF.Organization))
    state_publisher(g, PUBLISHER, publisher)
    rights = BNode()
    g.add((rights, RDF.type, DCTERMS.RightsStatement))
    g.add((rights, RDFS.label, Literal(OGL_ATTRIBUTION, lang="en")))

    for cls in (VOID.Dataset, DCAT.Dataset):
        g.add((DATASET, RDF.type, cls))
    g.add((DATASET, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((DATASET, DCTERMS.description, Literal(DESCRIPTION_TEXT, lang="en")))
    g.add((DATASET, DCTERMS.publisher, PUBLISHER))
    g.add((DATASET, DCTERMS.license, OGL))
    g.add((DATASET, DCTERMS.rights, rights))
    # dcterms:source is for a dataset (DCAT-AP); the inspectorate's pages are what it is derived from.
    g.add((DATASET, PROV_NS.wasDerivedFrom, URIRef("https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/")))
    g.add((DATASET, DCTERMS.issued, when))
    g.add((DATASET, DCTERMS.modified, when))
    g.add((DATASET, DCAT_VERSION, Literal(version)))
    g.add((DATASET, DCTERMS.language, URIRef(EU + "language/ENG")))
    g.add((DATASET, DCAT.theme, URIRef(EU + "data-theme/JUST")))
    for word in ("police", "PEEL", "inspection", "HMICFRS", "policing"):
        g.add((DATASET, DCAT.keyword, Literal(word, lang="en")))
    g.add((DATASET, DCTERMS.spatial, ENGLAND_AND_WALES))
    _temporal(g, DATASET, stats.years)
    g.add((DATASET, DCAT.landingPage, URIRef(BASE)))
    g.add((DATASET, DCTERMS.conformsTo, ONTOLOGY))
    g.add((DATASET, DCTERMS.conformsTo, SHAPES))
    g.add((DATASET, VOID.sparqlEndpoint, SPARQL_ENDPOINT))
    g.add((DATASET, VOID.uriSpace, Literal(str(ID))))
    for prefix in ("peel", "org", "skos", "dcterms", "prov", "rdfs", "owl"):
        g.add((DATASET, VOID.vocabulary, URIRef(PREFIXES[prefix])))
    for example in stats.examples:
        g.add((DATASET, VOID.exampleResource, URIRef(example)))
    for name in ("triples", "entities", "properties"):
        g.add((DATASET, VOID[name], _nonneg(getattr(stats, name))))
    g.add((DATASET, VOID.classes, _nonneg(len(stats.classes))))
    g.add((DATASET, VOID.distinctSubjects, _nonneg(stats.subjects)))
    g.add((DATASET, VOID.distinctObjects, _nonneg(stats.objects)))
    for item in files:
        g.add((DATASET, DCAT.distribution, _distribution(g, item, stats)))

    g.add((SERVICE, RDF.type, DCAT.DataService))
    g.add((SERVICE, DCTERMS.title, Literal("SPARQL 1.1 query endpoint", lang="en")))
    g.add((SERVICE, DCAT.endpointURL, SPARQL_ENDPOINT))
    g.add((SERVICE, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((SERVICE, DCAT.servesDataset, DATASET))
    g.add((SERVICE, DCTERMS.license, OGL))
    g.add((CATALOG, DCAT.service, FRAGMENTS))
    g.add((FRAGMENTS, RDF.type, DCAT.DataService))
    g.add((FRAGMENTS, DCTERMS.title, Literal("Triple Pattern Fragments", lang="en")))
    g.add((FRAGMENTS, DCAT.endpointURL, FRAGMENTS_ENDPOINT))
    g.add((FRAGMENTS, DCTERMS.conformsTo, TPF_SPEC))
    g.add((FRAGMENTS, DCAT.servesDataset, DATASET))
    g.add((FRAGMENTS, DCTERMS.license, OGL))
    _linksets(g, stats)
    _partitions(g, stats)
    _dcat_ap_recommended(g, when, publisher)
    state_extent(g, extent or read_extent())
    if folder is not None:
        describe_versions(g, folder, DATASET, _Versions(g))
    _type_objects(g)
    return g


def _temporal(g: Graph, node: URIRef, years: tuple[int, int] | list[int] | None) -> None:
    if years:
        period = BNode()
        g.add((node, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(str(years[0]), datatype=XSD.gYear)))
        g.add((period, DCAT.endDate, Literal(str(years[1]), datatype=XSD.gYear)))


class _Versions:
    """What each version of the dataset states like the dataset itself (``kg.release.history.VersionDescriber``)."""

    def __init__(self, g: Graph) -> None:
        self.g = g

    def common(self, node: URIRef, years: list[int] | None) -> None:
        for prop, value in ((DCTERMS.publisher, PUBLISHER), (DCAT.contactPoint, CONTACT), (DCTERMS.license, OGL),
                            (DCAT.theme, URIRef(EU + "data-theme/JUST")), (DCTERMS.spatial, ENGLAND_AND_WALES),
                            (DCAT.keyword, Literal("PEEL", lang="en"))):
            self.g.add((node, prop, value))
        _temporal(self.g, node, years)

    def distribution(self, node: URIRef, release: str, item: dict[str, Any]) -> URIRef | None:
        entry = download(str(item["file"]))
        if entry is None:
            return None  # SHA256SUMS itself, or a file a later peelkg no longer offers
        dist = _distribution(self.g, DistributionFile(entry, int(item["bytes"]), str(item["sha256"])), None,
                             dataset=node, release=release)
        # kept while the release is one of the newest a build keeps (kg.release.layout.prune)
        temporary = URIRef(EU + "planned-availability/TEMPORARY")
        self.g.add((dist, DCATAP.availability, temporary))
        self.g.add((temporary, SKOS.prefLabel, Literal("temporary", lang="en")))
        return dist


# DCAT-AP 3.0.1 (range.ttl): the class each property's object must have.  Every object of these
# properties in the description is typed with it, so a harvester need not dereference it.
DCAT_AP_RANGES = {
    DCTERMS.license: DCTERMS.LicenseDocument, DCTERMS["format"]: DCTERMS.MediaTypeOrExtent,
    DCAT.mediaType: DCTERMS.MediaType, DCAT.compressFormat: DCTERMS.MediaType,
    DCTERMS.conformsTo: DCTERMS.Standard, DCTERMS.publisher: FOAF.Agent, DCTERMS.creator: FOAF.Agent,
    DCTERMS.language: DCTERMS.LinguisticSystem,
    DCTERMS.spatial: DCTERMS.Location, DCAT.landingPage: FOAF.Document, FOAF.homepage: FOAF.Document,
    DCAT.theme: SKOS.Concept, DCAT.themeTaxonomy: SKOS.ConceptScheme, DCAT.endpointDescription: RDFS.Resource,
    DCAT.contactPoint: VCARD.Kind, SPDX.algorithm: SPDX.ChecksumAlgorithm, DCATAP.availability: SKOS.Concept,
    DCTERMS.type: SKOS.Concept,
}


def _type_objects(g: Graph) -> None:
    for prop, cls in DCAT_AP_RANGES.items():
        for obj in set(g.objects(None, prop)):
            if isinstance(obj, URIRef | BNode) and cls != RDFS.Resource:
                g.add((obj, RDF.type, cls))


def _dcat_ap_recommended(g: Graph, when: Literal, publisher: Publisher) -> None:
    """What DCAT-AP 3.0.1 recommends beyond the mandatory (shapes_recommended.ttl)."""
    state_creator(g, DATASET)
    contact = CONTACT  # the publisher answers for the data it publishes
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(publisher.name)))
    g.add((contact, VCARD.hasURL, URIRef(publisher.homepage)))
    for node in (DATASET, SERVICE, FRAGMENTS):
        g.add((node, DCAT.contactPoint, contact))
    for prop, value in ((DCTERMS.issued, when), (DCTERMS.modified, when),
                        (DCTERMS.language, URIRef(EU + "language/ENG")), (DCTERMS.spatial, ENGLAND_AND_WALES),
                        (DCAT.themeTaxonomy, URIRef(EU + "data-theme"))):
        g.add((CATALOG, prop, value))
    g.add((SERVICE, DCTERMS.publisher, PUBLISHER))
    g.add((SERVICE, DCAT.endpointDescription, SPARQL_ENDPOINT))  # it answers its service description
    g.add((SERVICE, DCAT.theme, URIRef(EU + "data-theme/JUST")))
    g.add((SERVICE, DCAT.keyword, Literal("SPARQL", lang="en")))
    g.add((FRAGMENTS, DCTERMS.publisher, PUBLISHER))
    g.add((FRAGMENTS, DCAT.endpointDescription, FRAGMENTS_ENDPOINT))  # every fragment carries its controls
    g.add((FRAGMENTS, DCAT.theme, URIRef(EU + "data-theme/JUST")))
    g.add((FRAGMENTS, DCAT.keyword, Literal("Linked Data Fragments", lang="en")))
    # labels of the EU authority-table concepts used (their own labels, publications.europa.eu)
    g.add((URIRef(EU + "data-theme"), DCTERMS.title, Literal("Data theme", lang="en")))
    g.add((URIRef(EU + "data-theme/JUST"), SKOS.prefLabel,
           Literal("Justice, legal system and public safety", lang="en")))
    g.add((URIRef(EU + "planned-availability/AVAILABLE"), SKOS.prefLabel, Literal("available", lang="en")))
    attribution = URIRef("http://purl.org/adms/licencetype/Attribution")
    g.add((OGL, DCTERMS.type, attribution))  # OGL v3: reuse must attribute the source
    g.add((attribution, SKOS.prefLabel, Literal("Attribution", lang="en")))
    for distribution in set(g.objects(DATASET, DCAT.distribution)):
        # available for as long as the release is served (the EU planned-availability vocabulary)
        g.add((distribution, DCATAP.availability, URIRef(EU + "planned-availability/AVAILABLE")))


def write_void(built: Built, store: ox.Store, folder: Path) -> dict[str, Any]:
    """Artefact: count, describe and write ``void.ttl``; runs after ``kg.release.dumps.write_dumps``.

    Returns the manifest entry ``void``: the file name and the ``void:triples`` it states.
    """
    stats = statistics(LoadedStore(store))
    graph = describe(stats, distribution_files(folder), issued=release_time(folder),
                     version=folder.name.removeprefix(".building-"), folder=folder,
                     publisher=read_publisher(built.inputs.publisher))
    (folder / VOID_FILE).write_bytes(canonical_turtle(graph))  # the same bytes in every process
    return {"void": {"file": VOID_FILE, "triples": stats.triples}}


__all__ = ["DATASET", "LINKSETS", "VOID_FILE", "Statistics", "describe", "statistics", "write_void"]
