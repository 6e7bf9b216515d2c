"""The JSON-LD dump as PyLD (the JSON-LD 1.1 API in Python, a processor nobody here wrote) reads it from the
server: it expands and compacts without error, and its statements are those of the N-Quads dump, as many and the
same ones (blank node labels aside)."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from typing import Any

import pytest
from pyld import jsonld

from kg.namespaces import PREFIXES
from tests.web.support import fetch

_BLANK = re.compile(r"_:[A-Za-z0-9_.-]+")


def no_remote_documents(url: str, options: Any = None) -> Any:
    raise AssertionError(f"PyLD tried to load {url}: the dump must need no remote context")


def statements(nquads: str) -> Counter[str]:
    """N-Quads lines, blank node labels made equal (each processor labels them its own way)."""
    return Counter(_BLANK.sub("_:b", line.strip()) for line in nquads.splitlines() if line.strip())


@pytest.fixture(scope="module")
def dumps(live_server: str) -> tuple[Any, Counter[str]]:
    status, _, body = fetch(live_server, "/download/dump.jsonld")
    assert status == 200
    status, _, packed = fetch(live_server, "/download/dump.nq.gz")
    assert status == 200
    return json.loads(body), statements(gzip.decompress(packed).decode("utf-8"))


def to_nquads(document: Any) -> str:
    text = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": no_remote_documents})
    assert isinstance(text, str)
    return text


def test_pyld_expands_the_dump_to_the_statements_of_the_nquads_dump(dumps: tuple[Any, Counter[str]]) -> None:
    document, nquads = dumps
    expanded = jsonld.expand(document, {"documentLoader": no_remote_documents})
    ours = statements(to_nquads(expanded))
    assert sum(ours.values()) == sum(nquads.values()) > 0
    assert ours == nquads


def test_pyld_compacts_the_dump_and_loses_nothing(dumps: tuple[Any, Counter[str]]) -> None:
    document, nquads = dumps
    context = {"@context": dict(PREFIXES)}
    compacted = jsonld.compact(document, context, {"documentLoader": no_remote_documents})
    assert compacted["@context"] == context["@context"]
    assert sum(statements(to_nquads(compacted)).values()) == sum(nquads.values())
