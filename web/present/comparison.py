"""Two or more forces side by side: their headline grades by pillar and year, and the themes they share.

Built from the same records as the force pages (:func:`web.present.profiles.judgements` and
:func:`web.present.profiles.statements`, each force a bound value), so a comparison never disagrees with a force page.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from kg.store.local import Store
from web.present.profiles import Judgement, Link, judgements, statements

MAX_FORCES = 6  # more columns than this do not compare side by side on any screen


@dataclass(frozen=True)
class ComparisonRow:
    """One pillar in one year: each force's headline judgement (or none), in the order the forces were asked."""

    pillar: Link
    year: int
    cells: tuple[Judgement | None, ...]

    @property
    def same(self) -> bool:
        """Whether every force had the same grade (and all were graded)."""
        keys = {c.grade_key if c and c.grade else None for c in self.cells}
        return len(keys) == 1 and None not in keys


@dataclass(frozen=True)
class SharedTheme:
    theme: Link
    statements: tuple[int, ...]  # statements tagged with it, per force


@dataclass(frozen=True)
class Comparison:
    forces: tuple[Link, ...]
    rows: tuple[ComparisonRow, ...]       # newest year first, then pillar
    shared_themes: tuple[SharedTheme, ...]  # themes on statements of every force, most statements first


def compare(store: Store, forces: list[tuple[URIRef, Link]]) -> Comparison:
    """The comparison of ``forces`` (each its IRI and link, in the order shown).

    The caller checks that each IRI names a force; at most ``MAX_FORCES``.
    """
    graded = [[j for j in judgements(store, iri, "force") if j.number == 0] for iri, _link in forces]
    quoted = [statements(store, iri, "force") for iri, _link in forces]
    keys = sorted({(j.pillar, j.year) for found in graded for j in found}, key=lambda k: (-k[1], k[0].label))
    by_key = [{(j.pillar, j.year): j for j in found} for found in graded]
    rows = tuple(ComparisonRow(pillar, year, tuple(b.get((pillar, year)) for b in by_key)) for pillar, year in keys)
    counts: list[dict[Link, int]] = []
    for found in quoted:
        tally: dict[Link, int] = {}
        for s in found:
            for theme in s.themes:
                tally[theme] = tally.get(theme, 0) + 1
        counts.append(tally)
    shared = set.intersection(*(set(c) for c in counts)) if counts else set()
    themes = tuple(sorted((SharedTheme(t, tuple(c[t] for c in counts)) for t in shared),
                          key=lambda s: (-sum(s.statements), s.theme.label)))
    return Comparison(tuple(link for _iri, link in forces), rows, themes)
