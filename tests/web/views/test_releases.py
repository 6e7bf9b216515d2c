"""Versioned releases, end to end: two builds into one data directory, the second with one report changed.

The second release names the first as its previous version (DCAT), its changelog (CSV, HTML, RDF) names exactly
the change made, the Atom feed (read with feedparser) lists both, and the first release's dump still answers at its
own address with its own SHA-256.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPMessage
from pathlib import Path

import feedparser
import pytest
from rdflib import Graph, Literal, Namespace, URIRef

import web.views.releases
from kg.release.layout import open_release
from kg.resources import corpus_dir
from tests.conftest import run_peelkg
from tests.web.conftest import start_server, stop_server
from tests.web.support import fetch
from tests.web.views.test_dcat_ap import SHAPE_SETS, dcat_ap_findings

REPORT = "norfolk-2016-effectiveness.txt"
BEFORE, AFTER = "provides an excellent service", "provides an effective service"  # same length: no offset moves
PEEL = "https://w3id.org/peelkg/def/peel#"
RELEASE = "https://w3id.org/peelkg/id/release/"
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # open: rdflib's lacks the DCAT 3 terms


@dataclass
class Versions:
    base: str
    first: str
    second: str
    data: Path


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Versions]:
    data = tmp_path_factory.mktemp("versions")
    edited = tmp_path_factory.mktemp("edited")
    for name in (REPORT, "reports.csv"):
        shutil.copy(corpus_dir() / name, edited / name)
    text = (edited / REPORT).read_text(encoding="utf-8")
    assert text.count(BEFORE) == 1
    (edited / REPORT).write_text(text.replace(BEFORE, AFTER), encoding="utf-8")
    run_peelkg("build", "--out", str(data), "--quiet", check=True)
    first = open_release(data).id
    run_peelkg("build", str(edited), "--replace", "--out", str(data), "--quiet", check=True)
    second = open_release(data).id
    process, base = start_server(data)
    try:
        yield Versions(base, first, second, data)
    finally:
        stop_server(process)


def get(v: Versions, path: str, accept: str = "*/*") -> tuple[int, HTTPMessage, bytes]:
    return fetch(v.base, path, {"Accept": accept})


def changes(v: Versions) -> list[dict[str, str]]:
    status, headers, body = get(v, f"/releases/{v.second}/changes.csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def test_the_changelog_names_exactly_the_change(versions: Versions) -> None:
    rows = changes(versions)
    assert [(r["section"], r["change"], r["item"]) for r in rows if r["section"] == "input"] == \
        [("input", "changed", REPORT)]
    changed = [(r["change"], r["item"].rsplit("/id/", 1)[-1], r["class"]) for r in rows if r["section"] == "entity"]
    assert changed == [("changed", "finding/2016/norfolk/effectiveness/1/2", f"{PEEL}Finding")]
    assert [r for r in rows if r["section"] == "grade"] == []
    graphs = [(r["item"].rsplit("/graph/", 1)[-1], r["added"], r["removed"]) for r in rows if r["section"] == "graph"]
    assert graphs == [("report/2016/norfolk/effectiveness", "1", "1")]


def test_the_changelog_page_shows_the_change(versions: Versions) -> None:
    status, _, body = get(versions, f"/releases/{versions.second}")
    page = body.decode("utf-8")
    assert status == 200 and REPORT in page and "/doc/finding/2016/norfolk/effectiveness/1/2" in page
    assert f'href="/releases/{versions.first}"' in page  # its previous version


def test_the_second_release_names_the_first_as_its_previous_version(versions: Versions) -> None:
    status, _, body = get(versions, "/dataset.ttl")
    assert status == 200
    g = Graph().parse(data=body, format="turtle")
    first, second = URIRef(RELEASE + versions.first), URIRef(RELEASE + versions.second)
    assert (second, DCAT.previousVersion, first) in g
    assert (first, DCAT.previousVersion, None) not in g
    assert g.value(second, DCAT.version) == Literal(versions.second)
    series = g.value(second, DCAT.inSeries)
    assert series is not None and g.value(first, DCAT.inSeries) == series
    assert (series, DCAT.last, second) in g and (series, DCAT.first, first) in g
    dataset = URIRef("https://w3id.org/peelkg/id/dataset")
    assert set(g.objects(dataset, DCAT.hasVersion)) == {first, second}
    changed = {g.value(c, URIRef(PEEL + "changed")) for c in g.objects(second, URIRef(PEEL + "hasChange"))}
    assert URIRef("https://w3id.org/peelkg/id/finding/2016/norfolk/effectiveness/1/2") in changed


def test_the_versions_add_no_dcat_ap_finding(versions: Versions) -> None:
    _, _, body = get(versions, "/.well-known/void", "text/turtle")
    description = Graph().parse(data=body, format="turtle")
    for shapes in SHAPE_SETS.values():
        found, text = dcat_ap_findings(description, shapes)
        assert found == set(), text


def test_the_feed_lists_both_releases(versions: Versions) -> None:
    status, headers, body = get(versions, "/releases.atom")
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.id for e in feed.entries] == [RELEASE + versions.second, RELEASE + versions.first]
    for entry in feed.entries:
        assert entry.title and entry.updated_parsed and entry.link.endswith("/releases/" + entry.id.rsplit("/", 1)[1])
    assert "norfolk-2016-effectiveness.txt changed" in feed.entries[0].summary
    assert feed.feed.title and feed.feed.updated_parsed and feed.feed.author


def test_the_old_version_dump_answers_with_its_own_checksum(versions: Versions) -> None:
    sums = {}
    for release in (versions.first, versions.second):
        status, _, listed = get(versions, f"/download/{release}/SHA256SUMS")
        assert status == 200
        sums[release] = dict(reversed(line.split("  ")) for line in listed.decode().splitlines())["dump.nq.gz"]
    status, headers, body = get(versions, f"/download/{versions.first}/dump.nq.gz")
    assert status == 200 and "Content-Encoding" not in headers
    assert hashlib.sha256(body).hexdigest() == sums[versions.first] != sums[versions.second]
    assert hashlib.sha256(body).digest() == hashlib.sha256(
        (versions.data / "releases" / versions.first / "dump.nq.gz").read_bytes()).digest()


def test_release_identifiers_answer_and_unknown_ones_are_404(versions: Versions) -> None:
    status, headers, _ = get(versions, f"/id/release/{versions.first}")
    assert status == 303 and headers["Location"].endswith(f"/releases/{versions.first}")
    for path in ("/id/release/20000101T000000000000Z", "/download/20000101T000000000000Z/dump.nq.gz",
                 "/download/..%2Fstore/dump.nq.gz", f"/download/{versions.first}/store", "/releases/nope"):
        status, _, body = get(versions, path)
        assert status == 404, path
        assert b"Traceback" not in body


def test_the_releases_page_lists_both_newest_first(versions: Versions) -> None:
    status, _, body = get(versions, "/releases")
    page = body.decode("utf-8")
    assert status == 200 and page.index(versions.second) < page.index(versions.first)
    assert web.views.releases.ATOM.media_type == "application/atom+xml"
