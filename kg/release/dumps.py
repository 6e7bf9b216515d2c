"""The downloads of a release: the dataset in three RDF formats, two CSV tables, their checksums.

``DOWNLOADS`` is the one table of what a release offers for download (file name, media
type, what its count counts); the build writes the files (``write_dumps``, an artefact),
the dataset description (``kg.release.void``) and the web (``web.views.downloads``) read the same table.

- ``dump.nq.gz``: every quad, named graphs kept; gzip.
  Its line count is the dataset's statement count (``void:triples``, ``len(store)``).
- ``dump.ttl``: the union of the named graphs as plain Turtle (Turtle has no graphs), so a
  statement stated in two graphs appears once: its count is of distinct triples.
- ``dump.jsonld``: every quad as JSON-LD (expanded form, one ``@graph`` per named graph).
- ``judgements.csv``, ``areas-for-improvement.csv``: the canned queries of those names run
  without parameters, as SPARQL CSV results (labels, not IRIs; see DESIGN.md).
- ``SHA256SUMS``: ``sha256sum -c`` checks the files above.

Turtle and JSON-LD are not compressed so that RDF tools can read them straight from their
URL (see ``docs/decisions/0201-download-formats.md``).
"""

from __future__ import annotations

import gzip
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.formats import GZIP, JSON_LD, N_QUADS, SPARQL_CSV, TURTLE
from kg.namespaces import PREFIXES
from kg.query.canned import get_query
from kg.query.csv_cells import neutralise_csv
from kg.query.results import serialise
from kg.release.built import sha256
from kg.release.layout import DUMP
from kg.release.sorted_lines import sorted_unique
from kg.store.loaded import LoadedStore

if TYPE_CHECKING:
    from kg.release.built import Built

CHECKSUMS = "SHA256SUMS"
CSV_TABLE = SPARQL_CSV.content_type + "; header=present"  # RFC 4180: the first line names the columns


@dataclass(frozen=True)
class Download:
    """One downloadable file of a release."""

    name: str  # file name, in the release folder and under /download/
    title: str
    media_type: str  # the Content-Type it is served with
    content_type: str  # the media type of its content once uncompressed (dcat:mediaType)
    compression: str | None  # media type of the compression (dcat:compressFormat), if any
    counts: str  # what its statement count counts: "quads", "triples" or "rows"
    description: str


DOWNLOADS: tuple[Download, ...] = (
    Download(DUMP, "N-Quads dump (gzip)", GZIP.media_type, N_QUADS.media_type, GZIP.media_type, "quads",
             "Every statement of the dataset with the named graph it belongs to (one graph per report, "
             "one for the reference facts, one for the vocabularies)."),
    Download("dump.ttl", "Turtle dump", TURTLE.content_type, TURTLE.media_type, None, "triples",
             "The union of the named graphs: every distinct triple once, without its graph."),
    Download("dump.jsonld", "JSON-LD dump", JSON_LD.media_type, JSON_LD.media_type, None, "quads",
             "Every statement with its named graph, as expanded JSON-LD (one @graph per named graph)."),
    Download("judgements.csv", "Graded judgements (CSV)", CSV_TABLE, SPARQL_CSV.media_type, None, "rows",
             "The canned query `judgements`: force, year, pillar, question, grade, source."),
    Download("areas-for-improvement.csv", "Areas for improvement (CSV)", CSV_TABLE, SPARQL_CSV.media_type, None, "rows",
             "The canned query `areas-for-improvement`: force, year, pillar, question, text, themes."),
)
CSV_QUERIES = {"judgements.csv": "judgements", "areas-for-improvement.csv": "areas-for-improvement"}


def download(name: str) -> Download | None:
    """The entry of ``DOWNLOADS`` named ``name``, or ``None``.

    >>> download("dump.ttl").counts
    'triples'
    >>> download("../store") is None
    True
    """
    return next((d for d in DOWNLOADS if d.name == name), None)


def write_rdf_dumps(store: ox.Store, folder: Path) -> dict[str, int]:
    """Write ``dump.nq.gz``, ``dump.ttl`` and ``dump.jsonld`` from one read of the store; return their counts.

    Reading the on-disk store is what the dumps cost (every term is looked up by its id), so it is
    read once, a graph at a time, as N-Triples lines (bytes, written by the store):

    - ``dump.nq.gz``: every quad's line, sorted on disk (``kg.release.sorted_lines``), gzipped with
      ``mtime=0`` so that the same inputs give the same bytes;
    - ``dump.ttl``: the distinct triples of the union, ordered by (subject, predicate, object);
    - ``dump.jsonld``: every quad, ordered by (graph, subject, predicate, object): the graphs are read
      in that order and each graph's lines are sorted in memory (a graph at a time).

    A line's order is its terms' order: a term's N-Triples form never ends where a longer term's
    goes on with a character below the space that separates terms (IRIs end with ``>``, literals
    go on with ``@`` or ``^^``, control characters are escaped).  The Turtle and JSON-LD files are
    written by the store's serializers from the sorted lines.
    """
    with tempfile.TemporaryDirectory(prefix=".dump-", dir=folder) as scratch_name:
        scratch = Path(scratch_name)
        triples, ordered = scratch / "triples", scratch / "ordered.nq"  # ordered: every quad, by graph
        with triples.open("wb") as triple_lines, ordered.open("wb") as by_graph:
            for graph in _graphs_in_order(store):
                suffix = b" ." if isinstance(graph, ox.DefaultGraph) else f" {graph} .".encode()
                for line in _graph_lines(store, graph):
                    triple_lines.write(line + b"\n")
                    by_graph.write(line[:-2] + suffix + b"\n")
        with (folder / DUMP).open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                               compresslevel=6, mtime=0) as handle:
            counts = {DUMP: _write_lines(_sorted_file(ordered, scratch), handle)}
        sorted_triples = scratch / "triples.nt"
        with sorted_triples.open("wb") as handle:
            counts["dump.ttl"] = _write_lines(_sorted_file(triples, scratch), handle)
        ox.serialize(ox.parse(path=str(sorted_triples), format=ox.RdfFormat.N_TRIPLES), str(folder / "dump.ttl"),
                     ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        ox.serialize(ox.parse(path=str(ordered), format=ox.RdfFormat.N_QUADS), str(folder / "dump.jsonld"),
                     ox.RdfFormat.JSON_LD)
        counts["dump.jsonld"] = counts[DUMP]
    return counts


def _graphs_in_order(store: ox.Store) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    """The store's graphs (the default graph too, if it holds a quad), by their N-Quads form."""
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = list(store.named_graphs())
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs.append(ox.DefaultGraph())
    return sorted(graphs, key=str)


def _graph_lines(store: ox.Store, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> list[bytes]:
    """The graph's triples as N-Triples lines (no line break), sorted, each once."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    return sorted(set(data.split(b"\n")) - {b""})


def _sorted_file(path: Path, scratch: Path) -> Iterator[bytes]:
    """The lines of ``path`` sorted, each once (on disk: ``kg.release.sorted_lines``)."""
    with path.open("rb") as handle:
        yield from sorted_unique((line[:-1] for line in handle), scratch)


def _write_lines(lines: Iterable[bytes], handle: io.BufferedIOBase) -> int:
    """Write ``lines``, each ended by a line break, in chunks; return how many."""
    count = 0
    for chunk in _chunks(lines):
        handle.write(b"\n".join(chunk) + b"\n")
        count += len(chunk)
    return count


def _chunks(lines: Iterable[bytes]) -> Iterator[list[bytes]]:
    chunk: list[bytes] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_CHUNK = 4096  # lines per write


def write_csv(store: ox.Store, query_name: str, path: Path) -> int:
    """Run a canned query without parameters and write its rows as SPARQL CSV; return the row count."""
    rows = LoadedStore(store).select(get_query(query_name).bind({}))
    # cells a spreadsheet would run are neutralised: kg.query.csv_cells
    path.write_bytes(neutralise_csv(serialise(rows, SPARQL_CSV.key)))
    return len(rows)


def write_checksums(folder: Path, names: Iterable[str]) -> dict[str, str]:
    """Write ``SHA256SUMS`` (the format ``sha256sum -c`` reads) for ``names``; return them by name."""
    sums = {name: sha256(folder / name) for name in names}
    text = "".join(f"{digest}  {name}\n" for name, digest in sums.items())
    (folder / CHECKSUMS).write_text(text, encoding="ascii")
    return sums


def read_checksums(folder: Path) -> dict[str, str]:
    """The SHA-256 of each download, by file name, as ``SHA256SUMS`` records them (empty if absent).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("x\\n")
    >>> read_checksums(folder) == {} and write_checksums(folder, ["a.csv"]) == read_checksums(folder)
    True
    """
    path = folder / CHECKSUMS
    if not path.is_file():
        return {}
    sums = {}
    for line in path.read_text(encoding="ascii").splitlines():
        digest, _, name = line.partition("  ")
        if name:
            sums[name] = digest
    return sums


def write_dumps(built: Built, store: ox.Store, folder: Path) -> dict[str, Any]:
    """Artefact: write the downloads (``write_rdf_dumps`` and the CSV tables) and ``SHA256SUMS`` over them.

    Returns the manifest entry ``downloads``: per file its name, size in bytes, SHA-256, and
    ``count`` of ``unit`` (quads, distinct triples or CSV rows, as ``DOWNLOADS`` says).
    """
    counts = write_rdf_dumps(store, folder)
    for name, query in CSV_QUERIES.items():
        counts[name] = write_csv(store, query, folder / name)
    sums = write_checksums(folder, [d.name for d in DOWNLOADS])
    return {"downloads": [
        {"file": d.name, "bytes": (folder / d.name).stat().st_size, "sha256": sums[d.name],
         "count": counts[d.name], "unit": d.counts}
        for d in DOWNLOADS
    ]}


__all__ = ["CHECKSUMS", "DOWNLOADS", "Download", "download", "read_checksums", "write_dumps", "write_rdf_dumps"]
