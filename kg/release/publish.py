"""Turn a built dataset into a published release: validate, load the store, write the files.

Nothing becomes visible until the release folder is complete and ``current`` is repointed
(see ``kg.release.layout``): a violation raises ``ShapeViolation`` and the partial folder is removed.
SHACL validation, the slowest step, runs in a forked child process while the parent loads the
store and writes the files; the release is published only once the child reports conformance.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from kg import __version__
from kg.errors import PeelError, ShapeViolation
from kg.release.artefacts import artefacts
from kg.release.built import Built, Progress, _quiet, release_id, sha256
from kg.release.canonical import canonical_turtle
from kg.release.layout import DUMP, STORE, Release, ReleaseWriter, open_release
from kg.release.partitioned import PartedValidation, validate_store
from kg.release.validate import ValidationOutcome
from kg.release.void import statistics
from kg.store.loaded import LoadedStore

VALIDATION_TTL = "validation.ttl"
VALIDATION_TXT = "validation.txt"


def check(built: Built, progress: Progress = _quiet) -> ValidationOutcome:
    progress("validating with SHACL")
    outcome = validate_store(built.store, [str(u.graph) for u in built.units], scratch=built.workdir)
    if not outcome.conforms:
        raise ShapeViolation(outcome.report_text, outcome.violations)
    return outcome


class BackgroundValidation:
    """SHACL validation of ``built`` in parts (``kg.release.partitioned``), run by a forked child process.

    The parent prepares it from the store (the whole-data shapes as SPARQL, the parts written to
    the build's scratch folder); the child runs the pool of workers over the parts and sends back
    the counts, the report as Turtle and the report text.  Without fork it runs in-process.
    """

    def __init__(self, built: Built) -> None:
        self.outcome: ValidationOutcome | None = None
        self.process: BaseProcess | None = None
        self.prepared = PartedValidation(built.store, [str(u.graph) for u in built.units], scratch=built.workdir)
        if "fork" not in multiprocessing.get_all_start_methods():
            self.outcome = self.prepared.run()
            return
        context = multiprocessing.get_context("fork")
        self.connection, child_end = context.Pipe(duplex=False)
        self.process = context.Process(target=_validate_in_child, args=(self.prepared, child_end), daemon=False)
        self.process.start()
        child_end.close()

    def stop(self) -> None:
        """Stop the child and its pool of workers (a build that fails before it waits for the outcome), and
        remove the parts.  The child leads a process group of its own, so its workers stop with it: left
        alone, they would wait for work for ever, holding the build's output open."""
        if self.process is not None and self.process.pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):  # no group yet: the child alone
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.terminate()
            self.process.join()
        self.prepared.close()

    def __enter__(self) -> BackgroundValidation:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        if kind is not None:  # the build failed before it had the outcome: nothing waits for the child
            self.stop()

    def result(self) -> ValidationOutcome:
        """The outcome; ``ShapeViolation`` if the data does not conform."""
        if self.outcome is None:
            try:
                violations, warnings, infos, report_ttl, report_text = self.connection.recv()
            except EOFError:
                raise PeelError("SHACL validation stopped without a result") from None
            finally:
                assert self.process is not None
                self.process.join()
                self.connection.close()
                self.prepared.close()
            report = Graph()
            report.parse(data=report_ttl, format="turtle")
            self.outcome = ValidationOutcome(violations == 0, violations, warnings, infos, report, report_text)
        if not self.outcome.conforms:
            raise ShapeViolation(self.outcome.report_text, self.outcome.violations)
        return self.outcome


def _validate_in_child(prepared: PartedValidation, connection: Connection) -> None:
    os.setpgid(0, 0)  # a group of its own, with its pool's workers: BackgroundValidation.stop ends them all
    # stopped, it leaves through its pool's shutdown, which gives back the pool's semaphores (else the fork
    # server's resource tracker warns on stderr of leaked ones, beside a build's one-line error)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    outcome = prepared.run()
    report_ttl = outcome.report_graph.serialize(format="turtle")
    connection.send((outcome.violations, outcome.warnings, outcome.infos, report_ttl, outcome.report_text))
    connection.close()


def load_store(built: Built, path: Path) -> ox.Store:
    """Copy the build's store (every quad of the dataset, in memory) to a new embedded store at ``path``."""
    store = ox.Store(str(path))
    store.bulk_extend(built.store)
    store.optimize()
    store.flush()
    return store


def publish(built: Built, out: Path, progress: Progress = _quiet) -> tuple[Release, ValidationOutcome]:
    progress("validating with SHACL (in the background)")
    validation = BackgroundValidation(built)
    stats = statistics(LoadedStore(built.store))  # the union's distinct triples and classes, counted by the store
    triples, classes = stats.distinct_triples, dict(sorted(stats.classes.items()))
    rid = release_id()
    with ReleaseWriter(out, rid) as writer, validation:
        progress("loading the store")
        store = load_store(built, writer.path / STORE)
        stored = len(store)
        manifest: dict[str, Any] = {
            "release": rid,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "peelkg": __version__,
            "quads": None,  # the N-Quads dump's lines: kg.release.dumps.write_dumps counts them
            "stored_quads": stored,
            "triples": triples,
            "graphs": built.graphs(),
            "classes": classes,
            "inputs": [{"file": p.name, "sha256": sha256(p), "bytes": p.stat().st_size} for p in built.inputs.files()],
            "warnings": [str(n) for n in built.notices],
        }
        for artefact in artefacts():
            progress(f"writing {artefact.__module__.rsplit('.', 1)[-1]} files")
            manifest.update(artefact(built, built.store, writer.path))  # the same quads, read from memory
        manifest["quads"] = next(d["count"] for d in manifest["downloads"] if d["file"] == DUMP)
        del store
        progress("waiting for SHACL validation")
        outcome = validation.result()  # raises ShapeViolation: the partial release is removed
        (writer.path / VALIDATION_TTL).write_bytes(canonical_turtle(outcome.report_graph))  # stable blank nodes
        (writer.path / VALIDATION_TXT).write_text(outcome.report_text, encoding="utf-8")
        manifest["validation"] = {
            "conforms": outcome.conforms,
            "violations": outcome.violations,
            "warnings": outcome.warnings,
        }
        writer.write_manifest(manifest)
        writer.publish()
    return open_release(out), outcome
