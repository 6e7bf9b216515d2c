"""Full-text search over the entities of a release: an SQLite FTS5 index built into the release.

The build (``write_index``, an artefact) indexes every typed entity the dataset mints (IRIs
under ``/id/``) outside the derived analytics graph (figures computed from the data, not things
a report or the reference data names): its label, and as text its other names and descriptions, the words of a
statement (finding, area for improvement …) and the grade of a judgement.  ``search``
ranks matches with BM25, a label match weighing ten times a text match; ``prefix=True``
(autocomplete) matches the last word as a prefix, in labels only.  When nothing matches, a word of five
letters or more that no label holds is replaced by the closest word that labels do hold (``norfok`` finds
Norfolk), and the results say which text they answer (``corrected``).

User text never reaches FTS5 as query syntax: it is split into words (and "quoted
phrases"), and each becomes a quoted FTS5 string, so ``AND``, ``NEAR``, ``*``, ``:`` or an
unbalanced quote are searched for as words rather than parsed.  A query too long or with
too many words raises ``BadQuery`` (HTTP 400); so does any error SQLite still reports.

>>> match_expression('domestic "anti-social behaviour" NEAR(', prefix=False)
'"domestic" "anti social behaviour" "NEAR"'
>>> match_expression("norf", prefix=True)
'"norf"*'
"""

from __future__ import annotations

import difflib
import re
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import BadQuery, QueryTimeout
from kg.namespaces import ANALYTICS_GRAPH, ID, ORG, PEEL, SKOS, doc_path
from kg.query.internal import internal_query
from kg.store.loaded import LoadedStore
from kg.store.local import Store
from kg.terms import WELL_KNOWN

if TYPE_CHECKING:
    from kg.release.built import Built

INDEX_FILE = "search.sqlite"
MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_LIMIT = 100
LABEL_WEIGHT, TEXT_WEIGHT = 10.0, 1.0
TYPO_MIN_LETTERS, TYPO_CUTOFF = 5, 0.8  # words this long may be corrected, to a label word this similar
MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters: never in the indexed text

# ``entry`` is searched; ``name`` (labels only, same rowids) serves autocomplete, where BM25
# must weigh a label's length alone (FTS5's BM25 counts a row's tokens over all its columns).
_SCHEMA = """
CREATE VIRTUAL TABLE entry USING fts5(
    label, text, iri UNINDEXED, type UNINDEXED, type_label UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3 4'
);
CREATE VIRTUAL TABLE name USING fts5(label, tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3 4');
"""
# Labels of the classes the vocabulary graph does not label (it labels every peel: class).
_OTHER_CLASSES = {str(c): WELL_KNOWN[str(c)] for c in (SKOS.ConceptScheme, SKOS.Concept, ORG.Organization)}
_LABEL_ORDER = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
                "http://purl.org/dc/terms/title")


@dataclass
class _Entry:
    iri: str
    types: list[str]
    label: str = ""
    label_rank: int = len(_LABEL_ORDER)
    texts: list[str] | None = None


def _entries(store: Store) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    for row in store.select(internal_query("search-types"), {"derived": ANALYTICS_GRAPH}):
        iri = str(row["s"])
        if iri.startswith(str(ID)) and "#" not in iri:
            entries.setdefault(iri, _Entry(iri, [])).types.append(str(row["type"]))
    for row in store.select(internal_query("search-labels")):
        entry, rank = entries.get(str(row["s"])), _LABEL_ORDER.index(str(row["p"]))
        if entry and rank < entry.label_rank:
            entry.label, entry.label_rank = str(row["label"]), rank
    for row in store.select(internal_query("search-texts")):
        entry = entries.get(str(row["s"]))
        if entry:
            entry.texts = [*(entry.texts or []), str(row["text"])]
    return entries


def _main_type(types: list[str]) -> str:
    """The entity's own class: a ``peel:`` class if it has one, else the first in IRI order."""
    ours = sorted(t for t in types if t.startswith(str(PEEL)))
    return (ours or sorted(types))[0]


def local_name(iri: str) -> str:
    """``…/peel#AreaForImprovement`` → ``AreaForImprovement``."""
    return re.split(r"[#/]", iri)[-1]


def build_index(store: Store, path: Path) -> int:
    """Write the index of ``store``'s entities to a new SQLite file at ``path``; return the entry count."""
    entries = _entries(store)
    labelled = store.select(internal_query("search-class-labels"))
    class_labels = {**_OTHER_CLASSES, **{str(r["type"]): str(r["label"]) for r in labelled}}
    contexts = {str(r["s"]): str(r["context"]) for r in store.select(internal_query("search-contexts"))}
    rows: list[tuple[int, str, str, str, str, str]] = []
    for entry in sorted(entries.values(), key=lambda e: e.iri):
        main = _main_type(entry.types)
        type_label = class_labels.get(main, local_name(main))
        label = entry.label or (f"{type_label}, {contexts[entry.iri]}" if entry.iri in contexts else entry.iri)
        rows.append((len(rows) + 1, label, " · ".join(sorted(set(entry.texts or []))), entry.iri, local_name(main),
                     type_label))
    with closing(sqlite3.connect(path)) as db, db:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO entry (rowid, label, text, iri, type, type_label) VALUES (?, ?, ?, ?, ?, ?)",
                       rows)
        db.executemany("INSERT INTO name (rowid, label) VALUES (?, ?)", [(r[0], r[1]) for r in rows])
        db.execute("INSERT INTO entry (entry) VALUES ('optimize')")
        db.execute("INSERT INTO name (name) VALUES ('optimize')")
    return len(rows)


def write_index(built: Built, store: ox.Store, folder: Path) -> dict[str, Any]:
    """Artefact: build ``search.sqlite`` into the release; manifest entry ``search`` (file, entries)."""
    return {"search": {"file": INDEX_FILE, "entries": build_index(LoadedStore(store), folder / INDEX_FILE)}}


def match_expression(text: str, *, prefix: bool) -> str:
    """The FTS5 query for user ``text``: each word or "quoted phrase" a quoted FTS5 string (all must match).

    Empty when ``text`` holds no word; ``BadQuery`` when it is too long or has too many words.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise BadQuery(f"the search text is longer than {MAX_QUERY_CHARS} characters")
    phrases = []
    for quoted, bare in re.findall(r'"([^"]*)"?|([^\s"]+)', text):
        words = re.findall(r"\w+", quoted or bare)
        if words:
            phrases.append(words)
    if sum(len(p) for p in phrases) > MAX_TERMS:
        raise BadQuery(f"the search text has more than {MAX_TERMS} words")
    if not phrases:
        return ""
    terms = ['"' + " ".join(words) + '"' for words in phrases]
    if prefix:
        terms[-1] += "*"
    return " ".join(terms)


Segments = list[tuple[str, bool]]  # (text, highlighted)


def segments(marked: str) -> Segments:
    """Split text that SQLite marked with ``MARK_START``/``MARK_END`` into (text, highlighted) parts.

    >>> segments("a \\ue000b\\ue001 c")
    [('a ', False), ('b', True), (' c', False)]
    """
    parts: Segments = []
    for i, piece in enumerate(re.split(f"[{MARK_START}{MARK_END}]", marked)):
        if piece:
            parts.append((piece, i % 2 == 1))
    return parts


@dataclass(frozen=True)
class Hit:
    """One entity that matched: where its page is, what it is, and the matching words marked."""

    iri: str
    url: str
    label: str
    type: str
    type_label: str
    label_marked: Segments
    snippet: Segments


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int
    offset: int
    hits: list[Hit]
    corrected: str | None = None  # the text searched instead, when ``query`` matched nothing


def _connect(index: Path) -> sqlite3.Connection:
    if not index.is_file():
        raise BadQuery("this release has no search index", status=503)
    return sqlite3.connect(index.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)


_SELECT = """SELECT iri, label, type, type_label, highlight(entry, 0, :start, :end),
       snippet(entry, 1, :start, :end, '…', 24)
FROM entry WHERE entry MATCH :match AND (:type IS NULL OR type = :type)
ORDER BY bm25(entry, :label_weight, :text_weight), label LIMIT :limit OFFSET :offset"""
_TOTAL = "SELECT count(*) FROM entry WHERE entry MATCH :match AND (:type IS NULL OR type = :type)"
_SUGGEST = """SELECT e.iri, e.label, e.type, e.type_label, highlight(name, 0, :start, :end), ''
FROM name JOIN entry AS e ON e.rowid = name.rowid
WHERE name MATCH :match AND (:type IS NULL OR e.type = :type)
ORDER BY bm25(name), e.label LIMIT :limit OFFSET :offset"""
_SUGGEST_TOTAL = """SELECT count(*) FROM name JOIN entry AS e ON e.rowid = name.rowid
WHERE name MATCH :match AND (:type IS NULL OR e.type = :type)"""


def search(index: Path, text: str, *, limit: int = 20, offset: int = 0, type: str | None = None,
           prefix: bool = False, seconds: float = 5.0) -> SearchResults:
    """Entities of the index file ``index`` matching ``text``, best first (BM25).

    ``type`` keeps one class (its local name, as ``types`` lists them); ``prefix`` matches the
    last word as a prefix, in labels only (autocomplete).  No word in ``text``: no hits.
    A search still running after ``seconds`` is stopped (``QueryTimeout``).
    """
    deadline = time.monotonic() + seconds  # one budget for the search and any corrected search
    found = _search(index, text, limit=limit, offset=offset, type=type, prefix=prefix, deadline=deadline)
    if found.total == 0 and (other := corrected(index, text, prefix=prefix, deadline=deadline)) is not None:
        instead = _search(index, other, limit=limit, offset=offset, type=type, prefix=prefix, deadline=deadline)
        if instead.total:
            return SearchResults(text, instead.total, instead.offset, instead.hits, other)
    return found


def _label_words(db: sqlite3.Connection) -> set[str]:
    return {w for (label,) in db.execute("SELECT label FROM name") for w in re.findall(r"\w+", label.casefold())}


def corrected(index: Path, text: str, *, prefix: bool = False, deadline: float | None = None) -> str | None:
    """``text`` with each bare word that nothing in the index holds (of ``TYPO_MIN_LETTERS`` or more) replaced by
    the most similar word of a label; None when no word changes. "Quoted phrases" stay as typed; in ``prefix``
    mode the last word is matched as a prefix. Past ``deadline`` (a ``time.monotonic()`` value) it gives up."""
    pieces = re.findall(r'"([^"]*)"?|([^\s"]+)', text)
    if not any(len(bare) >= TYPO_MIN_LETTERS for _quoted, bare in pieces):
        return None
    changed, out = False, []
    with closing(_connect(index)) as db:
        if deadline is not None:
            db.set_progress_handler(lambda: time.monotonic() > deadline, 1000)
        known: set[str] | None = None
        for i, (quoted, bare) in enumerate(pieces):
            if quoted or not bare:
                out.append(f'"{quoted}"')
                continue
            word = bare.casefold()
            star = "*" if prefix and i == len(pieces) - 1 else ""
            if len(word) >= TYPO_MIN_LETTERS and word.isalpha() and not _holds(db, f'"{word}"{star}'):
                try:
                    known = known if known is not None else _label_words(db)
                except sqlite3.OperationalError:
                    return None  # out of time: no correction
                close = difflib.get_close_matches(word, known, n=1, cutoff=TYPO_CUTOFF)
                if close:
                    bare, changed = close[0], True
            out.append(bare)
    return " ".join(out) if changed else None


def _holds(db: sqlite3.Connection, match: str) -> bool:
    """Whether anything in the index matches ``match``; True when the budget ran out (nothing to correct then)."""
    try:
        return db.execute("SELECT 1 FROM entry WHERE entry MATCH :m LIMIT 1", {"m": match}).fetchone() is not None
    except sqlite3.OperationalError:
        return True


def _search(index: Path, text: str, *, limit: int, offset: int, type: str | None, prefix: bool,
            deadline: float) -> SearchResults:
    match = match_expression(text, prefix=prefix)
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    if not match:
        return SearchResults(text, 0, offset, [])
    params = {"match": match, "type": type, "limit": limit, "offset": offset, "start": MARK_START, "end": MARK_END,
              "label_weight": LABEL_WEIGHT, "text_weight": TEXT_WEIGHT}
    seconds = max(0.0, deadline - time.monotonic())
    try:
        with closing(_connect(index)) as db:
            db.set_progress_handler(lambda: time.monotonic() > deadline, 1000)  # true: sqlite interrupts
            total = int(db.execute(_SUGGEST_TOTAL if prefix else _TOTAL, params).fetchone()[0])
            rows = db.execute(_SUGGEST if prefix else _SELECT, params).fetchall()
    except sqlite3.OperationalError as exc:
        if time.monotonic() > deadline:
            raise QueryTimeout(f"the search ran past its {seconds:.3g} s and was stopped; use fewer words") from None
        raise BadQuery(f"cannot search for {text!r}: {exc}") from None
    hits = [Hit(iri, doc_path(iri) or iri, label, kind, kind_label, segments(marked), segments(snippet))
            for iri, label, kind, kind_label, marked, snippet in rows]
    return SearchResults(text, total, offset, hits)


def types(index: Path) -> dict[str, str]:
    """The classes of the indexed entities: local name → label, in label order."""
    with closing(_connect(index)) as db:
        rows = db.execute("SELECT DISTINCT type, type_label FROM entry ORDER BY type_label").fetchall()
    return {kind: label for kind, label in rows}


def iris(index: Path) -> list[str]:
    """Every indexed entity IRI, in IRI order (the entity pages a sitemap lists)."""
    with closing(_connect(index)) as db:
        return [iri for (iri,) in db.execute("SELECT iri FROM entry ORDER BY iri")]


__all__ = ["INDEX_FILE", "Hit", "SearchResults", "build_index", "corrected", "iris", "match_expression", "search",
           "types", "write_index"]
