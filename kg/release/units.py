"""One report at a time: parse, number and map a report into its own graph, cached by what it depends on.

A *unit* is what the build keeps of one report once it is mapped: the report's named graph as
sorted N-Quads in a file, the few facts the judgement merge needs (the report without its text),
the organisations it names and its notices.  Nothing of one report is held while the next is
mapped, so memory grows with the largest report, not with the corpus.

The cache (``DIR/cache/units/`` under the data directory a build publishes to) keeps each unit
under a key that hashes everything its output depends on: the report's bytes, its row of
``reports.csv``, the forces and organisations tables, the vocabulary files, the base IRI and
peelkg's own source code.  An unchanged report is read back instead of parsed and mapped; any
change to one of those inputs gives a new key.  Decision: ``docs/decisions/0205-streaming-incremental-build.md``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg import __version__
from kg.link.judgements import Notice
from kg.model import Question, Report, ReportMeta
from kg.namespaces import BASE
from kg.resources import ontology_dir
from kg.store.local import to_oxigraph

CACHE_DIR = "cache"  # under the data directory (``--out``)
UNITS_DIR = "units"
FORMAT = 2  # bump when the layout of a cached unit changes


@dataclass
class ReportUnit:
    """A mapped report: its graph's quads on disk and what the rest of the build reads of it."""

    path: str  # the report file, for messages
    graph: URIRef  # its named graph
    report: Report  # without passages or text: what merging judgements reads
    source_url: str
    numbered: list[tuple[int, URIRef]]  # (question number, question IRI) per parsed question
    partners: set[str]  # slugs of the organisations its statements name
    notices: list[Notice] = field(default_factory=list)
    quads_file: Path = Path()  # the report graph as sorted N-Quads
    quads: int = 0


def slim(report: Report) -> Report:
    """``report`` without its passages and text: the part the judgement merge reads."""
    questions = [
        Question(q.heading, q.level, q.line, q.grade, q.grade_line, q.not_inspected, duplicate_of=q.duplicate_of,
                 pillar=q.pillar)
        for q in report.questions
    ]
    return Report(report.force, report.force_name, report.year, report.pillar, report.last_updated,
                  questions, list(report.warnings), "", report.path, cycle=report.cycle)


def _digest_files(digest: Any, files: Iterable[Path], top: Path | None = None) -> None:
    for path in files:
        name = path.relative_to(top).as_posix() if top else path.name
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")


@cache
def code_fingerprint() -> str:
    """A hash of peelkg's domain modules (every package of ``kg``) and vocabulary files: output made by other
    code is not reused."""
    digest = hashlib.sha256(f"{__version__}\0{FORMAT}\0{BASE}\0".encode())
    top = Path(__file__).parent.parent
    _digest_files(digest, sorted(top.rglob("*.py")), top)
    _digest_files(digest, sorted(ontology_dir().glob("*.ttl")))
    return digest.hexdigest()


def unit_key(report: Path, meta: ReportMeta, tables: Iterable[Path]) -> str:
    """The cache key of ``report``: its bytes, its metadata row, the tables it is mapped with, the code."""
    digest = hashlib.sha256(code_fingerprint().encode("ascii"))
    digest.update(json.dumps([report.name, repr(meta)]).encode("utf-8"))
    _digest_files(digest, [report, *tables])
    return digest.hexdigest()


def write_quads(graph: Graph, graph_name: URIRef, path: Path) -> int:
    """Write ``graph`` as the named graph ``graph_name``, sorted N-Quads (the same bytes every time)."""
    name = ox.NamedNode(str(graph_name))
    quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name) for s, p, o in graph]  # type: ignore[arg-type]
    quads.sort(key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))
    temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
    ox.serialize(quads, str(temporary), ox.RdfFormat.N_QUADS)
    os.replace(temporary, path)
    return len(quads)


class UnitCache:
    """Mapped reports on disk, by key; ``folder`` None keeps them in a scratch folder for one build only."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key}.json", self.folder / f"{key}.nq"

    def get(self, key: str) -> ReportUnit | None:
        """The cached unit of ``key``, or None (missing or unreadable entries are rebuilt)."""
        meta_path, quads_path = self._paths(key)
        if not (meta_path.is_file() and quads_path.is_file()):
            return None
        try:
            unit = _unit_from_json(json.loads(meta_path.read_text(encoding="utf-8")), quads_path)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.used.add(key)
        return unit

    def put(self, key: str, unit: ReportUnit, graph: Graph) -> ReportUnit:
        """Write ``graph`` and ``unit``'s facts under ``key``; return the unit pointing at its quads file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        meta_path, quads_path = self._paths(key)
        unit.quads = write_quads(graph, unit.graph, quads_path)
        unit.quads_file = quads_path
        temporary = meta_path.with_name(meta_path.name + f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(_unit_to_json(unit), sort_keys=True), encoding="utf-8")
        os.replace(temporary, meta_path)
        self.used.add(key)
        return unit

    def prune(self) -> None:
        """Remove the entries this build did not use (reports removed or changed since)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name.split(".", 1)[0] not in self.used:
                with contextlib.suppress(OSError):
                    path.unlink()


def _unit_to_json(unit: ReportUnit) -> dict[str, Any]:
    r = unit.report
    return {
        "path": unit.path, "graph": str(unit.graph), "source_url": unit.source_url, "quads": unit.quads,
        "numbered": [[n, str(iri)] for n, iri in unit.numbered], "partners": sorted(unit.partners),
        "notices": [[n.file, n.line, n.message] for n in unit.notices],
        "report": {
            "force": r.force, "force_name": r.force_name, "year": r.year, "pillar": r.pillar,
            "last_updated": r.last_updated, "path": r.path, "cycle": r.cycle,
            "questions": [[q.heading, q.level, q.line, q.grade, q.grade_line, q.not_inspected, q.duplicate_of,
                           q.pillar] for q in r.questions],
        },
    }


def _unit_from_json(data: dict[str, Any], quads_file: Path) -> ReportUnit:
    r = data["report"]
    questions = [Question(h, lv, ln, g, gl, ni, duplicate_of=d, pillar=p) for h, lv, ln, g, gl, ni, d, p
                 in r["questions"]]
    report = Report(r["force"], r["force_name"], r["year"], r["pillar"], r["last_updated"], questions,
                    [], "", r["path"], cycle=r["cycle"])
    return ReportUnit(
        data["path"], URIRef(data["graph"]), report, data["source_url"],
        [(n, URIRef(iri)) for n, iri in data["numbered"]], set(data["partners"]),
        [Notice(f, line, m) for f, line, m in data["notices"]], quads_file, data["quads"],
    )


__all__ = ["CACHE_DIR", "ReportUnit", "UnitCache", "code_fingerprint", "slim", "unit_key", "write_quads"]
