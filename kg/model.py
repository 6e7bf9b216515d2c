"""Plain dataclasses the pipeline passes along: a parsed report and the reference facts.

They hold what the sources say and nothing more; ``kg.link.mapping`` turns them into RDF.
Grades are the report's own words: ``Outstanding``, ``Good``, ``Requires improvement``,
``Inadequate``, or ``None`` when the text states none.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

GRADES = ("Outstanding", "Good", "Requires improvement", "Inadequate")
PILLARS = ("Effectiveness", "Efficiency", "Legitimacy", "Leadership")

Level = Literal["headline", "core"]


@dataclass(frozen=True)
class ParseWarning:
    line: int
    message: str


@dataclass(frozen=True)
class Passage:
    """A paragraph or list item with its place in the source text.

    ``start``/``end`` are character offsets into the report text (end exclusive);
    ``line`` is the 1-based line number.
    """

    text: str
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class PillarGrade:
    """A pillar's grade as a force overview page states it (None: "not yet graded")."""

    pillar: str
    grade: str | None
    line: int


@dataclass
class Question:
    heading: str
    level: Level
    line: int
    grade: str | None = None
    grade_line: int | None = None  # where the grade was stated
    not_inspected: bool = False  # "not inspected in <year>": the earlier judgement stands
    paragraphs: list[Passage] = field(default_factory=list)
    areas_for_improvement: list[Passage] = field(default_factory=list)
    causes_of_concern: list[Passage] = field(default_factory=list)
    recommendations: list[Passage] = field(default_factory=list)
    duplicate_of: int | None = None  # index of an earlier question whose text this repeats
    repeated: list[Passage] = field(default_factory=list)  # the paragraphs it repeats (not findings of its own)
    practices: list[Passage] = field(default_factory=list)  # innovative or promising practice (2021/22 on)
    not_graded: bool = False  # an area its cycle reports without a grade, such as the victim service assessment
    concern_actions: list[tuple[int, int]] = field(default_factory=list)  # (cause k, recommendation k) it leads to
    pillar: str | None = None  # its pillar, in a report of several (the 2018/19 integrated assessment); else None


@dataclass
class Report:
    force: str  # the force's short name as the title gives it ("Norfolk")
    force_name: str | None  # the official name if the text gives it ("Norfolk Constabulary")
    year: int
    pillar: str | None  # one of PILLARS; None when neither the text nor its metadata or address gives it
    last_updated: str | None = None  # ISO date
    questions: list[Question] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    text: str = ""  # the whole source text, for offsets
    path: str = ""  # where it was read from, for messages
    summary: list[Passage] = field(default_factory=list)  # text between the title and the first question
    kind: str = "report"  # or "overview": a force's page for a year, with only its pillar grades
    pillar_grades: list[PillarGrade] = field(default_factory=list)  # of an overview page
    cycle: str | None = None  # "2018-19", "2021-22", "2023-25": a report of a later cycle (from 2021 without pillar)

    @property
    def pillar_name(self) -> str:
        """The pillar, for the build, which needs one (it passes the metadata's to the parser)."""
        if self.pillar is None:
            raise ValueError(f"{self.path}: the report's pillar is unknown")
        return self.pillar

    @property
    def overall_grade(self) -> str | None:
        """The headline question's grade; None for an integrated report, whose pillars each have their own."""
        if any(q.pillar for q in self.questions):
            return None
        headline = next((q for q in self.questions if q.level == "headline"), None)
        return headline.grade if headline else None

    def to_json(self) -> dict[str, Any]:
        """The ``peelkg parse`` JSON of DESIGN.md."""
        return {
            "force": self.force,
            "force_name": self.force_name,
            "year": self.year,
            **({"cycle": self.cycle} if self.cycle else {}),
            "pillar": self.pillar,
            "last_updated": self.last_updated,
            "overall_grade": self.overall_grade,
            **({"summary": [p.text for p in self.summary]} if self.summary else {}),
            "questions": [
                {
                    "heading": q.heading,
                    "level": q.level,
                    "grade": q.grade,
                    "paragraphs": [p.text for p in q.paragraphs],
                    "areas_for_improvement": [p.text for p in q.areas_for_improvement],
                    **({"causes_of_concern": [p.text for p in q.causes_of_concern]} if q.causes_of_concern else {}),
                    **({"recommendations": [p.text for p in q.recommendations]} if q.recommendations else {}),
                    **({"not_inspected": True} if q.not_inspected else {}),
                    **({"innovative_practice": [p.text for p in q.practices]} if q.practices else {}),
                    **({"not_graded": True} if q.not_graded else {}),
                    **({"pillar": q.pillar} if q.pillar else {}),
                }
                for q in self.questions
            ],
            "warnings": [asdict(w) for w in self.warnings],
            **({"kind": self.kind, "pillar_grades": [asdict(g) for g in self.pillar_grades]}
               if self.kind == "overview" else {}),
        }


@dataclass(frozen=True)
class ReportMeta:
    """A row of the reports' metadata file (``reports.csv`` beside the report texts)."""

    file: str
    force: str
    year: int
    pillar: str
    source_url: str
    published: str | None
    cycle: str | None = None  # "2021-22" or "2023-25" for a report of a later cycle (pillar then unused)


@dataclass(frozen=True)
class ForceRecord:
    name: str
    short_name: str
    police_uk_id: str
    ons_code: str
    region: str
    wikidata_id: str | None
    sources: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class GradeRecord:
    force_short_name: str
    year: int
    pillar: str
    question: str  # "overall" or the source's wording
    grade: str  # one of GRADES or "Ungraded"
    source_url: str
    line: int
