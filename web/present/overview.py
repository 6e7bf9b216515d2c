"""What the whole dataset holds: the home page's figures and the indexes of forces and themes.

Plain records with labels resolved, read from the store and the release manifest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kg.namespaces import PEEL
from kg.query.internal import internal_query
from kg.store.local import Store
from web.present.labels import label_for
from web.present.profiles import Judgement, Labels, Link, optional_int

COUNTED = (  # class → what the home page calls its instances
    (PEEL.Force, "forces"),
    (PEEL.Inspection, "inspections"),
    (PEEL.Judgement, "graded judgements"),
    (PEEL.Report, "inspection reports"),
    (PEEL.Finding, "findings"),
    (PEEL.AreaForImprovement, "areas for improvement"),
    (PEEL.Theme, "themes"),
    (PEEL.PartnerOrganisation, "partner organisations"),
)

@dataclass(frozen=True)
class Overview:
    release: str
    created: str
    triples: int
    counts: tuple[tuple[str, int], ...]
    reports: tuple[tuple[Link, str | None, str | None], ...]   # report, web address, publication date


@dataclass(frozen=True)
class ForceEntry:
    link: Link
    region: str | None
    ons_code: str | None
    grades: tuple[Judgement | None, ...]      # the latest year's headline judgement per pillar


@dataclass(frozen=True)
class ForceIndex:
    year: int | None
    pillars: tuple[Link, ...]
    forces: tuple[ForceEntry, ...]


@dataclass(frozen=True)
class ThemeEntry:
    link: Link
    statements: int
    narrower: tuple[ThemeEntry, ...]


def overview(store: Store, manifest: Mapping[str, Any]) -> Overview:
    classes: Mapping[str, int] = manifest.get("classes", {})
    counts = tuple((name, int(classes.get(str(cls), 0))) for cls, name in COUNTED)
    rows = store.select(internal_query("overview-reports")).rows
    labels = Labels(store, {str(r["report"]) for r in rows})
    reports = tuple(sorted(((labels.link(r["report"]), str(r["url"]) if "url" in r else None,
                             str(r["issued"]) if "issued" in r else None) for r in rows),
                           key=lambda t: t[0].label))
    return Overview(str(manifest.get("release", "")), str(manifest.get("created", "")),
                    int(manifest.get("triples", 0)), counts, reports)


def force_index(store: Store) -> ForceIndex:
    """Every force, with its region, ONS code and the latest year's headline grade per pillar."""
    forces = store.select(internal_query("overview-forces")).rows
    headlines = store.select(internal_query("overview-headlines")).rows
    labels = Labels(store, {str(r["force"]) for r in forces}
                     | {str(r[k]) for r in headlines for k in ("pillar", "question", "grade") if k in r})
    year = max((int(r["year"]) for r in headlines), default=None)
    latest: dict[tuple[str, str], Judgement] = {}
    pillars: dict[str, Link] = {}
    for r in (r for r in headlines if int(r["year"]) == year):
        pillar = labels.link(r["pillar"])
        pillars[pillar.iri] = pillar
        grade = labels.link(r["grade"]) if "grade" in r else None
        latest[(str(r["force"]), pillar.iri)] = Judgement(
            str(r["j"]), labels.link(r["force"]), int(r["year"]), pillar, labels.link(r["question"]), 0, grade,
            optional_int(r.get("rank")), str(r["reason"]) if "reason" in r else None)
    ordered = tuple(sorted(pillars.values(), key=lambda p: p.label))
    entries = tuple(sorted((ForceEntry(labels.link(r["force"]), str(r["region"]) if "region" in r else None,
                                       str(r["ons"]) if "ons" in r else None,
                                       tuple(latest.get((str(r["force"]), p.iri)) for p in ordered))
                            for r in forces), key=lambda e: e.link.label))
    return ForceIndex(year, ordered, entries)


def theme_index(store: Store) -> tuple[ThemeEntry, ...]:
    """The themes as a tree (top concepts first), each with the number of statements tagged with it."""
    rows = store.select(internal_query("overview-themes")).rows
    labels = Labels(store, {str(r["theme"]) for r in rows})
    counts: dict[str, int] = {}
    children: dict[str | None, set[str]] = defaultdict(set)
    for r in rows:
        theme = str(r["theme"])
        counts[theme] = max(counts.get(theme, 0), int(r["statements"]))
        children[str(r["broader"]) if "broader" in r else None].add(theme)

    def entries(parent: str | None, seen: frozenset[str]) -> tuple[ThemeEntry, ...]:
        kids = sorted(children.get(parent, set()) - seen, key=lambda t: label_for(t, labels.texts))
        return tuple(ThemeEntry(labels.link(t), counts[t], entries(t, seen | {t})) for t in kids)

    return entries(None, frozenset())
