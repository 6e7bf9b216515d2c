"""The dataset description, sitemap and robots.txt through a real server."""

from __future__ import annotations

import gzip
import hashlib
import warnings
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from rdflib import OWL, Graph, URIRef

from kg.namespaces import BASE, DCAT, DCTERMS, PEEL, RDF, SKOS, VOID
from kg.release.layout import Release
from kg.release.search import INDEX_FILE, iris
from kg.release.void import DATASET, SPDX
from kg.store.local import LocalStore
from tests.web.support import fetch

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def jsonld(data: bytes) -> Graph:
    """JSON-LD as rdflib reads it (its JSON-LD parser warns about rdflib's own deprecated internals)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        return Graph().parse(data=data, format="json-ld")




def test_well_known_void_parses_and_counts_the_nquads_dump(live_server: str, store: LocalStore) -> None:
    void = Graph()
    void.parse(live_server + "/.well-known/void")  # as a VoID consumer does: by URL, Turtle by default
    _, _, dump = fetch(live_server, "/download/dump.nq.gz")
    quads = [line for line in gzip.decompress(dump).splitlines() if line.strip()]
    assert int(str(void.value(DATASET, VOID.triples))) == len(quads) == len(store.oxigraph)


def test_well_known_void_negotiates_rdf_formats(live_server: str) -> None:
    status, headers, turtle = fetch(live_server, "/.well-known/void", {"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle") and "Accept" in headers["Vary"]
    status, headers, body = fetch(live_server, "/.well-known/void", {"Accept": "application/ld+json"})
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json")
    assert len(Graph().parse(data=turtle, format="turtle")) == len(jsonld(body))


def test_linksets_and_class_partitions(live_server: str, release: Release) -> None:
    void = Graph().parse(data=fetch(live_server, "/.well-known/void")[2], format="turtle")
    links = {void.value(ls, VOID.linkPredicate): int(str(void.value(ls, VOID.triples)))
             for ls in void.objects(DATASET, VOID.subset) if (ls, RDF.type, VOID.Linkset) in void}
    assert links == {DCTERMS.spatial: 43, SKOS.exactMatch: 43, OWL.sameAs: 43}  # every force has a Wikidata item
    partitions = {void.value(p, VOID["class"]): int(str(void.value(p, VOID.entities)))
                  for p in void.objects(DATASET, VOID.classPartition)}
    assert partitions[PEEL.Force] == 43
    assert len([c for c in partitions if str(c).startswith(str(PEEL))]) >= 8


def test_distributions_describe_the_served_files(live_server: str) -> None:
    void = Graph().parse(data=fetch(live_server, "/.well-known/void")[2], format="turtle")
    distributions = list(void.objects(DATASET, DCAT.distribution))
    assert len(distributions) == 5
    for node in distributions:
        url = str(void.value(node, DCAT.downloadURL))
        assert url.startswith("https://w3id.org/peelkg/download/")
        status, _, body = fetch(live_server, urlsplit(url).path.removeprefix("/peelkg"))
        assert status == 200
        assert int(str(void.value(node, DCAT.byteSize))) == len(body)
        assert str(void.value(void.value(node, SPDX.checksum), SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        assert str(void.value(node, DCAT.mediaType)).startswith("http://www.iana.org/assignments/media-types/")


def test_dataset_page_and_its_rdf(live_server: str, release: Release) -> None:
    status, headers, body = fetch(live_server, "/dataset")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html") and "Accept" in headers["Vary"]
    assert "PEEL police inspection findings" in page and 'href="/download/dump.nq.gz"' in page
    assert f"{release.manifest['quads']:,}" in page
    assert '<script type="application/ld+json">' in page
    status, headers, body = fetch(live_server, "/dataset", {"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert (DATASET, RDF.type, DCAT.Dataset) in Graph().parse(data=body, format="turtle")
    status, headers, body = fetch(live_server, "/dataset.jsonld")
    assert status == 200 and (DATASET, RDF.type, VOID.Dataset) in jsonld(body)
    assert fetch(live_server, "/dataset", {"Accept": "image/png"})[0] == 406
    assert fetch(live_server, "/dataset.exe")[0] == 404


def test_dataset_iri_dereferences_to_its_description(live_server: str) -> None:
    status, headers, _ = fetch(live_server, "/id/dataset")
    assert status == 303 and headers["Location"].endswith("/dataset")


def test_sitemap_lists_the_site_and_every_indexed_entity_page(live_server: str, release: Release) -> None:
    status, headers, body = fetch(live_server, "/sitemap.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    locs = [e.text or "" for e in ET.fromstring(body).iter(f"{SITEMAP}loc")]
    # absolute, as the sitemap protocol requires: under the persistent base IRI when no public_base_url is set
    assert all(loc.startswith(str(BASE)) for loc in locs)
    paths = {"/" + loc[len(str(BASE)):] for loc in locs}
    assert {"/", "/dataset", "/def/peel", "/download/", "/doc/force/norfolk"} <= paths
    entities = iris(release.file(INDEX_FILE))
    assert len([p for p in paths if p.startswith("/doc/")]) == len(entities)
    for path in ("/doc/force/norfolk", "/doc/improvement/2016/norfolk/effectiveness/2/1", "/dataset"):
        assert fetch(live_server, path)[0] == 200, path


def test_robots_txt_points_to_the_sitemap(live_server: str) -> None:
    status, headers, body = fetch(live_server, "/robots.txt")
    lines = body.decode().splitlines()
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {BASE}sitemap.xml" in lines and "Disallow: /sparql" in lines


def test_dataset_iri_is_the_description_subject(live_server: str) -> None:
    void = Graph().parse(data=fetch(live_server, "/dataset.ttl")[2], format="turtle")
    assert void.value(DATASET, DCTERMS.license) == URIRef(
        "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
    assert (DATASET, RDF.type, DCAT.Dataset) in void
