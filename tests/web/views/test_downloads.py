"""Downloads through a real server: every file is the release's, its size and SHA-256 are the listed ones,
and each dump parses to the store's counts."""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import re
import warnings

import pytest
from rdflib import Dataset, Graph

from kg.query.canned import get_query
from kg.release.dumps import CHECKSUMS, DOWNLOADS
from kg.release.layout import Release
from kg.store.local import LocalStore
from tests.web.support import fetch


def rdflib_dataset(data: bytes, fmt: str) -> Dataset:
    """Parse with rdflib as a user would (its Dataset.parse warns about its own deprecated internals)."""
    dataset = Dataset()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        dataset.parse(data=data, format=fmt)
    return dataset


def test_listing_names_every_file_with_its_size_and_checksum(live_server: str, release: Release) -> None:
    status, headers, body = fetch(live_server, "/download/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    for d in DOWNLOADS:
        data = release.file(d.name).read_bytes()
        assert f'href="/download/{d.name}"' in page
        assert hashlib.sha256(data).hexdigest() in page
        assert f'data-bytes="{len(data)}"' in page


@pytest.mark.parametrize("download", DOWNLOADS, ids=lambda d: d.name)
def test_each_download_is_the_release_file_with_its_checksum(live_server: str, release: Release, download) -> None:  # type: ignore[no-untyped-def]
    status, headers, body = fetch(live_server, f"/download/{download.name}")
    assert status == 200
    assert headers["Content-Type"] == download.media_type
    assert int(headers["Content-Length"]) == len(body) == release.file(download.name).stat().st_size
    digest = hashlib.sha256(body).hexdigest()
    assert digest == hashlib.sha256(release.file(download.name).read_bytes()).hexdigest()
    _, _, sums = fetch(live_server, f"/download/{CHECKSUMS}")
    assert f"{digest}  {download.name}" in sums.decode().splitlines()
    assert headers["Repr-Digest"] == f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"


def test_nquads_dump_holds_every_quad_of_the_store(live_server: str, store: LocalStore) -> None:
    _, _, body = fetch(live_server, "/download/dump.nq.gz")
    data = gzip.decompress(body)
    dataset = rdflib_dataset(data, "nquads")
    assert len(list(dataset.quads())) == len(data.splitlines()) == len(store.oxigraph)


def test_turtle_dump_reads_from_its_url_with_the_union_of_the_store(live_server: str, store: LocalStore) -> None:
    graph = Graph()
    graph.parse(live_server + "/download/dump.ttl")  # content type from the server: text/turtle
    distinct = store.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert len(graph) == int(distinct.rows[0]["n"]) > 0


def test_jsonld_dump_keeps_the_named_graphs(live_server: str, store: LocalStore, release: Release) -> None:
    _, _, body = fetch(live_server, "/download/dump.jsonld")
    dataset = rdflib_dataset(body, "json-ld")
    assert len(list(dataset.quads())) == len(store.oxigraph)
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == set(release.manifest["graphs"])


@pytest.mark.parametrize(("name", "query"), [("judgements.csv", "judgements"),
                                             ("areas-for-improvement.csv", "areas-for-improvement")])
def test_csv_tables_hold_the_canned_query_rows(live_server: str, store: LocalStore, name: str, query: str) -> None:
    _, _, body = fetch(live_server, f"/download/{name}")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    expected = store.select(get_query(query).bind({}))
    assert rows[0] == expected.variables and len(rows) - 1 == len(expected) > 0


def test_ranges_conditional_requests_and_head(live_server: str, release: Release) -> None:
    data = release.file("dump.ttl").read_bytes()
    status, headers, body = fetch(live_server, "/download/dump.ttl", {"Range": "bytes=100-199"})
    assert status == 206 and body == data[100:200]
    assert headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    _, headers, _ = fetch(live_server, "/download/dump.ttl")
    status, _, body = fetch(live_server, "/download/dump.ttl", {"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""
    status, headers, body = fetch(live_server, "/download/dump.nq.gz", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) == release.file("dump.nq.gz").stat().st_size


@pytest.mark.parametrize("path", ["/download/manifest.json", "/download/store", "/download/..%2Fmanifest.json",
                                  "/download/%2e%2e/manifest.json", "/download/search.sqlite", "/download/.env"])
def test_only_the_listed_files_are_served(live_server: str, release: Release, path: str) -> None:
    status, _, body = fetch(live_server, path)
    assert status == 404
    assert str(release.path) not in body.decode() and not re.search(r"Traceback|File \"", body.decode())
