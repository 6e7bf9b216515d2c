"""raptor2's ``rapper`` reads what the server sends in every RDF format it parses, without a
warning or error: entity documents, the ontology, the endpoint vocabulary and the Turtle dump."""

from __future__ import annotations

import subprocess

import pytest

from tests.web.support import fetch
from tests.web.tools import rapper

PARSERS = {"ttl": "turtle", "rdf": "rdfxml", "nt": "ntriples"}
DOCUMENTS = ["/doc/force/norfolk", "/doc/judgement/2016/norfolk/effectiveness/0", "/def/peel", "/def/endpoint",
             "/dataset"]


def parse(data: bytes, parser: str, base: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([rapper(), "-i", parser, "-c", "-", base], input=data, capture_output=True,
                          timeout=120, check=False)


@pytest.mark.parametrize("suffix", sorted(PARSERS))
@pytest.mark.parametrize("path", DOCUMENTS)
def test_rapper_reads_every_document_in_every_format(live_server: str, path: str, suffix: str) -> None:
    status, _, body = fetch(live_server, f"{path}.{suffix}")
    assert status == 200
    result = parse(body, PARSERS[suffix], live_server + path)
    assert result.returncode == 0, result.stderr.decode()
    assert b"Warning" not in result.stderr and b"Error" not in result.stderr, result.stderr.decode()


def test_rapper_reads_the_turtle_dump(live_server: str) -> None:
    status, _, body = fetch(live_server, "/download/dump.ttl")
    assert status == 200
    result = parse(body, "turtle", live_server + "/download/dump.ttl")
    assert result.returncode == 0 and b"Warning" not in result.stderr, result.stderr.decode()
