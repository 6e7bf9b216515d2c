"""The downloads of a release: the dataset in three RDF formats, two CSV tables, their checksums.

``DOWNLOADS`` is the one table of what a release offers for download (file name, media
type, what its count counts); the build writes the files (``write_dumps``, an artefact),
the dataset description (``kg.release.void``) and the web (``web.views.downloads``) read the same table.

- ``dump.nq.gz``: every quad, named graphs kept; gzip; written by ``kg.release.publish``.
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
import tempfile
from collections.abc import Callable, Iterable
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


def write_nquads(store: ox.Store, path: Path) -> int:
    """Write every quad as gzipped N-Quads, lines sorted so rebuilds compare; return the quad count.

    The store writes its own N-Quads to a scratch file beside ``path``; the lines are sorted on
    disk (``kg.release.sorted_lines``), not in memory, and gzipped with ``mtime=0`` so that the
    same inputs give the same bytes.
    """
    with tempfile.TemporaryDirectory(prefix=".dump-", dir=path.parent) as scratch:
        unsorted = Path(scratch) / "store.nq"
        store.dump(str(unsorted), format=ox.RdfFormat.N_QUADS)
        count = 0
        with unsorted.open(encoding="utf-8", newline="\n") as lines, path.open("wb") as raw, \
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as handle:
            chunk: list[str] = []
            for line in sorted_unique((line.rstrip("\n") for line in lines if line != "\n"), Path(scratch)):
                chunk.append(line)
                count += 1
                if len(chunk) >= _CHUNK:
                    handle.write(("\n".join(chunk) + "\n").encode("utf-8"))
                    chunk = []
            if chunk:
                handle.write(("\n".join(chunk) + "\n").encode("utf-8"))
    return count


def write_turtle(store: ox.Store, path: Path) -> int:
    """Write the union of the store's graphs as Turtle (distinct triples, sorted); return the count.

    Triples are ordered by (subject, predicate, object), each term in its N-Triples form, and
    sorted on disk: the serializer reads them back one by one.
    """
    records = (_SEP.join((str(q.subject), str(q.predicate), str(q.object))) for q in store)
    return _write_sorted(records, _triple_line, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, path, PREFIXES)


def write_jsonld(store: ox.Store, path: Path) -> int:
    """Write every quad as JSON-LD, grouped by graph and subject; return the quad count.

    Quads are ordered by (graph, subject, predicate, object), sorted on disk like the Turtle dump.
    """
    records = (_SEP.join((str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))) for q in store)
    return _write_sorted(records, _quad_line, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD, path, None)


# A record is its terms in N-Triples form joined by NUL, which sorts below every character a term
# holds (N-Triples escapes control characters), so a record's order is the order of its tuple of terms.
_SEP = "\0"
_CHUNK = 4096  # lines per write
_DEFAULT_GRAPH = str(ox.DefaultGraph())


def _triple_line(record: str) -> str:
    return record.replace(_SEP, " ") + " ."


def _quad_line(record: str) -> str:
    graph, rest = record.split(_SEP, 1)
    triple = rest.replace(_SEP, " ")
    return f"{triple} ." if graph == _DEFAULT_GRAPH else f"{triple} {graph} ."


def _write_sorted(records: Iterable[str], line: Callable[[str], str], via: ox.RdfFormat, fmt: ox.RdfFormat,
                  path: Path, prefixes: dict[str, str] | None) -> int:
    """Sort ``records`` on disk, write them as ``via`` lines to a scratch file, serialise that as ``fmt``."""
    with tempfile.TemporaryDirectory(prefix=".dump-", dir=path.parent) as scratch:
        ordered = Path(scratch) / "ordered"
        count = 0
        with ordered.open("w", encoding="utf-8", newline="\n") as handle:
            for record in sorted_unique(records, Path(scratch)):
                handle.write(line(record) + "\n")
                count += 1
        ox.serialize(ox.parse(path=str(ordered), format=via), str(path), fmt, prefixes=prefixes)
    return count


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
    """Artefact: write the downloads beside ``dump.nq.gz`` and ``SHA256SUMS`` over all of them.

    Returns the manifest entry ``downloads``: per file its name, size in bytes, SHA-256, and
    ``count`` of ``unit`` (quads, distinct triples or CSV rows, as ``DOWNLOADS`` says).
    """
    counts = {
        DUMP: len(store),
        "dump.ttl": write_turtle(store, folder / "dump.ttl"),
        "dump.jsonld": write_jsonld(store, folder / "dump.jsonld"),
    }
    for name, query in CSV_QUERIES.items():
        counts[name] = write_csv(store, query, folder / name)
    sums = write_checksums(folder, [d.name for d in DOWNLOADS])
    return {"downloads": [
        {"file": d.name, "bytes": (folder / d.name).stat().st_size, "sha256": sums[d.name],
         "count": counts[d.name], "unit": d.counts}
        for d in DOWNLOADS
    ]}


__all__ = ["CHECKSUMS", "DOWNLOADS", "Download", "download", "read_checksums", "write_dumps"]
