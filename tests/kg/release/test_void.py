"""The VoID/DCAT description: what is counted, and that the release's description agrees with its files."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from kg.namespaces import DCAT, DCTERMS, ID, ONS_GEOGRAPHY, OWL, PEEL, POLICE_UK_FORCE, RDF, SKOS, VOID
from kg.release.built import sha256
from kg.release.dumps import DOWNLOADS
from kg.release.layout import Release
from kg.release.void import DATASET, SPDX, VOID_FILE, DistributionFile, describe, release_time, statistics
from kg.store.loaded import LoadedStore
from kg.store.local import LocalStore

G1, G2 = "https://w3id.org/peelkg/graph/a", "https://w3id.org/peelkg/graph/b"
FORCE = str(ID["force/testshire"])


def q(s: str, p: object, o: ox.NamedNode | ox.Literal, g: str = G1) -> ox.Quad:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(str(p)), o, ox.NamedNode(g))


@pytest.fixture()
def small() -> LoadedStore:
    """A force stated in two graphs (one triple twice), linked to ONS and police.uk; no Wikidata link."""
    store = ox.Store()
    store.extend([
        q(FORCE, RDF.type, ox.NamedNode(str(PEEL.Force))),
        q(FORCE, RDF.type, ox.NamedNode(str(PEEL.Force)), G2),
        q(FORCE, DCTERMS.spatial, ox.NamedNode(str(ONS_GEOGRAPHY["E23000099"]))),
        q(FORCE, SKOS.exactMatch, ox.NamedNode(str(POLICE_UK_FORCE["testshire"]))),
        q(FORCE, SKOS.exactMatch, ox.NamedNode("https://example.org/not-police-uk")),
        q(str(ID["inspection/2016/testshire/effectiveness"]), RDF.type, ox.NamedNode(str(PEEL.Inspection))),
        q(str(ID["inspection/2016/testshire/effectiveness"]), PEEL.year, ox.Literal("2016", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer"))),
    ])
    return LoadedStore(store)


def test_statements_are_counted_once_per_graph(small: LoadedStore) -> None:
    stats = statistics(small)
    assert stats.triples == 7 == len(small.oxigraph)
    assert stats.distinct_triples == 6
    assert stats.classes == {str(PEEL.Force): 1, str(PEEL.Inspection): 1}
    assert stats.property_triples[str(RDF.type)] == 3
    assert sum(stats.property_triples.values()) == stats.triples
    assert stats.entities == 2 and stats.years == (2016, 2016)


def test_links_count_only_objects_in_the_target_space(small: LoadedStore) -> None:
    assert statistics(small).links == {"ons": 1, "police-uk": 1, "wikidata": 0}


def test_a_wikidata_linkset_appears_once_there_are_links(small: LoadedStore) -> None:
    small.oxigraph.add(q(FORCE, OWL.sameAs, ox.NamedNode("http://www.wikidata.org/entity/Q42")))
    graph = describe(statistics(small), [], issued=datetime(2026, 1, 2, tzinfo=UTC), version="v1")
    linksets = {str(graph.value(ls, VOID.linkPredicate)): int(str(graph.value(ls, VOID.triples)))
                for ls in graph.subjects(RDF.type, VOID.Linkset)}
    assert linksets == {str(DCTERMS.spatial): 1, str(SKOS.exactMatch): 1, str(OWL.sameAs): 1}


def test_no_links_no_linkset(small: LoadedStore) -> None:
    graph = describe(statistics(small), [], issued=datetime(2026, 1, 2, tzinfo=UTC), version="v1")
    assert (None, VOID.linkPredicate, OWL.sameAs) not in graph


def test_description_of_a_distribution(small: LoadedStore, tmp_path: Path) -> None:
    turtle = next(d for d in DOWNLOADS if d.name == "dump.ttl")
    item = DistributionFile(turtle, 1234, "ab" * 32)
    graph = describe(statistics(small), [item], issued=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), version="v1")
    node = graph.value(DATASET, DCAT.distribution)
    assert graph.value(node, DCAT.byteSize) == Literal(1234, datatype=URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))
    assert graph.value(node, DCAT.mediaType) == URIRef("http://www.iana.org/assignments/media-types/text/turtle")
    assert str(graph.value(graph.value(node, SPDX.checksum), SPDX.checksumValue)) == "ab" * 32
    assert "6 triples" in str(graph.value(node, DCTERMS.description))
    assert (DATASET, VOID.dataDump, URIRef("https://w3id.org/peelkg/download/dump.ttl")) in graph
    assert str(graph.value(DATASET, DCTERMS.issued)) == "2026-01-02T03:04:05+00:00"


def test_release_time_comes_from_the_release_id() -> None:
    assert release_time(Path("releases/20260102T030405000006Z")) == datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert (datetime.now(UTC) - release_time(Path("not-an-id"))).total_seconds() < 60


# --- the bundled release ---------------------------------------------------------------

@pytest.fixture(scope="module")
def description(release: Release) -> Graph:
    return Graph().parse(release.file(VOID_FILE), format="turtle")


def test_void_triples_equal_store_dump_and_manifest(description: Graph, release: Release, store: LocalStore) -> None:
    with gzip.open(release.file("dump.nq.gz"), "rt", encoding="utf-8") as handle:
        lines = sum(1 for line in handle if line.strip())
    triples = int(str(description.value(DATASET, VOID.triples)))
    assert triples == lines == len(store.oxigraph) == release.manifest["quads"] == release.manifest["void"]["triples"]


def test_class_partitions_and_linksets_of_the_release(description: Graph, release: Release) -> None:
    partitions = {str(description.value(p, VOID["class"])): int(str(description.value(p, VOID.entities)))
                  for p in description.objects(DATASET, VOID.classPartition)}
    assert partitions[str(PEEL.Force)] == 43
    assert partitions[str(PEEL.AreaForImprovement)] == release.manifest["classes"][str(PEEL.AreaForImprovement)]
    links = {str(description.value(ls, VOID.linkPredicate)): int(str(description.value(ls, VOID.triples)))
             for ls in description.subjects(RDF.type, VOID.Linkset)}
    assert links[str(DCTERMS.spatial)] == 43 and links[str(SKOS.exactMatch)] == 43


def test_distributions_match_the_release_files(description: Graph, release: Release) -> None:
    described = {}
    for node in description.objects(DATASET, DCAT.distribution):
        name = str(description.value(node, DCAT.downloadURL)).rsplit("/", 1)[-1]
        checksum = description.value(node, SPDX.checksum)
        described[name] = (int(str(description.value(node, DCAT.byteSize))),
                           str(description.value(checksum, SPDX.checksumValue)))
    assert set(described) == {d.name for d in DOWNLOADS}
    for name, (size, digest) in described.items():
        assert (size, digest) == (release.file(name).stat().st_size, sha256(release.file(name))), name


def test_dataset_is_dcat_with_licence_publisher_and_service(description: Graph) -> None:
    assert (DATASET, RDF.type, DCAT.Dataset) in description and (DATASET, RDF.type, VOID.Dataset) in description
    assert description.value(DATASET, DCTERMS.license) == URIRef(
        "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
    assert description.value(DATASET, DCTERMS.publisher) is not None
    services = set(description.subjects(DCAT.servesDataset, DATASET))
    assert all((service, RDF.type, DCAT.DataService) in description for service in services)
    assert {description.value(service, DCAT.endpointURL) for service in services} == {
        URIRef("https://w3id.org/peelkg/sparql"), URIRef("https://w3id.org/peelkg/fragments")}


def test_the_inspectorate_is_the_creator_typed_as_its_reference_row_says(small: LoadedStore) -> None:
    g = describe(statistics(small), [], issued=datetime(2026, 1, 1, tzinfo=UTC), version="v")
    creator = g.value(DATASET, DCTERMS.creator)
    assert creator == ID["organisation/hmicfrs"]
    kind = URIRef("http://purl.org/adms/publishertype/NationalAuthority")
    assert g.value(creator, DCTERMS.type) == kind and (kind, RDF.type, SKOS.Concept) in g
    assert g.value(creator, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")) == URIRef(
        "https://hmicfrs.justiceinspectorates.gov.uk/about-us/what-we-do/")
    assert g.value(DATASET, DCTERMS.publisher) != creator  # the project publishes; the inspectorate wrote
