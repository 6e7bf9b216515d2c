"""Match names to forces, organisations and themes: the engine of the reconciliation service.

Implements the matching behind the W3C Entity Reconciliation API (v0.2, served by
``web/views/reconcile.py``).  Candidates come from the store: forces, partner organisations and
themes with every name they have (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``,
``skos:hiddenLabel`` — the aliases of ``data/reference/aliases.csv``) and their identifiers
(police.uk id, ONS code, Wikidata id).  Entity ids are paths below ``/id/`` (``force/norfolk``),
so ``identifierSpace + id`` is the entity's IRI; type ids are local names of the ontology
(``Force``), so ``schemaSpace + id`` is the class IRI.

Names are compared after :func:`normalise`: case, accents and punctuation ignored, ``&`` read
as "and", a leading "the" and a trailing "police service", "police force", "constabulary"
or "police" dropped.  A normalised name equal to a variant scores 100; otherwise the score is
100 × difflib's ratio against the closest variant, or 80 to 95 when every word of the
query occurs in a variant (more as the query covers more of it).  Candidates below
``MIN_SCORE`` are left out.  See ``docs/reconciliation.md``.

>>> normalise("The Avon & Somerset Constabulary")
'avon and somerset'
>>> normalise("Dyfed-Powys Police")
'dyfed powys'
>>> normalise("Metropolitan Police Service")
'metropolitan'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from rdflib import Literal, URIRef

from kg.analytics.facts import local_name
from kg.namespaces import PEEL
from kg.query.internal import internal_query
from kg.store.local import Store

MIN_SCORE = 70.0
CONTAINED_SCORE = 80.0  # all the query's words occur in a variant: 80, up to 95 as they cover it
MATCH_SCORE = 95.0
MATCH_MARGIN = 10.0
DEFAULT_LIMIT = 5
MAX_LIMIT = 25
PROPERTY_BONUS = 10.0
PROPERTY_PENALTY = 20.0

SUFFIXES = (("police", "service"), ("police", "force"), ("constabulary",), ("police",))


@dataclass(frozen=True)
class EntityType:
    id: str
    name: str
    cls: URIRef


TYPES = (
    EntityType("Force", "Police force", PEEL.Force),
    EntityType("PartnerOrganisation", "Partner organisation", PEEL.PartnerOrganisation),
    EntityType("Theme", "Theme", PEEL.Theme),
)

PROPERTIES = {
    "policeUkId": ("police.uk identifier", "The force's identifier in the police.uk data API, such as norfolk."),
    "onsCode": ("ONS code", "The ONS code of the force's police force area, such as E23000026."),
    "wikidataId": ("Wikidata identifier", "The Wikidata item of the organisation, such as Q1234."),
}


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’]", "", text.replace("&", " and "))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def normalise(name: str) -> str:
    """The form names are compared in (see the module's description)."""
    words = _plain(name).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    stripped = True
    while stripped:
        stripped = False
        for suffix in SUFFIXES:
            if len(words) > len(suffix) and tuple(words[-len(suffix):]) == suffix:
                words = words[: -len(suffix)]
                stripped = True
                break
    return " ".join(words)


@dataclass
class Candidate:
    id: str  # path below /id/
    name: str
    type: EntityType
    description: str = ""
    names: set[str] = field(default_factory=set)  # every variant, as written
    properties: dict[str, set[str]] = field(default_factory=dict)

    @property
    def keys(self) -> set[str]:
        return {normalise(n) for n in self.names} - {""}

    def type_json(self) -> list[dict[str, str]]:
        return [{"id": self.type.id, "name": self.type.name}]


# A type that also finds candidates of other types: a force is a partner of other agencies too.
ALSO_FOUND_UNDER = {"PartnerOrganisation": ("Force",)}
_TYPE_BY_ID = {t.id: t for t in TYPES}


def wanted_types(types: Iterable[str]) -> set[str]:
    """The type ids whose candidates a query for ``types`` (ids or class IRIs) may return.

    >>> sorted(wanted_types([str(PEEL.PartnerOrganisation)]))
    ['Force', 'PartnerOrganisation']
    """
    wanted = {t.removeprefix(str(PEEL)) for t in types}
    return wanted.union(*(ALSO_FOUND_UNDER.get(t, ()) for t in wanted))


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: float
    match: bool
    also: tuple[EntityType, ...] = ()  # the queried types the candidate was found under besides its own

    def to_json(self) -> dict[str, Any]:
        c = self.candidate
        types = c.type_json() + [{"id": t.id, "name": t.name} for t in self.also]
        return {"id": c.id, "name": c.name, "description": c.description, "score": self.score,
                "match": self.match, "type": types}


_NAME_PROPERTIES = {"label", "prefLabel", "altLabel", "hiddenLabel"}


class Index:
    """Every candidate of a release, with look-ups by id and by name.

    >>> force = EntityType("Force", "Police force", PEEL.Force)
    >>> index = Index([Candidate("force/norfolk", "Norfolk Constabulary", force, names={"Norfolk Constabulary"})])
    >>> [(s.candidate.id, s.score, s.match) for s in index.reconcile("norfolk police")]
    [('force/norfolk', 100.0, True)]
    """

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.candidates = sorted(candidates, key=lambda c: c.id)
        self.by_id = {c.id: c for c in self.candidates}
        self._keys = [(c, c.keys) for c in self.candidates]

    @classmethod
    def from_store(cls, store: Store) -> Index:
        by_type = {t.cls: t for t in TYPES}
        found: dict[str, Candidate] = {}
        for row in store.select(internal_query("reconcile-names")):
            entity, klass, prop, value = row["entity"], row["class"], row["property"], row["value"]
            if not isinstance(entity, URIRef) or not isinstance(value, Literal) or klass not in by_type:
                continue
            key = local_name(entity)
            candidate = found.setdefault(key, Candidate(key, "", by_type[klass]))  # type: ignore[index]
            name = str(prop).rsplit("#", 1)[-1]
            if name in _NAME_PROPERTIES:
                candidate.names.add(str(value))
                if name in ("label", "prefLabel") and (not candidate.name or name == "prefLabel"):
                    candidate.name = str(value)
            else:
                candidate.properties.setdefault(name, set()).add(str(value))
        for row in store.select(internal_query("reconcile-descriptions")):
            described = found.get(local_name(row["entity"]))  # type: ignore[arg-type]
            if described is not None:
                described.description = str(row["description"])
        for candidate in found.values():
            candidate.name = candidate.name or min(candidate.names, default=candidate.id)
        return cls(found.values())

    def _score(self, query: str, keys: set[str]) -> float:
        if query in keys:
            return 100.0
        best = 100.0 * max((SequenceMatcher(None, query, key).ratio() for key in keys), default=0.0)
        words = set(query.split())
        for key in keys:
            variant = set(key.split())
            if words <= variant:
                best = max(best, CONTAINED_SCORE + 15.0 * len(words) / len(variant))
        return round(best, 1)

    def reconcile(
        self,
        query: str,
        types: Iterable[str] = (),
        properties: Mapping[str, Iterable[str]] | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> list[Scored]:
        """Candidates for ``query``, best first, scoring at least ``MIN_SCORE``.

        ``types`` restricts the candidates to those type ids (or class IRIs); ``properties``
        maps a property id of ``PROPERTIES`` to values that raise the score of candidates
        having one of them and lower it for candidates having other values.  ``match`` is
        true for the best candidate only when it scores at least ``MATCH_SCORE`` and beats
        the next by ``MATCH_MARGIN``.
        """
        asked = {t.removeprefix(str(PEEL)) for t in types}
        wanted = wanted_types(asked)
        key = normalise(query)
        scored: list[tuple[float, Candidate]] = []
        for candidate, keys in self._keys:
            if wanted and candidate.type.id not in wanted:
                continue
            score = self._score(key, keys) if key else 0.0
            for pid, values in (properties or {}).items():
                have = {normalise(v) for v in candidate.properties.get(pid, set())}
                given = {normalise(v) for v in values} - {""}
                if have and given:
                    score += PROPERTY_BONUS if have & given else -PROPERTY_PENALTY
            score = max(0.0, min(100.0, score))
            if score >= MIN_SCORE:
                scored.append((score, candidate))
        scored.sort(key=lambda s: (-s[0], s[1].name, s[1].id))
        limit = max(1, min(limit, MAX_LIMIT))
        results = []
        for i, (score, candidate) in enumerate(scored[:limit]):
            runner_up = scored[1][0] if len(scored) > 1 else 0.0
            match = i == 0 and score >= MATCH_SCORE and score - runner_up >= MATCH_MARGIN
            also = tuple(_TYPE_BY_ID[t] for t in sorted(asked)
                         if t in _TYPE_BY_ID and candidate.type.id in ALSO_FOUND_UNDER.get(t, ()))
            results.append(Scored(candidate, score, match, also))
        return results

    def suggest(self, prefix: str, types: Iterable[str] = (), limit: int = 10, cursor: int = 0) -> list[Candidate]:
        """Candidates with a name (or a word of a name) starting with ``prefix``: auto-completion."""
        wanted = wanted_types(types)
        start = _plain(prefix)
        if not start:
            return []
        ranked: list[tuple[int, str, Candidate]] = []
        for candidate in self.candidates:
            if wanted and candidate.type.id not in wanted:
                continue
            plains = [_plain(n) for n in candidate.names | {candidate.id.rsplit("/", 1)[-1]}]
            if any(p.startswith(start) for p in plains):
                ranked.append((0, candidate.name, candidate))
            elif any(w.startswith(start) for p in plains for w in _word_suffixes(p)):
                ranked.append((1, candidate.name, candidate))
        ranked.sort(key=lambda r: (r[0], r[1], r[2].id))
        return [c for _, _, c in ranked[cursor: cursor + max(1, min(limit, MAX_LIMIT))]]


def _word_suffixes(text: str) -> list[str]:
    """``"avon and somerset"`` → the text from each of its words on."""
    words = text.split()
    return [" ".join(words[i:]) for i in range(len(words))]


def suggest_types(prefix: str) -> list[EntityType]:
    start = _plain(prefix)
    return [t for t in TYPES if any(w.startswith(start) for w in _word_suffixes(_plain(f"{t.id} {t.name}")))]


def suggest_properties(prefix: str) -> list[tuple[str, str, str]]:
    """(id, name, description) of the properties queries may use, by prefix of id or name."""
    start = _plain(prefix)
    return [
        (pid, name, description) for pid, (name, description) in PROPERTIES.items()
        if any(w.startswith(start) for w in _word_suffixes(_plain(f"{pid} {name}")))
    ]
