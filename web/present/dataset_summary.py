"""What the dataset page shows: the release's VoID/DCAT description (``void.ttl``) read back into records.

``kg.release.void`` writes the description at build time; this module reads it for presentation
(``summarise``), and gives the downloads' listing (``downloads``) from the release's files
and the manifest the build wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from kg.errors import NotFound
from kg.namespaces import DCAT, DCTERMS, PREFIXES, RDF, VOID
from kg.release.definitions import Term, term, text_of
from kg.release.dumps import DOWNLOADS, Download, read_checksums
from kg.release.void import DATASET, SPDX, VOID_FILE


def load_description(folder: Path) -> Graph:
    """The release's ``void.ttl`` as a graph; ``NotFound`` when the release has none."""
    path = folder / VOID_FILE
    if not path.is_file():
        raise NotFound("this release has no dataset description (it was built before descriptions were written)")
    graph = Graph().parse(path, format="turtle")
    for prefix, namespace in {**PREFIXES, "spdx": str(SPDX)}.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


@dataclass(frozen=True)
class Available:
    """A download as the release holds it."""

    download: Download
    bytes: int
    sha256: str
    count: int | None  # statements (quads or triples) or rows, when the manifest records it

    @property
    def name(self) -> str:
        return self.download.name


def downloads(folder: Path, manifest: dict[str, Any]) -> list[Available]:
    """The downloads present in the release ``folder``, in ``DOWNLOADS`` order, with size, SHA-256 and count."""
    sums = read_checksums(folder)
    counts = {str(e.get("file")): e.get("count") for e in manifest.get("downloads", []) if isinstance(e, dict)}
    return [Available(d, (folder / d.name).stat().st_size, sums[d.name], counts.get(d.name))
            for d in DOWNLOADS if d.name in sums and (folder / d.name).is_file()]


@dataclass(frozen=True)
class Linkset:
    title: str
    predicate: Term
    target: str
    homepage: str
    triples: int


@dataclass(frozen=True)
class Partition:
    term: Term
    count: int


@dataclass(frozen=True)
class DatasetSummary:
    iri: str
    title: str
    description: str
    publisher: str
    license: str
    issued: str
    modified: str
    version: str
    triples: int
    entities: int
    distinct_subjects: int
    properties: int
    sparql_endpoint: str
    first_year: str
    last_year: str
    linksets: list[Linkset]
    classes: list[Partition]
    property_partitions: list[Partition]


def _int(graph: Graph, node: Any, predicate: URIRef) -> int:
    value = graph.value(node, predicate)
    return int(value) if value is not None else 0


def summarise(graph: Graph) -> DatasetSummary:
    """The figures and links of a dataset description, for a page."""
    d = DATASET
    linksets = []
    for node in graph.objects(d, VOID.subset):
        if (node, RDF.type, VOID.Linkset) not in graph:
            continue
        target = graph.value(node, VOID.objectsTarget)
        predicate = graph.value(node, VOID.linkPredicate)
        linksets.append(Linkset(text_of(graph, node, DCTERMS.title), term(graph, predicate),  # type: ignore[arg-type]
                                text_of(graph, target, DCTERMS.title) if target else "",
                                str(graph.value(target, URIRef("http://xmlns.com/foaf/0.1/homepage")) or ""),
                                _int(graph, node, VOID.triples)))
    classes = sorted((Partition(term(graph, graph.value(p, VOID["class"])), _int(graph, p, VOID.entities))  # type: ignore[arg-type]
                      for p in graph.objects(d, VOID.classPartition)), key=lambda p: (-p.count, p.term.name))
    props = sorted((Partition(term(graph, graph.value(p, VOID.property)), _int(graph, p, VOID.triples))  # type: ignore[arg-type]
                    for p in graph.objects(d, VOID.propertyPartition)), key=lambda p: (-p.count, p.term.name))
    period = graph.value(d, DCTERMS.temporal)
    publisher = graph.value(d, DCTERMS.publisher)
    return DatasetSummary(
        iri=str(d), title=text_of(graph, d, DCTERMS.title), description=text_of(graph, d, DCTERMS.description),
        publisher=text_of(graph, publisher, URIRef("http://xmlns.com/foaf/0.1/name")) if publisher else "",
        license=text_of(graph, d, DCTERMS.license), issued=text_of(graph, d, DCTERMS.issued),
        modified=text_of(graph, d, DCTERMS.modified), version=text_of(graph, d, URIRef(str(DCAT) + "version")),
        triples=_int(graph, d, VOID.triples), entities=_int(graph, d, VOID.entities),
        distinct_subjects=_int(graph, d, VOID.distinctSubjects), properties=_int(graph, d, VOID.properties),
        sparql_endpoint=text_of(graph, d, VOID.sparqlEndpoint),
        first_year=text_of(graph, period, DCAT.startDate) if period else "",
        last_year=text_of(graph, period, DCAT.endDate) if period else "",
        linksets=sorted(linksets, key=lambda ls: ls.title), classes=classes, property_partitions=props,
    )


def schema_org(summary: DatasetSummary, files: list[Available], download_base: str) -> dict[str, Any]:
    """The dataset as a schema.org ``Dataset`` with its downloads, for a page to embed as JSON-LD."""
    return {
        "@context": "https://schema.org", "@type": "Dataset", "@id": summary.iri, "name": summary.title,
        "description": summary.description, "license": summary.license, "dateModified": summary.modified,
        "isAccessibleForFree": True, "temporalCoverage": f"{summary.first_year}/{summary.last_year}",
        "distribution": [{"@type": "DataDownload", "name": f.download.title, "contentUrl": download_base + f.name,
                          "encodingFormat": f.download.content_type, "contentSize": f"{f.bytes} B"} for f in files],
    }


__all__ = ["Available", "DatasetSummary", "downloads", "load_description", "schema_org", "summarise"]
