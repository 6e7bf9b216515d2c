"""The later cycles' reference grades (``peel_grades_later.csv``) as judgements, with the identifiers of DESIGN.md.

PEEL 2018/19 inspected each force once and graded it by pillar: one inspection per force
(``/id/inspection/2018-19/{force}``), a judgement per pillar (``/id/judgement/2018-19/{force}/{pillar}``)
and per graded question (``…/{pillar}/{n}``, numbered as in ``ontology/questions-2018-19.ttl``), each
on the four-level scale. From 2021/22 a row grades an area of policing
(``/id/judgement/{cycle}/{force}/{area}``, five levels), the identifier a report of that cycle gives
the same judgement (:mod:`kg.link.cycle_mapping`).

A judgement some report in the build already states keeps the report's grade: an agreeing row adds
its source, a disagreeing one becomes a ``peel:GradeClaim`` that the judgement does not cite (as in
:mod:`kg.link.judgements` for 2015–2017). Rows naming an unknown force, pillar, area or question
are skipped with a notice naming the line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from rdflib import Graph, Literal, URIRef

from kg.link.cycle_mapping import CYCLE_LABELS, area_judgement_iri, cycle_iri, five_level_grade_iri
from kg.link.judgements import ForceIndex, Notice
from kg.link.mapping import conflict_triples
from kg.link.reference_coverage import GradeRow
from kg.model import PILLARS, ForceRecord, Report
from kg.namespaces import DCTERMS, ID, PEEL, RDF, RDFS, XSD, force_iri, grade_iri, pillar_iri, slugify
from kg.parse.cycle_report import areas_of
from kg.vocab import Vocabulary, normalise_label

PILLAR_CYCLES = ("2018-19",)  # later cycles still graded by pillar and question
UNGRADED = "Ungraded"


@dataclass
class CycleJudgement:
    """One judgement of a later cycle as the reference rows give it (``reported``: a report states it too)."""

    iri: URIRef
    cycle: str
    force: ForceRecord
    pillar: str | None  # slug (2018/19); None for an area of policing
    question: URIRef
    label: str
    grade: str | None
    sources: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (grade, source) of disagreeing rows
    reported: bool = False

    @property
    def year(self) -> int:
        return int(self.cycle[:4])


def inspection_iri(cycle: str, force: str) -> URIRef:
    """``/id/inspection/{cycle}/{force}``: a later cycle inspects a force once."""
    return ID[f"inspection/{cycle}/{force}"]


def judgement_iri(cycle: str, force: str, pillar: str, number: int) -> URIRef:
    """A 2018/19 judgement: the pillar's (``number`` 0) or one of its questions'.

    >>> str(judgement_iri("2018-19", "norfolk", "efficiency", 0)).rsplit("/id/", 1)[1]
    'judgement/2018-19/norfolk/efficiency'
    >>> str(judgement_iri("2018-19", "norfolk", "effectiveness", 3)).rsplit("/id/", 1)[1]
    'judgement/2018-19/norfolk/effectiveness/3'
    """
    return ID[f"judgement/{cycle}/{force}/{pillar}" + (f"/{number}" if number else "")]


def reported_judgements(reports: Iterable[tuple[Report, list[tuple[int, URIRef]]]],
                        forces: ForceIndex) -> dict[URIRef, str | None]:
    """The judgements the build's later-cycle reports state, with their grades (None: not graded).

    ``reports`` pairs each report with its questions' numbers as the build gave them (a report of areas
    has none). A report states a judgement only where it gives a grade, or (2021 on) calls the area ungraded."""
    stated: dict[URIRef, str | None] = {}
    for report, numbers in reports:
        force = forces.get(report.force)
        if report.cycle is None or force is None:
            continue
        if report.cycle in PILLAR_CYCLES:
            for question, (number, _iri) in zip(report.questions, numbers, strict=True):
                pillar = question.pillar or report.pillar
                if question.grade is not None and pillar:
                    stated[judgement_iri(report.cycle, force.police_uk_id, slugify(pillar), number)] = question.grade
            continue
        areas = {a.label: a.iri for a in areas_of(report.cycle)}
        for question in report.questions:  # an area the text gives no grade (and does not call ungraded) states none
            if question.heading in areas and (question.grade is not None or question.not_graded):
                stated[area_judgement_iri(report.cycle, force.police_uk_id, areas[question.heading])] = question.grade
    return stated


def cycle_judgements(rows: Iterable[GradeRow], forces: ForceIndex, vocab: Vocabulary,
                     reported: dict[URIRef, str | None], table: str) -> tuple[list[CycleJudgement], list[Notice]]:
    """The later cycles' rows as judgements, merged with the ones the reports state."""
    found: dict[URIRef, CycleJudgement] = {}
    notices: list[Notice] = []
    for row in rows:
        force = forces.get(row.force)
        if force is None:
            notices.append(Notice(table, row.line, f"unknown force {row.force!r}; row skipped"))
            continue
        grade = None if row.grade == UNGRADED else row.grade
        target = _target(row, force, vocab)
        if isinstance(target, str):
            notices.append(Notice(table, row.line, f"{target}; row skipped"))
            continue
        iri, pillar, question, label = target
        if iri in reported:
            judgement = found.setdefault(iri, CycleJudgement(iri, row.cycle, force, pillar, question, label,
                                                             reported[iri], reported=True))
        else:
            judgement = found.setdefault(iri, CycleJudgement(iri, row.cycle, force, pillar, question, label, grade))
        if judgement.grade == grade:
            if row.source_url not in judgement.sources:
                judgement.sources.append(row.source_url)
        elif (row.grade, row.source_url) not in judgement.conflicts:
            judgement.conflicts.append((row.grade, row.source_url))
            whose = "the report's" if judgement.reported else "an earlier row's"
            notices.append(Notice(table, row.line, f"grade {row.grade!r} disagrees with {whose} "
                                                   f"{judgement.grade or UNGRADED!r} for {label}; recorded as a "
                                                   "conflicting claim"))
    return sorted(found.values(), key=lambda j: str(j.iri)), notices


def _target(row: GradeRow, force: ForceRecord, vocab: Vocabulary) -> tuple[URIRef, str | None, URIRef, str] | str:
    """(judgement, pillar slug, question, label) of a row, or why it has none."""
    title = f"{force.short_name} PEEL {CYCLE_LABELS.get(row.cycle, row.cycle)}"
    if row.cycle in PILLAR_CYCLES:
        pillar = row.pillar.strip().capitalize()
        if pillar not in PILLARS:
            return f"pillar {row.pillar!r} is not one of {', '.join(PILLARS)}"
        entries = vocab.cycle_questions.get((int(row.cycle[:4]), slugify(pillar)), [])
        if row.question == "overall":
            entry = entries[0] if entries and entries[0].number == 0 else None
        else:
            entry = vocab.find_question(int(row.cycle[:4]), pillar, row.question, cycle=True)
        if entry is None:
            return f"no {row.cycle} {pillar} question {row.question!r}"
        return (judgement_iri(row.cycle, force.police_uk_id, slugify(pillar), entry.number), slugify(pillar),
                entry.iri, f"{title}: {entry.label}")
    if row.question != "overall":
        return f"a {row.cycle} row grades an area of policing (question 'overall'), not {row.question!r}"
    wanted = normalise_label(row.pillar)
    area = next((a for a in areas_of(row.cycle) if normalise_label(a.label) == wanted), None)
    if area is None:
        return f"{row.pillar!r} is not an area of policing of {row.cycle}"
    if not area.graded and row.grade != UNGRADED:
        return f"{area.label!r} is not graded in {row.cycle}"
    return area_judgement_iri(row.cycle, force.police_uk_id, area.iri), None, area.iri, f"{title}: {area.label}"


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _str(value: str) -> Literal:
    return Literal(value, datatype=XSD.string)


def _grade_node(cycle: str, grade: str) -> URIRef:
    return grade_iri(slugify(grade)) if cycle in PILLAR_CYCLES else five_level_grade_iri(grade)


def _claimed_grade(cycle: str, grade: str) -> URIRef | None:
    return None if grade == UNGRADED else _grade_node(cycle, grade)


def cycle_judgement_triples(graph: Graph, judgements: Iterable[CycleJudgement]) -> None:
    """Add the judgements (and, for a force and cycle no report covers, its inspection) to ``graph``."""
    inspected: set[URIRef] = set()
    for j in judgements:
        inspection = inspection_iri(j.cycle, j.force.police_uk_id)
        for source in j.sources:
            graph.add((j.iri, DCTERMS.source, URIRef(source)))
        conflict_triples(graph, j.iri, j.label, j.conflicts, partial(_claimed_grade, j.cycle))
        if j.reported:
            continue  # the rest is its report's (kg.link.cycle_mapping)
        common = ((PEEL.force, force_iri(j.force.police_uk_id)), (PEEL.year, _int(j.year)),
                  (PEEL.cycle, cycle_iri(j.cycle)))
        if inspection not in inspected:
            inspected.add(inspection)
            title = f"{j.force.short_name} PEEL {CYCLE_LABELS.get(j.cycle, j.cycle)}"
            for p, o in ((RDF.type, PEEL.Inspection), (RDFS.label, _str(f"{title} inspection")), *common):
                graph.add((inspection, p, o))
        for p, o in ((RDF.type, PEEL.Judgement), (RDFS.label, _str(j.label)), (PEEL.question, j.question),
                     (PEEL.inspection, inspection), *common):
            graph.add((j.iri, p, o))
        if j.pillar is not None:
            graph.add((j.iri, PEEL.pillar, pillar_iri(j.pillar)))
        if j.grade is not None:
            graph.add((j.iri, PEEL.grade, _grade_node(j.cycle, j.grade)))
        else:
            graph.add((j.iri, PEEL.notGradedReason, _str(UNGRADED)))
