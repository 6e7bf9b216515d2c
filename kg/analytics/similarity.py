"""Which forces look alike: grade profiles and, where report text exists, themes.

Two measures, each from 0 (nothing alike) to 1 (identical), combined into one score:

- **grade similarity** — over the questions both forces were graded on (same year, pillar
  and question number, same grading scale), ``1 - mean(|rank_a - rank_b|) / span``, where
  ``span`` is the distance between the scale's best and worst ranks (3 on the four-level
  scale).  It needs at least ``MIN_SHARED`` shared questions.
- **theme similarity** — the cosine of the two forces' theme profiles: for each theme, the
  number of the force's findings and areas for improvement tagged with it.
- **score** — the mean of the two when both exist, else whichever exists.

Each force keeps its ``K`` most similar forces (ties broken by more shared questions,
then by IRI).

>>> round(cosine({"a": 1, "b": 1}, {"a": 1}), 4)
0.7071
>>> s = URIRef("s:2014")
>>> a = {(2015, URIRef("p:e"), n, s): 4 for n in range(3)}
>>> b = {(2015, URIRef("p:e"), n, s): 3 if n == 0 else 4 for n in range(3)}
>>> sim, shared = grade_similarity(a, b, {s: 3})
>>> round(sim, 4), shared
(0.8889, 3)
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from rdflib import URIRef

from kg.analytics.facts import GradeInfo, JudgementFact, StatementFact

K = 5
MIN_SHARED = 3
THEMED_KINDS = frozenset({"finding", "improvement"})

Key = TypeVar("Key", bound=Hashable)
Slot = tuple[int, URIRef, int, URIRef]  # year, pillar, question number, grading scale


@dataclass(frozen=True)
class ForceNeighbour:
    force: URIRef
    other: URIRef
    rank: int  # 1 for the most similar
    score: float
    grade_similarity: float | None
    theme_similarity: float | None
    shared: int  # questions both were graded on


def cosine(a: Mapping[Key, float], b: Mapping[Key, float]) -> float:
    """Cosine of two sparse vectors (0 when either is empty)."""
    if len(a) > len(b):
        a, b = b, a
    dot = sum(value * b.get(key, 0.0) for key, value in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def grade_profiles(judgements: list[JudgementFact], grades: dict[URIRef, GradeInfo]) -> dict[URIRef, dict[Slot, int]]:
    """Rank of each graded judgement by force and slot (year, pillar, question number, scale)."""
    profiles: dict[URIRef, dict[Slot, int]] = defaultdict(dict)
    for j in judgements:
        info = grades.get(j.grade) if j.grade is not None else None
        if info is not None and info.scheme is not None:
            profiles[j.force].setdefault((j.year, j.pillar, j.number, info.scheme), info.rank)
    return profiles


def scale_spans(grades: dict[URIRef, GradeInfo]) -> dict[URIRef, int]:
    ranks: dict[URIRef, list[int]] = defaultdict(list)
    for info in grades.values():
        if info.scheme is not None:
            ranks[info.scheme].append(info.rank)
    return {scheme: max(r) - min(r) for scheme, r in ranks.items()}


def theme_profiles(statements: list[StatementFact]) -> dict[URIRef, Counter[URIRef]]:
    """Per force, how many of its findings and areas for improvement carry each theme."""
    profiles: dict[URIRef, Counter[URIRef]] = defaultdict(Counter)
    for s in statements:
        if s.kind in THEMED_KINDS:
            profiles[s.force].update(s.themes)
    return {force: counts for force, counts in profiles.items() if counts}


def grade_similarity(
    a: Mapping[Slot, int], b: Mapping[Slot, int], spans: Mapping[URIRef, int]
) -> tuple[float | None, int]:
    """``(1 - mean(|rank_a - rank_b| / span), shared)`` over the slots both profiles have.

    The similarity is None when fewer than ``MIN_SHARED`` slots are shared.
    """
    shared = a.keys() & b.keys()
    if len(shared) < MIN_SHARED:
        return None, len(shared)
    distance = sum(abs(a[s] - b[s]) / spans[s[3]] for s in shared if spans.get(s[3]))
    return 1.0 - distance / len(shared), len(shared)


def similar_forces(
    forces: list[URIRef],
    judgements: list[JudgementFact],
    statements: list[StatementFact],
    grades: dict[URIRef, GradeInfo],
    k: int = K,
) -> list[ForceNeighbour]:
    """The ``k`` most similar forces of each force of ``forces``, most similar first."""
    profiles, spans = grade_profiles(judgements, grades), scale_spans(grades)
    themes = theme_profiles(statements)
    ordered = sorted(set(forces), key=str)
    neighbours: list[ForceNeighbour] = []
    for force in ordered:
        candidates: list[tuple[float, int, str, float | None, float | None]] = []
        for other in ordered:
            if other == force:
                continue
            grade_sim, shared = grade_similarity(profiles.get(force, {}), profiles.get(other, {}), spans)
            theme_sim = cosine(themes[force], themes[other]) if force in themes and other in themes else None
            parts = [p for p in (grade_sim, theme_sim) if p is not None]
            if parts:
                candidates.append((sum(parts) / len(parts), shared, str(other), grade_sim, theme_sim))
        candidates.sort(key=lambda c: (-round(c[0], 6), -c[1], c[2]))
        for rank, (score, shared, iri, grade_sim, theme_sim) in enumerate(candidates[:k], start=1):
            neighbours.append(ForceNeighbour(force, URIRef(iri), rank, score, grade_sim, theme_sim, shared))
    return neighbours
