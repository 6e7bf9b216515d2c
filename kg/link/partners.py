"""Find the partner organisations a statement names.

Two kinds of names are recognised, as whole words and ignoring case:
- other territorial forces, by official name ("Suffolk Constabulary") or by their short name
  before "constabulary/constabularies/police/force" ("Norfolk and Suffolk constabularies");
- organisations of the curated list ``data/reference/organisations.csv`` (regional units,
  the CPS, local authorities, schools, health bodies …).
Generic phrases ("other organisations", "partners") name nobody and are not partners; the
theme scheme tags them as partnership working instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.link.reference import csv_rows
from kg.link.themes import _FOLDS_TO_ASCII
from kg.model import ForceRecord

ORGANISATION_TYPES = (
    "police-force",
    "regional-unit",
    "local-authority",
    "education",
    "health",
    "criminal-justice",
    "voluntary-sector",
    "national-agency",
    "other",
)


@dataclass(frozen=True)
class Organisation:
    slug: str
    label: str
    type: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Mention:
    key: str  # police.uk id of a force, or an organisation slug
    is_force: bool
    phrase: str  # the text that matched


def read_organisations(path: Path) -> list[Organisation]:
    """The curated organisations table (``organisations.csv``)."""
    organisations = []
    for line, row in csv_rows(path, ("slug", "label", "type", "phrases")):
        if row["type"] not in ORGANISATION_TYPES:
            raise InputError(str(path), line, f"type {row['type']!r} is not one of {', '.join(ORGANISATION_TYPES)}")
        phrases = tuple(p.strip() for p in row["phrases"].split(";") if p.strip())
        if not phrases:
            raise InputError(str(path), line, "no phrases")
        organisations.append(Organisation(row["slug"], row["label"], row["type"], phrases))
    return organisations


def _needle(text: str) -> str | None:
    """The longest piece of ``text`` that every match of its pattern holds literally, lower-cased.

    The patterns let whitespace vary, an apostrophe be either kind and "&" be "and", so the piece
    holds none of these. ``None`` (no prefilter) for a text that is not ASCII or has no such piece.
    """
    pieces = re.split(r"[\s'’&]+", text)
    longest = max(pieces, key=len, default="")
    return longest.lower() if longest and text.isascii() else None


def _words(phrase: str) -> str:
    return r"(?<!\w)" + re.escape(phrase).replace(r"\ ", r"\s+").replace("'", "['’]") + r"(?!\w)"


class PartnerFinder:
    """Matches organisation names in text.

    >>> f = PartnerFinder([], [Organisation("cps", "Crown Prosecution Service", "criminal-justice", ("CPS",))])
    >>> [m.key for m in f.find("Work with the CPS is close.")]
    ['cps']
    """

    def __init__(self, forces: list[ForceRecord], organisations: list[Organisation]) -> None:
        # Each pattern comes with needles: lower-cased pieces of which a match holds at least one
        # (``None``: no prefilter), so a text holding none of them is not searched (see ``find``).
        self._patterns: list[tuple[str, bool, re.Pattern[str], tuple[str | None, ...]]] = []
        for force in forces:
            short = re.escape(force.short_name).replace(r"\ ", r"\s+").replace("&", "(?:&|and)")
            pattern = (
                _words(force.name)
                + r"|(?<!\w)"
                + short
                + r"(?:\s+and\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)?\s+"
                + r"(?i:constabulary|constabularies|police|polices|police\s+forces?)(?!\w)"
                + r"|(?<!\w)(?i:and)\s+"
                + short
                + r"\s+(?i:constabularies|police\s+forces)(?!\w)"
            )
            needles: tuple[str | None, ...] = (_needle(force.name), _needle(force.short_name))
            self._patterns.append((force.police_uk_id, True, re.compile(pattern), needles))
        for org in organisations:
            alternatives = "|".join(
                # Acronyms match case-sensitively ("CPS", not "cps"); phrases ignore case.
                _words(p) if p.isupper() else "(?i:" + _words(p) + ")"
                for p in sorted(org.phrases, key=len, reverse=True)
            )
            needles = tuple(_needle(p) for p in org.phrases)
            self._patterns.append((org.slug, False, re.compile(alternatives), needles))

    def find(self, text: str, *, exclude_force: str | None = None) -> list[Mention]:
        """Every organisation named in ``text`` once, in order of first mention.

        A pattern none of whose needles is in the lower-cased text cannot match, so it is not run
        (exact: a text holding a character that re.IGNORECASE equates with an ASCII letter although
        ``str.lower`` does not map it to it is searched with every pattern).

        >>> f = PartnerFinder([], [Organisation("cps", "Crown Prosecution Service", "criminal-justice",
        ...                                     ("Crown Prosecution Service",))])
        >>> [[m.phrase for m in f.find(t)] for t in ("the crown  prosecution SERVICE", "the \u017fervice")]
        [['crown  prosecution SERVICE'], []]
        """
        lowered = text.lower() if _FOLDS_TO_ASCII.isdisjoint(text) else None
        hits: list[tuple[int, Mention]] = []
        for key, is_force, pattern, needles in self._patterns:
            if is_force and key == exclude_force:
                continue
            if lowered is not None and None not in needles and not any(n in lowered for n in needles if n):
                continue
            match = pattern.search(text)
            if match:
                hits.append((match.start(), Mention(key, is_force, match.group(0))))
        return [m for _, m in sorted(hits, key=lambda h: (h[0], h[1].key))]
