"""Grade trajectories and national grade distributions, from graded judgements.

A *grade change* compares two successive graded judgements of the same force, pillar and
question number (0 being the pillar's overall judgement): the later grade's rank minus
the earlier one's, on the grading scale's order (``peel:rank``, higher is better).
Judgements without a grade (ungraded, or not inspected that year) are skipped, so a change
runs from one graded year to the next graded year on the same scale.  Grades of different
scales (the four-level scale of 2014–2019, the five-level one from 2021/22) are never
compared: their levels are only close matches ("good" on five levels is not "good" on four),
so a series restarts when the scale changes.

>>> from rdflib import URIRef
>>> good = GradeInfo(URIRef("g:good"), "Good", 3, URIRef("s:2014"))
>>> top = GradeInfo(URIRef("g:top"), "Outstanding", 4, URIRef("s:2014"))
>>> rank_change(top, good, {})
-1
>>> direction(-1), direction(0), direction(2)
('declined', 'stable', 'improved')
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise

from rdflib import URIRef

from kg.analytics.facts import GradeInfo, JudgementFact

HEADLINE = 0


@dataclass(frozen=True)
class GradeStep:
    """One grade change: ``before`` and ``after`` are judgements of the same force, pillar and question number."""

    before: JudgementFact
    after: JudgementFact
    rank_change: int

    @property
    def direction(self) -> str:
        return direction(self.rank_change)


@dataclass(frozen=True)
class GradeTally:
    """How many overall judgements of ``year`` and ``pillar`` gave ``grade``."""

    year: int
    pillar: URIRef
    grade: URIRef
    count: int


def direction(rank_change: int) -> str:
    """``improved``, ``declined`` or ``stable`` for a difference of ranks."""
    if rank_change > 0:
        return "improved"
    if rank_change < 0:
        return "declined"
    return "stable"


def rank_change(before: GradeInfo, after: GradeInfo, grades: dict[URIRef, GradeInfo]) -> int | None:
    """``after.rank - before.rank``, or None when the two grades are of different scales."""
    del grades  # kept for callers; mappings between scales are deliberately not used
    if before.scheme != after.scheme:
        return None
    return after.rank - before.rank


def grade_changes(judgements: list[JudgementFact], grades: dict[URIRef, GradeInfo]) -> list[GradeStep]:
    """Every change between successive graded judgements of a force, pillar and question number.

    Sorted by force, pillar, question number and year.  When a year holds two judgements
    for the same question (which the shapes forbid), the first by IRI is used.
    """
    series: dict[tuple[URIRef, URIRef, int, URIRef | None], dict[int, JudgementFact]] = defaultdict(dict)
    for j in sorted(judgements, key=lambda j: str(j.iri)):
        if j.grade is not None and j.grade in grades:
            series[(j.force, j.pillar, j.number, grades[j.grade].scheme)].setdefault(j.year, j)
    steps: list[GradeStep] = []
    for key in sorted(series, key=lambda k: (str(k[0]), str(k[1]), k[2], str(k[3]))):
        by_year = series[key]
        years = sorted(by_year)
        for earlier, later in pairwise(years):
            before, after = by_year[earlier], by_year[later]
            assert before.grade is not None and after.grade is not None
            change = rank_change(grades[before.grade], grades[after.grade], grades)
            if change is not None:
                steps.append(GradeStep(before, after, change))
    return steps


def grade_distribution(judgements: list[JudgementFact], grades: dict[URIRef, GradeInfo]) -> list[GradeTally]:
    """National distribution of overall grades: a count per year, pillar and grade (zero counts left out)."""
    counts: Counter[tuple[int, URIRef, URIRef]] = Counter(
        (j.year, j.pillar, j.grade)
        for j in judgements
        if j.number == HEADLINE and j.grade is not None and j.grade in grades
    )
    return [
        GradeTally(year, pillar, grade, count)
        for (year, pillar, grade), count in sorted(
            counts.items(), key=lambda item: (item[0][0], str(item[0][1]), -grades[item[0][2]].rank)
        )
    ]
