"""The sections a page shows for one kind of entity, beyond its own statements.

Each function reads one entity's neighbourhood from the store (the entity is a bound value)
and returns plain records with labels already resolved, ready for any renderer:

- :func:`judgements` — the graded judgements on a force, a question, an inspection or a grade;
- :func:`statements` — the passages quoted from reports (findings, areas for improvement,
  causes of concern, recommendations) about a force, in an inspection, tagged with a theme or
  naming an organisation, each with its source report;
- :func:`force_profile`, :func:`inspection_profile`, :func:`question_profile`,
  :func:`theme_profile`, :func:`grade_profile`, :func:`organisation_profile` — what the page
  of each kind shows, built from the two above.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import Literal, URIRef

from kg.namespaces import ID, PEEL
from kg.query.internal import internal_query
from kg.store.local import Store, Term
from web.present.labels import Texts, fallback_label, fetch_texts, label_for

UNGRADED = "ungraded"
CYCLE_PREFIX = str(ID["cycle/"])  # /id/cycle/{cycle}: what a later judgement has where older ones have a pillar
KINDS = {  # statement class → (what a page calls one, the plural), in reading order
    str(PEEL.Finding): ("Finding", "Findings"),
    str(PEEL.AreaForImprovement): ("Area for improvement", "Areas for improvement"),
    str(PEEL.CauseOfConcern): ("Cause of concern", "Causes of concern"),
    str(PEEL.Recommendation): ("Recommendation", "Recommendations"),
    str(PEEL.InnovativePractice): ("Innovative practice", "Innovative and promising practice"),  # 2021/22 on
}

# The property that ties rows to the page's entity (?subject), by kind of page: both are bound values.
_JUDGEMENTS_BY = {"force": PEEL.force, "question": PEEL.question, "inspection": PEEL.inspection, "grade": PEEL.grade}
_STATEMENTS_BY = {"force": PEEL.force, "inspection": PEEL.inspection, "theme": PEEL.theme,
                  "organisation": PEEL.mentions}


@dataclass(frozen=True)
class Link:
    """An entity a page links to, under its label."""

    iri: str
    label: str


@dataclass(frozen=True)
class Judgement:
    iri: str
    force: Link
    year: int
    pillar: Link
    question: Link
    number: int | None
    grade: Link | None
    rank: int | None
    note: str | None          # why there is no grade, or that an earlier judgement stands
    inspection: str = ""      # the inspection it belongs to

    @property
    def grade_key(self) -> str:
        """The grade's slug (``requires-improvement``), ``ungraded`` without one: a style hook."""
        return re.sub(r"^peel-\d{4}-", "", self.grade.iri.rsplit("/", 1)[-1]) if self.grade else UNGRADED

    @property
    def grade_text(self) -> str:
        return self.grade.label if self.grade else (self.note or "Not graded")


@dataclass(frozen=True)
class QuotedStatement:
    iri: str
    kind: str
    text: str
    force: Link
    year: int
    pillar: Link
    question: Link
    number: int | None
    ordinal: int | None
    report: Link
    report_url: str | None
    themes: tuple[Link, ...]


@dataclass(frozen=True)
class GradeRow:
    """One row of a grades table: a heading and one judgement (or none) per column."""

    heading: Link
    cells: tuple[Judgement | None, ...]


@dataclass(frozen=True)
class Group:
    """Statements or judgements under one heading (a theme, a question, a kind)."""

    heading: Link | None
    items: tuple[QuotedStatement, ...]


@dataclass(frozen=True)
class Partner:
    link: Link
    mentions: int


@dataclass(frozen=True)
class InspectionSection:
    """One inspection on a force's page: its headline grade, then each question with its grade and the
    statements behind it (each statement once; its themes are tags on it)."""

    inspection: Link
    year: int
    pillar: Link
    headline: Judgement | None
    report_url: str | None
    questions: tuple[tuple[Link, Judgement | None, tuple[Group, ...]], ...]

    @property
    def title(self) -> str:
        """What the page calls it: "Effectiveness 2016"; a later cycle's inspection (no pillar) by its cycle
        alone, "PEEL 2023–2025" (its label already names its years)."""
        return self.pillar.label if "/id/cycle/" in self.pillar.iri else f"{self.pillar.label} {self.year}"

    @property
    def report_name(self) -> str:
        """The report as a sentence names it: "2016 effectiveness report", "PEEL 2023–2025 report"."""
        if "/id/cycle/" in self.pillar.iri:
            return f"{self.pillar.label} report"
        return f"{self.year} {self.pillar.label.lower()} report"

    @property
    def has_text(self) -> bool:
        """Whether the dataset holds this inspection's report text (findings or areas for improvement)."""
        return any(groups for _question, _judgement, groups in self.questions)


@dataclass(frozen=True)
class ForceProfile:
    years: tuple[int, ...]
    headline: tuple[GradeRow, ...]                      # one row per pillar, one column per year
    by_pillar: tuple[tuple[Link, tuple[Judgement, ...]], ...]
    latest_year: int | None
    latest: tuple[tuple[Link, Judgement | None, str | None], ...]  # inspection, its headline, report URL
    improvements: tuple[Group, ...]                      # areas for improvement by broadest theme
    partners: tuple[Partner, ...]
    external: tuple[Link, ...]                           # the force elsewhere: ONS, police.uk, Wikidata
    latest_grades: tuple[Judgement, ...] = ()            # the most recent headline grade of each pillar
    inspections: tuple[InspectionSection, ...] = ()      # newest first; questions, grades and the why
    area_cycles: tuple[Link, ...] = ()                   # the cycles graded by area of policing (2021/22 on)
    areas: tuple[GradeRow, ...] = ()                     # one row per area of policing, one column per cycle

    @property
    def with_text(self) -> tuple[InspectionSection, ...]:
        return tuple(i for i in self.inspections if i.has_text)

    @property
    def without_text(self) -> tuple[InspectionSection, ...]:
        return tuple(i for i in self.inspections if not i.has_text)


@dataclass(frozen=True)
class InspectionProfile:
    questions: tuple[tuple[Link, Judgement | None, tuple[Group, ...]], ...]   # question, grade, statements by kind


@dataclass(frozen=True)
class JudgementProfile:
    """A judgement's page: its grade, the statements its report makes on the same question (the why, by kind),
    the inspection they belong to and where the grade was published."""

    judgement: Judgement | None
    inspection: Link | None
    groups: tuple[Group, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class QuestionProfile:
    judgements: tuple[Judgement, ...]
    distribution: tuple[tuple[str, str, int], ...]     # grade key, grade text, count


@dataclass(frozen=True)
class ThemeProfile:
    groups: tuple[Group, ...]                           # statements by kind
    forces: tuple[Link, ...]


@dataclass(frozen=True)
class GradeProfile:
    years: tuple[int, ...]
    counts: tuple[tuple[Link, tuple[int, ...]], ...]    # pillar → judgements with this grade per year
    headline: tuple[Judgement, ...]                     # headline judgements with this grade
    total: int


@dataclass(frozen=True)
class OrganisationProfile:
    forces: tuple[Link, ...]
    statements: tuple[QuotedStatement, ...]


class Labels:
    """Labels of the IRIs a profile mentions, read in one query."""

    def __init__(self, store: Store, iris: Iterable[str]) -> None:
        self.texts: dict[str, Texts] = fetch_texts(store, iris)

    def link(self, iri: object) -> Link:
        return Link(str(iri), label_for(str(iri), self.texts))


def optional_int(value: object) -> int | None:
    return int(value) if isinstance(value, Literal) else None


def judgements(store: Store, subject: URIRef, by: str) -> list[Judgement]:
    """Judgements on ``subject`` (``by`` = force, question, inspection or grade), by year, pillar, question."""
    rows = store.select(internal_query("profile-judgements"), {"subject": subject, "by": _JUDGEMENTS_BY[by]}).rows
    labels = Labels(store, {str(r[k]) for r in rows for k in ("force", "pillar", "question", "grade") if k in r})
    found = {}
    for r in rows:
        grade = labels.link(r["grade"]) if "grade" in r else None
        note = str(r["reason"]) if "reason" in r else None
        if "carried" in r and bool(r["carried"].toPython()):
            note = "carried forward from an earlier year"
        found[str(r["j"])] = Judgement(str(r["j"]), labels.link(r["force"]), int(r["year"]), labels.link(r["pillar"]),
                                       labels.link(r["question"]), optional_int(r.get("n")), grade,
                                       optional_int(r.get("rank")), note, str(r["inspection"]))
    return sorted(found.values(), key=lambda j: (j.year, j.pillar.label, j.number if j.number is not None else 99,
                                                 j.force.label))


def statements(store: Store, subject: URIRef, by: str) -> list[QuotedStatement]:
    """Quoted statements about ``subject`` (``by`` = force, inspection, theme or organisation), in report order."""
    rows = store.select(internal_query("profile-statements"), {"subject": subject, "by": _STATEMENTS_BY[by]}).rows
    keys = ("force", "pillar", "question", "report", "theme")
    labels = Labels(store, {str(r[k]) for r in rows for k in keys if k in r})
    themes: dict[str, set[str]] = defaultdict(set)
    first: dict[str, dict[str, Term]] = {}
    for r in rows:
        first.setdefault(str(r["st"]), r)
        if "theme" in r:
            themes[str(r["st"])].add(str(r["theme"]))
    out = []
    for iri, r in first.items():
        kind = KINDS[str(r["type"])][0]
        out.append(QuotedStatement(
            iri, kind, str(r["text"]), labels.link(r["force"]), int(str(r["year"])), labels.link(r["pillar"]),
            labels.link(r["question"]), optional_int(r.get("n")), optional_int(r.get("ordinal")),
            labels.link(r["report"]),
            str(r["url"]) if "url" in r else None,
            tuple(sorted((labels.link(t) for t in themes[iri]), key=lambda link: link.label))))
    order = list(KINDS.values())
    return sorted(out, key=lambda s: (s.year, s.pillar.label, s.force.label,
                                      s.number if s.number is not None else 99,
                                      [k[0] for k in order].index(s.kind), s.ordinal or 0))


def _by_kind(items: Sequence[QuotedStatement]) -> tuple[Group, ...]:
    groups = []
    for singular, plural in KINDS.values():
        chosen = tuple(s for s in items if s.kind == singular)
        if chosen:
            groups.append(Group(Link("", plural), chosen))
    return tuple(groups)


def _by_broadest_theme(store: Store, items: Sequence[QuotedStatement]) -> tuple[Group, ...]:
    """``items`` under the broadest theme of each of their themes (once per broadest theme); untagged last."""
    tops: dict[str, set[str]] = defaultdict(set)
    for row in store.select(internal_query("profile-top-themes")):
        tops[str(row["theme"])].add(str(row["top"]))
    labels = Labels(store, {t for found in tops.values() for t in found})
    grouped: dict[Link | None, list[QuotedStatement]] = defaultdict(list)
    for item in items:
        heads: set[Link | None] = {labels.link(top) for theme in item.themes
                                   for top in tops.get(theme.iri, {theme.iri})}
        for head in heads or {None}:
            grouped[head].append(item)
    return tuple(Group(head, tuple(found)) for head, found in
                 sorted(grouped.items(), key=lambda kv: (kv[0] is None, kv[0].label if kv[0] else "")))


def force_profile(store: Store, force: URIRef) -> ForceProfile:
    graded = judgements(store, force, "force")
    pillars = sorted({j.pillar for j in graded}, key=lambda p: p.label)
    headline = {(j.pillar, j.year): j for j in graded if j.number == 0}
    # The headline table has a column per year and a row per pillar that has a headline grade: the 2021/22 and
    # later areas of policing have no headline, and are listed with the other judgements below it.
    years = tuple(sorted({y for _p, y in headline}))
    rows = tuple(GradeRow(p, tuple(headline.get((p, y)) for y in years)) for p in pillars
                 if any((p, y) in headline for y in years))
    by_pillar = tuple((p, tuple(j for j in graded if j.pillar == p)) for p in pillars)
    inspections = store.select(internal_query("profile-inspections"), {"subject": force}).rows
    latest_year = max((int(r["year"]) for r in inspections), default=None)
    labels = Labels(store, {str(r[k]) for r in inspections for k in ("inspection", "pillar") if k in r})
    latest = sorted(((labels.link(r["inspection"]), labels.link(r["pillar"]), str(r["url"]) if "url" in r else None)
                     for r in inspections if int(r["year"]) == latest_year), key=lambda t: t[1].label)
    quoted = statements(store, force, "force")
    improvements = [s for s in quoted if s.kind == "Area for improvement"]
    groups = _by_broadest_theme(store, improvements)
    partner_rows = store.select(internal_query("profile-partners"), {"subject": force}).rows
    partner_labels = Labels(store, {str(r["partner"]) for r in partner_rows})
    partners = tuple(sorted((Partner(partner_labels.link(r["partner"]), int(r["mentions"])) for r in partner_rows),
                            key=lambda p: (-p.mentions, p.link.label)))
    links = [str(r["link"]) for r in store.select(internal_query("profile-external"), {"subject": force})]
    external = tuple(sorted((Link(iri, fallback_label(iri)) for iri in links), key=lambda link: link.label))
    latest_grades = tuple(max((j for j in headline.values() if j.pillar == p), key=lambda j: j.year)
                          for p in pillars if any(j.pillar == p for j in headline.values()))
    sections = []
    for r in sorted(inspections, key=lambda r: (-int(r["year"]), labels.link(r["pillar"]).label)):
        year, pillar = int(r["year"]), labels.link(r["pillar"])
        asked = [j for j in graded if j.inspection == str(r["inspection"])]  # a 2018/19 one judges three pillars
        said = [q for q in quoted if q.year == year and q.pillar == pillar]
        sections.append(InspectionSection(labels.link(r["inspection"]), year, pillar, headline.get((pillar, year)),
                                          str(r["url"]) if "url" in r else None, _questions(asked, said)))
    area_cycles, areas = _area_table(graded)
    return ForceProfile(years, rows, by_pillar, latest_year,
                        tuple((i, headline.get((p, latest_year)) if latest_year else None, url)
                              for i, p, url in latest),
                        groups, partners, external, latest_grades, tuple(sections), area_cycles, areas)


def _area_table(graded: Sequence[Judgement]) -> tuple[tuple[Link, ...], tuple[GradeRow, ...]]:
    """The grades of the areas of policing (PEEL 2021/22 on, which grade no pillar): a column per cycle, oldest
    first, and a row per area, named as the reports name it (an area of the same name in two cycles is one row,
    headed by the newest cycle's area). Rows follow the newest cycle's order, then areas only older cycles had."""
    later = [j for j in graded if j.pillar.iri.startswith(CYCLE_PREFIX)]
    cycles = sorted({j.pillar for j in later}, key=lambda c: min(j.year for j in later if j.pillar == c))
    cells = {(j.question.label, j.pillar): j for j in later}
    headings: dict[str, Link] = {}
    for cycle in reversed(cycles):
        for j in sorted((j for j in later if j.pillar == cycle), key=lambda j: (j.number or 99, j.question.label)):
            headings.setdefault(j.question.label, j.question)
    rows = tuple(GradeRow(link, tuple(cells.get((label, c)) for c in cycles)) for label, link in headings.items())
    return tuple(cycles), rows


def _questions(graded: Sequence[Judgement], quoted: Sequence[QuotedStatement]
               ) -> tuple[tuple[Link, Judgement | None, tuple[Group, ...]], ...]:
    """Each question once, in question order, with its judgement and its statements by kind. The questions of an
    inspection of several pillars (2018/19) stay together by pillar: the order is by the question's scheme path
    (``/id/question/2018-19/efficiency/…``), then number."""
    by_question = {j.question: j for j in graded}
    numbers = {j.question: j.number for j in graded} | {s.question: s.number for s in quoted}
    ordered = sorted(numbers, key=lambda q: (q.iri.rsplit("/", 1)[0], numbers[q] if numbers[q] is not None else 99,
                                             q.label))
    return tuple((q, by_question.get(q), _by_kind([s for s in quoted if s.question == q])) for q in ordered)


def inspection_profile(store: Store, inspection: URIRef) -> InspectionProfile:
    return InspectionProfile(_questions(judgements(store, inspection, "inspection"),
                                        statements(store, inspection, "inspection")))


def judgement_profile(store: Store, judgement: URIRef) -> JudgementProfile:
    rows = store.select(internal_query("profile-judgement"), {"subject": judgement}).rows
    inspections = sorted({str(r["inspection"]) for r in rows})
    if not inspections:
        return JudgementProfile(None, None, (), ())
    inspection = URIRef(inspections[0])
    found = [j for j in judgements(store, inspection, "inspection") if j.iri == str(judgement)]
    this = found[0] if found else None
    quoted = [s for s in statements(store, inspection, "inspection") if this and s.question == this.question]
    labels = Labels(store, [str(inspection)])
    return JudgementProfile(this, labels.link(inspection), _by_kind(quoted),
                            tuple(sorted({str(r["source"]) for r in rows if "source" in r})))


def question_profile(store: Store, question: URIRef) -> QuestionProfile:
    graded = sorted(judgements(store, question, "question"), key=lambda j: j.force.label)
    counts = Counter((j.grade_key, j.grade_text if j.grade else "Not graded", -(j.rank or 0)) for j in graded)
    distribution = tuple((key, text, n) for (key, text, _rank), n in sorted(counts.items(), key=lambda kv: kv[0][2]))
    return QuestionProfile(tuple(graded), distribution)


def theme_profile(store: Store, theme: URIRef) -> ThemeProfile:
    quoted = statements(store, theme, "theme")
    forces = tuple(sorted({s.force for s in quoted}, key=lambda f: f.label))
    return ThemeProfile(_by_kind(quoted), forces)


def grade_profile(store: Store, grade: URIRef) -> GradeProfile:
    graded = judgements(store, grade, "grade")
    years = tuple(sorted({j.year for j in graded}))
    pillars = sorted({j.pillar for j in graded}, key=lambda p: p.label)
    counts = Counter((j.pillar, j.year) for j in graded)
    table = tuple((p, tuple(counts[(p, y)] for y in years)) for p in pillars)
    headline = tuple(sorted((j for j in graded if j.number == 0),
                            key=lambda j: (-j.year, j.pillar.label, j.force.label)))
    return GradeProfile(years, table, headline, len(graded))


def organisation_profile(store: Store, organisation: URIRef) -> OrganisationProfile:
    rows = store.select(internal_query("profile-working-with"), {"subject": organisation}).rows
    labels = Labels(store, {str(r["force"]) for r in rows})
    forces = tuple(sorted((labels.link(r["force"]) for r in rows), key=lambda f: f.label))
    return OrganisationProfile(forces, tuple(statements(store, organisation, "organisation")))
