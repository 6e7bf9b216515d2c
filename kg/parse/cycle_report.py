"""Parse a report of a later PEEL cycle (2021/22, 2023–2025) into a :class:`~kg.model.Report`.

Such a report has no pillar: its title is "<Force> PEEL 2021/22" or "<Force> PEEL 2023–2025", a list of
judgements ("Investigating crime: Adequate", "Providing a service to victims of crime: Not graded") and then
a section per area of policing, headed by the area's name as the cycle's scheme spells it, with an optional
bare grade line, paragraphs, and blocks headed "Areas for improvement", "Cause(s) of concern",
"Recommendations" or "Innovative practice" / "Promising practice". Recommendations that follow a cause
of concern in its section are the actions it leads to (``Question.concern_actions``).

Grades are the five-level scale's words (``GRADES_2021``); a grade is recorded only where the text states
it. The areas come from the vocabulary (``ontology/areas.ttl``), so a heading that is no area of the cycle
is a warning with its line, never a question of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Literal, URIRef

from kg.errors import ParseError
from kg.model import ParseWarning, Passage, Question, Report
from kg.namespaces import PEEL, RDF, SKOS
from kg.parse import report_lines as rl
from kg.resources import ontology_dir
from kg.vocab import normalise_label

GRADES_2021 = ("Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate")
NOT_GRADED = "Not graded"
CYCLES = {"2021/22": "2021-22", "2021-22": "2021-22", "2023-2025": "2023-25", "2023-25": "2023-25"}

_TITLE = re.compile(r"^(?P<force>[^\W\d_][\w '&.,()-]*?)\s+PEEL\s+(?P<cycle>2021/22|2021-22|2023-2025|2023-25)$")
_JUDGEMENT = re.compile(r"^(?P<area>[^:]+?)\s*:\s*(?P<grade>[A-Za-z ]+?)\.?$")
_BLOCKS = {
    "areas for improvement": "areas_for_improvement", "area for improvement": "areas_for_improvement",
    "causes of concern": "causes_of_concern", "cause of concern": "causes_of_concern",
    "recommendations": "recommendations", "recommendation": "recommendations",
    "innovative practice": "practices", "promising practice": "practices",
}
_SUMMARY_HEADINGS = {"our judgements", "our judgments", "summary of judgements", "summary of judgments"}


@dataclass(frozen=True)
class Area:
    iri: URIRef
    label: str
    number: int
    graded: bool


@lru_cache(maxsize=4)
def areas_of(cycle: str) -> tuple[Area, ...]:
    """The areas of policing of a cycle ("2023-25"), in the framework's order, from ``ontology/areas.ttl``."""
    graph = Graph().parse(ontology_dir() / "areas.ttl", format="turtle")
    cycle_iri = URIRef(str(PEEL).replace("def/peel#", f"id/cycle/{cycle}"))
    found = []
    for iri in graph.subjects(PEEL.cycle, cycle_iri):
        if (iri, RDF.type, PEEL.AreaOfPolicing) in graph and isinstance(iri, URIRef):
            number, graded = graph.value(iri, PEEL.questionNumber), graph.value(iri, PEEL.graded)
            assert isinstance(number, Literal) and isinstance(graded, Literal)
            found.append(Area(iri, str(graph.value(iri, SKOS.prefLabel)), int(number), bool(graded.toPython())))
    return tuple(sorted(found, key=lambda a: a.number))


def cycle_title(text: str) -> tuple[str, str] | None:
    """``("Norfolk", "2023-25")`` from "Norfolk PEEL 2023–2025"; None for any other line.

    >>> cycle_title("Norfolk PEEL 2023–2025"), cycle_title("Anyshire PEEL 2021/22"), cycle_title("Norfolk PEEL 2016")
    (('Norfolk', '2023-25'), ('Anyshire', '2021-22'), None)
    """
    match = _TITLE.match(rl.fold(text).replace("–", "-").replace("—", "-"))
    return (match["force"].strip(), CYCLES[match["cycle"]]) if match else None


_ADDRESS = re.compile(r"/peel-reports/(?P<force>[a-z][a-z-]*?)-(?P<cycle>2021-22|2023-25)/?(?:[?#].*)?$")
_NAME_LINKS = {"and", "of", "the"}


def cycle_from_address(url: str | None) -> tuple[str, str] | None:
    """The force (as a title would name it) and cycle of a later cycle's report page from its address, for a stored
    page whose text lost its title line.

    >>> cycle_from_address("https://hmicfrs.justiceinspectorates.gov.uk/peel-reports/avon-and-somerset-2023-25/")
    ('Avon and Somerset', '2023-25')
    >>> cycle_from_address("https://example.org/peel-assessments/peel-2016/norfolk/") is None
    True
    """
    match = _ADDRESS.search(url or "")
    if match is None:
        return None
    words = match["force"].split("-")
    name = " ".join(w if w in _NAME_LINKS and i else w.capitalize() for i, w in enumerate(words))
    return name, match["cycle"]


def five_level_grade(text: str) -> str | None:
    """The five-level grade a line states by itself ("Adequate", "GOOD"), else None."""
    wanted = normalise_label(text).rstrip(".")
    return next((g for g in GRADES_2021 if g.lower() == wanted), None)


def parse_cycle_report(text: str, *, path: str = "<text>", source_url: str | None = None) -> Report:
    """Parse a 2021/22 or 2023–2025 report page (see the module's docstring).

    A page without a title line takes its force and cycle from ``source_url`` (the inspectorate's
    ``/peel-reports/{force}-{cycle}/``), with a warning. Raises :class:`ParseError` with ``path`` and a line when
    the text has no such title and the address gives neither.

    >>> report = parse_cycle_report(
    ...     "Anyshire PEEL 2023–2025\\nOur judgements\\nInvestigating crime: Adequate\\n"
    ...     "Investigating crime\\nThe force investigates most crime well.\\n"
    ...     "Areas for improvement\\n- The force should supervise investigations more closely.\\n")
    >>> report.force, report.cycle, report.year, report.pillar, report.questions[0].grade
    ('Anyshire', '2023-25', 2023, None, 'Adequate')
    """
    normalised = rl.normalise(text)
    content = [line for line in rl.split_lines(normalised) if line.text]
    title = next(((line, found) for line in content if (found := cycle_title(line.text))), None)
    addressed = cycle_from_address(source_url)
    if title is None and (addressed is None or not content):
        raise ParseError(path, content[0].number if content else 1,
                         "no title line '<Force> PEEL 2021/22' or '<Force> PEEL 2023–2025' found")
    if title is not None:
        force, cycle = title[1]
    else:
        assert addressed is not None
        force, cycle = addressed
    report = Report(force=force, force_name=None, year=int(cycle[:4]), pillar=None, text=normalised, path=path,
                    cycle=cycle)
    start = content.index(title[0]) + 1 if title else 0
    skipped = content[:start - 1] if title else []
    if title is None:
        report.warnings.append(ParseWarning(content[0].number, f"no title line: took {force} {cycle} from the "
                                                               f"page's address {source_url}"))
    if skipped:
        report.warnings.append(ParseWarning(skipped[0].number, f"skipped {len(skipped)} line(s) of site text "
                                            f"before the title (lines {skipped[0].number}–{skipped[-1].number})"))
    _Reader(report, areas_of(cycle)).read(content[start:])
    return report


class _Reader:
    def __init__(self, report: Report, areas: tuple[Area, ...]) -> None:
        self.report, self.areas = report, {normalise_label(a.label): a for a in areas}
        self.stated: dict[str, tuple[str, int]] = {}  # area label -> (grade or NOT_GRADED, line) of the list
        self.question: Question | None = None
        self.block: str | None = None
        self.in_summary = False

    def warn(self, line: int, message: str) -> None:
        self.report.warnings.append(ParseWarning(line, message))

    def read(self, lines: list[rl.Line]) -> None:
        for line in lines:
            self.feed(line)
        for label, (grade, at) in self.stated.items():
            if not any(q.heading == label for q in self.report.questions):
                self.report.questions.append(self._question(self.areas[normalise_label(label)], at))
                self._grade(self.report.questions[-1], grade, at)

    def feed(self, line: rl.Line) -> None:
        text = normalise_label(line.text)
        if (iso := rl.last_updated(line.text)) is not None:
            self.report.last_updated = iso or self.report.last_updated
        elif text in _SUMMARY_HEADINGS:
            self.in_summary, self.block = True, None
        elif (judgement := _JUDGEMENT.match(line.text)) and normalise_label(judgement["area"]) in self.areas:
            self.read_judgement(judgement["area"], judgement["grade"], line)
        elif text in self.areas:
            self.in_summary, self.block = False, None
            self.question = self._question(self.areas[text], line.number)
            self.report.questions.append(self.question)
            if self.question.heading in self.stated:
                grade, at = self.stated[self.question.heading]
                self._grade(self.question, grade, at)
        elif text in _BLOCKS:
            self.block = _BLOCKS[text]
            if self.question is None:
                self.warn(line.number, f"a {line.text!r} block before any area of policing; its items are skipped")
        elif (line_grade := five_level_grade(line.text)) and self.question is not None and self.block is None:
            self.read_grade_line(line_grade, line)
        elif self.question is None:
            self.warn(line.number, f"skipped text outside any area of policing: {rl.snippet(line.text)!r}")
        else:
            item = rl.bullet(line)
            passage = self.passage(item or line)
            if self.block is None:
                self.question.paragraphs.append(passage)
            else:
                getattr(self.question, self.block).append(passage)
                if self.block == "recommendations" and self.question.causes_of_concern:
                    self.question.concern_actions.append(
                        (len(self.question.causes_of_concern), len(self.question.recommendations)))

    def read_judgement(self, area: str, stated: str, line: rl.Line) -> None:
        label = self.areas[normalise_label(area)].label
        grade = five_level_grade(stated) or (NOT_GRADED if normalise_label(stated) == "not graded" else None)
        if grade is None:
            self.warn(line.number, f"{stated!r} is not a grade of the five-level scale; {label!r} left ungraded")
            return
        self.stated.setdefault(label, (grade, line.number))

    def read_grade_line(self, grade: str, line: rl.Line) -> None:
        assert self.question is not None
        if self.question.grade is None and not self.question.not_graded:
            self._grade(self.question, grade, line.number)
        elif self.question.grade != grade:
            self.warn(line.number, f"grade line {grade!r} disagrees with {self.question.grade!r} "
                                   f"stated on line {self.question.grade_line}; kept the first")

    def _grade(self, question: Question, grade: str, line: int) -> None:
        area = self.areas[normalise_label(question.heading)]
        if grade == NOT_GRADED:
            question.not_graded = True
        elif not area.graded:
            self.warn(line, f"{question.heading!r} is not graded in this cycle; the grade {grade!r} is ignored")
            question.not_graded = True
        else:
            question.grade, question.grade_line = grade, line

    def _question(self, area: Area, line: int) -> Question:
        return Question(heading=area.label, level="core", line=line)

    def passage(self, line: rl.Line) -> Passage:
        return Passage(line.text, line.number, line.start, line.end)
