"""Judgements from both sources, merged: one per force × year × pillar × question.

A report's text is the primary source; a reference row for the same judgement adds its
source when it agrees. One that states another grade is kept as its own claim, linked to the
judgement as conflicting, and reported; the judgement never cites it (the text's grade stands).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from kg.model import ForceRecord, GradeRecord, Report
from kg.namespaces import report_iri, slugify
from kg.vocab import Vocabulary

NOT_INSPECTED = "not inspected in {year}; the earlier judgement stands"


@dataclass
class JudgementFacts:
    force: str  # police.uk id
    year: int
    pillar: str  # slug
    number: int  # question number, 0 = headline
    question: URIRef
    grade: str | None = None
    not_graded_reason: str | None = None
    carried_forward: bool = False
    sources: list[str] = field(default_factory=list)
    report: URIRef | None = None  # set when the report's text states it
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (grade, source) of disagreeing sources

    @property
    def key(self) -> tuple[str, int, str, int]:
        return (self.force, self.year, self.pillar, self.number)


@dataclass(frozen=True)
class Notice:
    """A warning from mapping, naming where it came from.

    >>> str(Notice("peel_grades.csv", 12, "unknown force 'Atlantis'; row skipped"))
    "peel_grades.csv:12: unknown force 'Atlantis'; row skipped"
    >>> str(Notice("norfolk.txt", None, "no grade"))
    'norfolk.txt: no grade'
    """

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class ForceIndex:
    """Finds a force by short name, official name or police.uk id, ignoring case and '&'."""

    def __init__(self, forces: list[ForceRecord]) -> None:
        self.by_key: dict[str, ForceRecord] = {}
        for force in forces:
            for name in (force.short_name, force.name, force.police_uk_id):
                self.by_key[slugify(name.replace("&", "and"))] = force

    def get(self, name: str) -> ForceRecord | None:
        return self.by_key.get(slugify(name.replace("&", "and")))


def merge_judgements(
    reports: list[tuple[Report, URIRef, str, list[tuple[int, URIRef]]]],
    grades: list[GradeRecord],
    forces: ForceIndex,
    vocab: Vocabulary,
    grades_file: str,
) -> tuple[list[JudgementFacts], list[Notice]]:
    """Merge the judgements stated in reports with the reference grades.

    ``reports`` holds (report, force IRI, source URL, [(question number, question IRI)] per question).
    """
    merged: dict[tuple[str, int, str, int], JudgementFacts] = {}
    notices: list[Notice] = []
    for report, _force_iri, source_url, numbered in reports:
        force = forces.get(report.force)
        assert force is not None  # checked by the caller
        pillar = slugify(report.pillar_name)
        for question, (number, question_iri) in zip(report.questions, numbered, strict=True):
            if question.grade is None and not question.not_inspected:
                continue
            facts = JudgementFacts(force.police_uk_id, report.year, pillar, number, question_iri)
            facts.report = report_iri(report.year, force.police_uk_id, pillar)
            facts.sources.append(source_url)
            if question.grade is not None:
                facts.grade = question.grade
            else:
                facts.not_graded_reason = NOT_INSPECTED.format(year=report.year)
                facts.carried_forward = True
            merged[facts.key] = facts
    for row in grades:
        force = forces.get(row.force_short_name)
        if force is None:
            notices.append(Notice(grades_file, row.line, f"unknown force {row.force_short_name!r}; row skipped"))
            continue
        pillar = slugify(row.pillar)
        if row.question == "overall":
            entry = next(iter(vocab.questions.get((row.year, pillar), [])), None)
            entry = entry if entry is not None and entry.number == 0 else None
        else:
            entry = vocab.find_question(row.year, row.pillar, row.question)
        if entry is None:
            notices.append(
                Notice(grades_file, row.line, f"no {row.year} {row.pillar} question {row.question!r}; row skipped")
            )
            continue
        key = (force.police_uk_id, row.year, pillar, entry.number)
        grade = None if row.grade == "Ungraded" else row.grade
        existing = merged.get(key)
        if existing is None:
            facts = JudgementFacts(*key, question=entry.iri, grade=grade, sources=[row.source_url])
            if grade is None:
                facts.not_graded_reason = "Ungraded"
            merged[key] = facts
            continue
        if existing.grade == grade or existing.carried_forward:
            if row.source_url not in existing.sources:
                existing.sources.append(row.source_url)
            continue
        if (row.grade, row.source_url) not in existing.conflicts:
            existing.conflicts.append((row.grade, row.source_url))
        if existing.report is None:
            notices.append(Notice(grades_file, row.line, f"second grade {row.grade!r} for {key}; first kept, "
                                                         "the second recorded as a conflicting claim"))
        else:
            notices.append(
                Notice(
                    grades_file,
                    row.line,
                    f"reference grade {row.grade!r} disagrees with the report's {existing.grade!r} "
                    f"for {force.short_name} {row.year} {row.pillar} question {entry.number}; the report's stands "
                    "and the reference's is recorded as a conflicting claim",
                )
            )
    return sorted(merged.values(), key=lambda j: j.key), notices
