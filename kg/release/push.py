"""``peelkg push``: load a release into a SPARQL 1.1 store with the Graph Store Protocol.

The release's N-Quads dump is split by named graph and each graph is sent with one HTTP
``PUT {graph store}?graph={graph IRI}`` (N-Triples), which replaces that graph whole.  Then
the graphs of the dataset's graph namespace that the release no longer has are removed
(``DELETE``), and a count through the query endpoint checks that the store now holds
exactly the release's statements.  A failed request stops the push with a readable
``PushError``; graphs already sent keep their new content (see ``docs/deployment.md`` for
rolling out a release with no downtime).

https://www.w3.org/TR/sparql11-http-rdf-update/
"""

from __future__ import annotations

import gzip
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox
from rdflib import Literal

from kg import __version__
from kg.errors import PeelError
from kg.formats import N_TRIPLES as N_TRIPLES_FORMAT
from kg.namespaces import GRAPH
from kg.query.internal import internal_query
from kg.release.layout import DUMP, Release
from kg.store.remote import RemoteStore

N_TRIPLES = N_TRIPLES_FORMAT.media_type



class PushError(PeelError):
    """A graph could not be sent to, or removed from, the graph store; or the store disagrees after the push."""


@dataclass
class PushOutcome:
    graphs: int = 0
    quads: int = 0
    removed: list[str] = field(default_factory=list)
    union_default_graph: bool = True


def default_graph_store(endpoint: str) -> str:
    """The graph store URL beside a query endpoint, as Oxigraph lays them out (``…/query`` → ``…/store``).

    >>> default_graph_store("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/store'
    >>> default_graph_store("http://example.org/sparql/")
    Traceback (most recent call last):
    ...
    kg.release.push.PushError: cannot tell the graph store URL from http://example.org/sparql/; pass --graph-store
    """
    base, _, last = endpoint.rstrip("?").rpartition("/")
    if last == "query" and base:
        return base + "/store"
    raise PushError(f"cannot tell the graph store URL from {endpoint}; pass --graph-store")


def graphs_of(dump: Path) -> dict[str, bytes]:
    """The dump's statements as N-Triples documents, one per named graph (in graph IRI order)."""
    lines: dict[str, list[str]] = defaultdict(list)
    try:
        with gzip.open(dump, "rb") as handle:
            for quad in ox.parse(cast(IO[bytes], handle), format=ox.RdfFormat.N_QUADS):
                if not isinstance(quad.graph_name, ox.NamedNode):
                    raise PushError(f"{dump.name}: a statement outside a named graph cannot be pushed")
                lines[quad.graph_name.value].append(f"{quad.triple} .\n")
    except (OSError, SyntaxError) as exc:
        raise PushError(f"{dump.name}: unreadable dump ({exc})") from None
    return {g: "".join(lines[g]).encode("utf-8") for g in sorted(lines)}


def _request(method: str, url: str, *, body: bytes | None = None, timeout: float) -> None:
    headers = {"User-Agent": f"peelkg/{__version__}"}
    if body is not None:
        headers["Content-Type"] = N_TRIPLES
    request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 - http(s) checked
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) checked by push()
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        suffix = f": {detail[0]}" if detail else ""
        raise PushError(f"{method} {url}: HTTP {exc.code} {exc.reason}{suffix}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise PushError(f"{method} {url}: {reason}") from None


def push(
    release: Release,
    endpoint: str,
    *,
    graph_store: str | None = None,
    timeout: float = 300.0,
    progress: Callable[[str], None] = lambda _step: None,
) -> PushOutcome:
    """Send every named graph of ``release`` to the graph store, drop stale ones, then check the count.

    ``endpoint`` is the store's SPARQL query URL; ``graph_store`` its Graph Store Protocol URL
    (default: :func:`default_graph_store`).  ``timeout`` bounds each request, in seconds.
    """
    for url in (endpoint, graph_store or ""):
        if url and not url.startswith(("http://", "https://")):
            raise PushError(f"{url!r} is not an http(s) URL")
    store_url = graph_store or default_graph_store(endpoint)
    remote = RemoteStore(endpoint, timeout=timeout)
    documents = graphs_of(release.file(DUMP))
    outcome = PushOutcome()
    for iri, body in documents.items():
        progress(f"PUT {iri}")
        _request("PUT", _graph_url(store_url, iri), body=body, timeout=timeout)
        outcome.graphs += 1
        outcome.quads += body.count(b"\n")
    space = Literal(str(GRAPH))
    for row in remote.select(internal_query("push-graphs"), {"space": space}):
        iri = str(row["g"])
        if iri not in documents:
            progress(f"DELETE {iri}")
            _request("DELETE", _graph_url(store_url, iri), timeout=timeout)
            outcome.removed.append(iri)
    rows = remote.select(internal_query("push-count"), {"space": space}).rows
    stored = int(rows[0]["n"]) if rows else 0
    expected = sum(body.count(b"\n") for iri, body in documents.items() if iri.startswith(str(GRAPH)))
    if stored != expected:
        raise PushError(f"after the push the store holds {stored} statements in the dataset's graphs; "
                        f"the release has {expected}")
    outcome.union_default_graph = remote.ask(internal_query("push-union"))
    return outcome


def _graph_url(store_url: str, iri: str) -> str:
    separator = "&" if "?" in store_url else "?"
    return f"{store_url}{separator}{urllib.parse.urlencode({'graph': iri})}"
