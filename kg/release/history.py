"""Versions of the dataset: each release names its predecessor and says what changed since it.

A build into a data directory that already serves a release compares the new release with that
one (its *previous version*) and writes, into the new release folder:

- ``changes.json``: the changelog (input files, statements per named graph, entities and grades
  added, removed or changed) and the list of every version so far, oldest first, each with its
  id, issue time, version notes, years covered and downloads.  Earlier versions come from the
  predecessor's own ``changes.json``, so the list outlives the pruning of old release folders;
- ``changes.csv``: the same changelog as one table, for a spreadsheet.

The dataset description (``kg.release.void``) turns both into RDF (:func:`describe_versions`):
``dcat:version``, ``dcat:previousVersion``, ``dcat:hasVersion``, one ``dcat:DatasetSeries`` of all
versions and a ``peel:Change`` per change.  A version's identifier is its release id
(``/id/release/{release-id}``, see ``docs/decisions/0209-versioned-releases.md``).

What is compared: every statement of both N-Quads dumps, as (graph, subject, predicate, object).
Blank nodes carry no identity from one build to the next, so every blank node compares equal:
a statement about a blank node counts as changed only when the number of such statements differs.
An *entity* is a subject under ``/id/``; it is added or removed when it is a subject in only one
release, changed when a statement it is the subject of was added or removed.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef

from kg.errors import DamagedRelease
from kg.link.judgements import Notice
from kg.namespaces import DCAT as DCAT2
from kg.namespaces import DCTERMS, ID, PEEL, RDF, RDFS, XSD
from kg.query.csv_cells import neutralise_csv
from kg.query.internal import internal_query
from kg.release.built import sha256
from kg.release.dumps import read_checksums
from kg.release.layout import CURRENT, DUMP, KEEP, MANIFEST, RELEASES
from kg.store.loaded import LoadedStore

if TYPE_CHECKING:
    from kg.release.built import Built

DCAT = Namespace(str(DCAT2))  # open: rdflib's DCAT lacks the DCAT 3 terms (DatasetSeries, hasCurrentVersion …)
HISTORY_FILE = "changes.json"
CHANGES_CSV = "changes.csv"
RELEASE_ID = re.compile(r"\d{8}T\d{12}Z")  # kg.release.built.release_id: %Y%m%dT%H%M%S%fZ
SERIES = URIRef(f"{ID}dataset#series")
ADMS_VERSION_NOTES = URIRef("http://www.w3.org/ns/adms#versionNotes")
CSV_COLUMNS = ("section", "change", "item", "label", "class", "before", "after", "added", "removed")
_BLANK = "_:b"
_RDF_TYPE, _LABEL, _GRADE = str(RDF.type), str(RDFS.label), str(PEEL.grade)


def release_time(folder: Path) -> datetime:
    """When the release in ``folder`` was built, read from its id (``kg.release.built.release_id``); else now.

    >>> release_time(Path(".building-20261128T094635612821Z")).isoformat()
    '2026-11-28T09:46:35.612821+00:00'
    """
    stamp = folder.name.removeprefix(".building-")
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return datetime.now(UTC)


def release_iri(release: str) -> URIRef:
    """The IRI of a version of the dataset.

    >>> release_iri("20261201T231500000000Z")
    rdflib.term.URIRef('https://w3id.org/peelkg/id/release/20261201T231500000000Z')
    """
    return URIRef(f"{ID}release/{release}")


def is_release_id(text: str) -> bool:
    """Whether ``text`` has the form of a release id (so it can name a folder without escaping it).

    >>> is_release_id("20261201T231500000000Z"), is_release_id("../store"), is_release_id("current")
    (True, False, False)
    """
    return RELEASE_ID.fullmatch(text) is not None


@dataclass(frozen=True)
class GraphChange:
    graph: str
    before: int
    after: int
    added: int
    removed: int


@dataclass(frozen=True)
class EntityChange:
    entity: str
    change: str  # "added", "removed" or "changed"
    types: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class GradeChange:
    judgement: str
    label: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class InputChange:
    file: str
    change: str
    before: str | None  # SHA-256
    after: str | None


@dataclass
class Changelog:
    """What differs between release ``previous`` and release ``release``."""

    release: str
    previous: str
    inputs: list[InputChange] = field(default_factory=list)
    graphs: list[GraphChange] = field(default_factory=list)
    entities: list[EntityChange] = field(default_factory=list)
    grades: list[GradeChange] = field(default_factory=list)

    def notes(self) -> str:
        """The version notes: one sentence saying how much changed."""
        counts = Counter(e.change for e in self.entities)
        added, removed = sum(g.added for g in self.graphs), sum(g.removed for g in self.graphs)
        graphs = sum(1 for g in self.graphs if g.added or g.removed)
        files = ", ".join(f"{i.file} {i.change}" for i in self.inputs) or "no input changed"
        return (f"Changes since release {self.previous}: {files}; statements added: {added}, removed: {removed}; "
                f"named graphs changed: {graphs}; entities added: {counts['added']}, changed: {counts['changed']}, "
                f"removed: {counts['removed']}; grades changed: {len(self.grades)}.")


class _Side:
    """One release's statements as comparable keys, with what the changelog needs about its entities."""

    def __init__(self, dump: Path) -> None:
        self.statements: Counter[tuple[str, str, str, str]] = Counter()
        self.types: dict[str, set[str]] = {}
        self.labels: dict[str, str] = {}
        for quad in ox.parse(gzip.decompress(dump.read_bytes()), format=ox.RdfFormat.N_QUADS):
            key = (_key(quad.graph_name), _key(quad.subject), _key(quad.predicate), _key(quad.object))
            self.statements[key] += 1
            subject, predicate = key[1], key[2]
            if predicate == _RDF_TYPE:
                self.types.setdefault(subject, set()).add(key[3])
            elif predicate == _LABEL and isinstance(quad.object, ox.Literal):
                self.labels.setdefault(subject, quad.object.value)
        self.subjects = {k[1] for k in self.statements if k[1].startswith(str(ID))}

    def per_graph(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for key, n in self.statements.items():
            counts[key[0]] += n
        return counts


def _key(term: Any) -> str:
    if isinstance(term, ox.BlankNode):
        return _BLANK
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.DefaultGraph):
        return ""
    return str(term)  # a literal in N-Triples form: value, language and datatype all count


def compare(previous_dump: Path, dump: Path, *, release: str, previous: str) -> Changelog:
    """The changelog from the release whose N-Quads dump is ``previous_dump`` to the one of ``dump``."""
    old, new = _Side(previous_dump), _Side(dump)
    added = new.statements - old.statements
    removed = old.statements - new.statements
    log = Changelog(release=release, previous=previous)
    before, after = old.per_graph(), new.per_graph()
    plus, minus = Counter[str](), Counter[str]()
    for key, n in added.items():
        plus[key[0]] += n
    for key, n in removed.items():
        minus[key[0]] += n
    for graph in sorted(set(before) | set(after)):
        log.graphs.append(GraphChange(graph, before[graph], after[graph], plus[graph], minus[graph]))
    touched = {k[1] for k in (*added, *removed) if k[1].startswith(str(ID))}
    for entity in sorted(touched | (old.subjects ^ new.subjects)):
        kind = "added" if entity not in old.subjects else "removed" if entity not in new.subjects else "changed"
        side = old if kind == "removed" else new
        log.entities.append(EntityChange(entity, kind, tuple(sorted(side.types.get(entity, ()))),
                                         side.labels.get(entity, "")))
    grades_before = {k[1]: k[3] for k in removed if k[2] == _GRADE}
    grades_after = {k[1]: k[3] for k in added if k[2] == _GRADE}
    for judgement in sorted(set(grades_before) | set(grades_after)):
        label = new.labels.get(judgement) or old.labels.get(judgement, "")
        log.grades.append(GradeChange(judgement, label, grades_before.get(judgement), grades_after.get(judgement)))
    return log


def compare_inputs(previous: list[dict[str, Any]], current: list[dict[str, Any]]) -> list[InputChange]:
    """The input files added, removed or changed, from two manifests' ``inputs`` lists.

    >>> compare_inputs([{"file": "a.txt", "sha256": "1"}, {"file": "b.csv", "sha256": "2"}],
    ...                [{"file": "a.txt", "sha256": "3"}, {"file": "b.csv", "sha256": "2"}])
    [InputChange(file='a.txt', change='changed', before='1', after='3')]
    """
    old = {i["file"]: i["sha256"] for i in previous}
    new = {i["file"]: i["sha256"] for i in current}
    changes = []
    for name in sorted(set(old) | set(new)):
        if old.get(name) == new.get(name):
            continue
        kind = "added" if name not in old else "removed" if name not in new else "changed"
        changes.append(InputChange(name, kind, old.get(name), new.get(name)))
    return changes


def predecessor(folder: Path) -> Path | None:
    """The release a release being written in ``folder`` follows: the one its data directory serves now."""
    if folder.parent.name != RELEASES:
        return None
    current = folder.parent.parent / CURRENT
    if not (current / MANIFEST).is_file():
        return None
    return current.resolve()


def read_history(folder: Path) -> dict[str, Any]:
    """The ``changes.json`` of the release in ``folder``: ``{"changelog": … or None, "versions": […]}``;
    for a release written before versions existed, one version (itself) without notes."""
    path = folder / HISTORY_FILE
    if path.is_file():
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data.get("versions"), list) or not data["versions"]:
                raise ValueError("no versions")
        except (OSError, ValueError) as exc:
            raise DamagedRelease(f"{HISTORY_FILE} of release {folder.name} is unreadable ({exc})") from None
        return data
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8")) if (folder / MANIFEST).is_file() else {}
    release = str(manifest.get("release", folder.name))
    return {"changelog": None, "versions": [{"release": release, "issued": manifest.get("created"),
                                             "previous": None, "notes": None, "years": None, "downloads": []}]}


def version_folder(served: Path, release: str) -> Path | None:
    """The folder of release ``release`` beside the served release folder ``served``, if it is still kept."""
    if not is_release_id(release):
        return None
    folder = served if served.name == release else served.parent / release
    if folder != served and served.parent.name != RELEASES:
        return None  # a release folder served on its own has no versions beside it
    return folder if (folder / MANIFEST).is_file() else None


@dataclass(frozen=True)
class Version:
    """One version of the dataset as the served release knows it (its own and its predecessors' records)."""

    release: str
    iri: str
    issued: str  # RFC 3339
    notes: str | None
    previous: str | None
    kept: bool  # its folder is still there: its downloads and changelog answer


def versions(served: Path) -> list[Version]:
    """Every version of the dataset up to the served release (folder ``served``), newest first."""
    found = []
    for record in reversed(read_history(served)["versions"]):
        release = str(record["release"])
        issued = record.get("issued") or release_time(Path(release)).isoformat(timespec="seconds")
        found.append(Version(release, str(release_iri(release)), issued, record.get("notes"),
                             record.get("previous"), version_folder(served, release) is not None))
    return found


YEARS = internal_query("inspection-years")


def _years(store: ox.Store) -> list[int] | None:
    rows = LoadedStore(store).select(YEARS).rows
    if not rows or "first" not in rows[0]:
        return None
    return [int(rows[0]["first"]), int(rows[0]["last"])]


def write_history(built: Built, store: ox.Store, folder: Path) -> dict[str, Any]:
    """Artefact: compare with the previous release (if any); write ``changes.json`` and ``changes.csv``.

    Runs after ``kg.release.dumps.write_dumps`` (it reads the new dump and checksums) and before
    ``kg.release.void.write_void`` (which describes the versions).  Returns the manifest entry ``version``.
    """
    release = folder.name.removeprefix(".building-")
    inputs = [{"file": p.name, "sha256": sha256(p)} for p in built.inputs.files()]
    prior = predecessor(folder)
    changelog: Changelog | None = None
    versions: list[dict[str, Any]] = []
    notes = "The first release in this data directory."
    if prior is not None:
        try:
            versions = list(read_history(prior)["versions"])
            previous_id = str(versions[-1]["release"])
            changelog = compare(prior / DUMP, folder / DUMP, release=release, previous=previous_id)
            old_manifest = json.loads((prior / MANIFEST).read_text(encoding="utf-8"))
            changelog.inputs = compare_inputs(old_manifest.get("inputs", []), inputs)
        except (OSError, ValueError, SyntaxError, KeyError, DamagedRelease) as exc:
            # a damaged predecessor stops no build: the new release starts the list again and says why
            built.notices.append(Notice(f"{prior.name}/{DUMP}", None, f"no changelog: the previous release is "
                                                                      f"unreadable ({type(exc).__name__})"))
            changelog, versions = None, []
            notes = f"The previous release ({prior.name}) could not be read, so this one starts the list again."
    sums = read_checksums(folder)
    versions.append({
        "release": release,
        "issued": release_time(folder).isoformat(timespec="seconds"),
        "previous": changelog.previous if changelog else None,
        "notes": changelog.notes() if changelog else notes,
        "years": _years(store),
        "downloads": [{"file": name, "bytes": (folder / name).stat().st_size, "sha256": digest}
                      for name, digest in sums.items()],
    })
    data = {"changelog": asdict(changelog) if changelog else None, "versions": versions}
    (folder / HISTORY_FILE).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    (folder / CHANGES_CSV).write_bytes(changes_csv(changelog))
    # the files, not their contents: a manifest names nothing about the build before it (rebuilds compare equal)
    return {"version": {"history": HISTORY_FILE, "changes": CHANGES_CSV}}


def changes_csv(changelog: Changelog | None) -> bytes:
    """The changelog as CSV (``CSV_COLUMNS``; a header only for a first release)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    if changelog is not None:
        for i in changelog.inputs:
            writer.writerow(["input", i.change, i.file, "", "", i.before or "", i.after or "", "", ""])
        for g in changelog.graphs:
            if g.added or g.removed:
                kind = "added" if not g.before else "removed" if not g.after else "changed"
                writer.writerow(["graph", kind, g.graph, "", "", g.before, g.after, g.added, g.removed])
        for e in changelog.entities:
            writer.writerow(["entity", e.change, e.entity, e.label, " ".join(e.types), "", "", "", ""])
        for d in changelog.grades:
            writer.writerow(["grade", "changed", d.judgement, d.label, str(PEEL.Judgement), d.before or "",
                             d.after or "", "", ""])
    return neutralise_csv(out.getvalue().encode("utf-8"))


class VersionDescriber(Protocol):
    """What the dataset description (``kg.release.void``) lends :func:`describe_versions`."""

    def common(self, node: URIRef, years: list[int] | None) -> None:
        """State on ``node`` what every version states like the dataset (publisher, licence, theme …)."""

    def distribution(self, node: URIRef, release: str, download: dict[str, Any]) -> URIRef | None:
        """Describe one download of release ``release`` at its per-version address; its node, or None."""


def describe_versions(g: Graph, folder: Path, dataset: URIRef, describer: VersionDescriber) -> None:
    """Add the versions of the dataset and the changelog of this release to the description ``g``.

    ``dataset`` is the dataset's IRI (it is the current version).  The versions whose folders a build
    keeps (the newest ``KEEP``) have their downloads at ``/download/{release-id}/{file}``.
    """
    history = read_history(folder)
    versions: list[dict[str, Any]] = history["versions"]
    g.add((SERIES, RDF.type, DCAT.DatasetSeries))
    g.add((SERIES, DCTERMS.title, Literal("PEEL police inspection findings: all versions", lang="en")))
    g.add((SERIES, DCTERMS.description, Literal(
        "Every release of the dataset, each a version of it; each names the one before it.", lang="en")))
    describer.common(SERIES, None)
    kept = {v["release"] for v in versions[-KEEP:]}
    for version in versions:
        release = str(version["release"])
        node = release_iri(release)
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.title, Literal(f"PEEL police inspection findings, release {release}", lang="en")))
        g.add((node, DCTERMS.description, Literal(
            f"Version {release} of the PEEL police inspection findings dataset.", lang="en")))
        g.add((node, DCAT_VERSION, Literal(release)))
        g.add((node, DCAT.inSeries, SERIES))
        g.add((dataset, DCAT.hasVersion, node))
        if version.get("issued"):
            g.add((node, DCTERMS.issued, Literal(version["issued"], datatype=XSD.dateTime)))
        if version.get("notes"):
            g.add((node, ADMS_VERSION_NOTES, Literal(version["notes"], lang="en")))
        if version.get("previous"):
            g.add((node, DCAT.previousVersion, release_iri(version["previous"])))
        describer.common(node, version.get("years"))
        for item in version.get("downloads", []) if release in kept else []:
            distribution = describer.distribution(node, release, item)
            if distribution is not None:
                g.add((node, DCAT.distribution, distribution))
    g.add((SERIES, DCAT.first, release_iri(versions[0]["release"])))
    current = release_iri(versions[-1]["release"])
    g.add((SERIES, DCAT.last, current))
    g.add((dataset, DCAT.hasCurrentVersion, current))
    if versions[-1].get("previous"):
        g.add((dataset, DCAT.previousVersion, release_iri(versions[-1]["previous"])))
    changelog = history.get("changelog")
    if changelog:
        _changelog_triples(g, current, changelog)


DCAT_VERSION = DCAT.version


def _changelog_triples(g: Graph, release: URIRef, changelog: dict[str, Any]) -> None:
    def change(n: int, kind: str, thing: str) -> URIRef:
        node = URIRef(f"{release}#change-{n}")
        g.add((release, PEEL.hasChange, node))
        g.add((node, RDF.type, PEEL.Change))
        g.add((node, PEEL.changeKind, Literal(kind)))
        g.add((node, PEEL.changed, URIRef(thing)))
        return node

    n = 0
    for graph in changelog["graphs"]:
        if graph["added"] or graph["removed"]:
            n += 1
            node = change(n, "changed" if graph["before"] and graph["after"] else
                          "added" if graph["after"] else "removed", graph["graph"])
            g.add((node, PEEL.triplesAdded, Literal(graph["added"], datatype=XSD.nonNegativeInteger)))
            g.add((node, PEEL.triplesRemoved, Literal(graph["removed"], datatype=XSD.nonNegativeInteger)))
    for entity in changelog["entities"]:
        n += 1
        change(n, entity["change"], entity["entity"])
    for grade in changelog["grades"]:
        n += 1
        node = change(n, "changed", grade["judgement"])
        if grade["before"]:
            g.add((node, PEEL.gradeBefore, URIRef(grade["before"])))
        if grade["after"]:
            g.add((node, PEEL.gradeAfter, URIRef(grade["after"])))


__all__ = ["CHANGES_CSV", "HISTORY_FILE", "SERIES", "Changelog", "compare", "describe_versions", "is_release_id",
           "read_history", "release_iri", "write_history"]
