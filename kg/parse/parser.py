"""Parse a PEEL force report page (plain text, one paragraph per line) into a :class:`~kg.model.Report`.

The page reads: optional site boilerplate; a title "<Force> PEEL <year>"; an optional pillar line and
"Last updated" line; then question headings (the first is the headline question), each followed by an
optional bare grade line, paragraphs, bullet lists, and blocks headed "Areas for improvement",
"Causes of concern" or "Recommendations". What cannot be read with confidence but can be recovered
from is reported in ``Report.warnings``; what leaves no report to speak of raises :class:`ParseError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ParseError
from kg.model import Level, ParseWarning, Passage, Question, Report
from kg.parse import judgement_text as jt
from kg.parse import report_lines as rl
from kg.parse.cycle_report import cycle_from_address, cycle_title, parse_cycle_report
from kg.parse.input_text import control_character
from kg.parse.overview_page import parse_overview

INTEGRATED_YEAR, INTEGRATED_CYCLE = 2018, "2018-19"  # a 2018 page is of the integrated assessment's cycle
DUPLICATE_SHARE = 0.6  # share of a question's paragraphs repeated from an earlier one that makes it a duplicate
_BLOCK_LABELS = {"areas_for_improvement": "areas for improvement", "causes_of_concern": "causes of concern",
                 "recommendations": "recommendations"}


def parse_file(path: str | Path, *, pillar: str | None = None, source_url: str | None = None) -> Report:
    """Read a report file (UTF-8, with or without a BOM, LF or CRLF line ends) and parse it.

    Raises :class:`ParseError` naming the file (and the line, where there is one) when the file cannot be
    read, is not UTF-8, or is not a report (see :func:`parse_report`, which takes ``pillar`` and
    ``source_url`` too).
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ParseError(name, None, f"cannot read the file: {error.strerror or error}") from error
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError(name, 1, "the file is UTF-16; expected UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ParseError(name, line, f"not UTF-8: byte 0x{data[error.start]:02x} cannot be decoded") from error
    if (control := control_character(text)) is not None:
        raise ParseError(name, control[0], f"control character {control[1]}: a report is plain text")
    return parse_report(text, path=name, pillar=pillar, source_url=source_url)


def parse_report(text: str, *, path: str = "<text>", pillar: str | None = None,
                 source_url: str | None = None) -> Report:
    """Parse the text of a PEEL force report page.

    ``path`` only names the source in warnings and errors. ``pillar`` (from the report's metadata) and
    ``source_url`` (its address, ".../norfolk/effectiveness/") are used, in that order, when the text neither
    states the pillar nor lets it be inferred; with neither, ``Report.pillar`` is None and a warning says so.
    ``Report.text`` is the normalised text (LF line ends, no BOM, plain spaces) that every ``Passage``'s
    ``start``/``end`` index. Raises :class:`ParseError`
    (with ``path`` and a line) for an empty text, a text without a "<Force> PEEL <year>" title or without a
    question heading; a page with a title is never lost for want of a pillar.

    >>> report = parse_report(
    ...     "Anyshire PEEL 2016\\nEffectiveness\\n"
    ...     "How effective is the force at keeping people safe and reducing crime?\\n"
    ...     "Anyshire Police is good at keeping people safe and reducing crime.\\n"
    ...     "Areas for improvement\\n"
    ...     "- The force should publish its plans.\\n")
    >>> report.force, report.year, report.pillar, report.force_name, report.overall_grade
    ('Anyshire', 2016, 'Effectiveness', 'Anyshire Police', 'Good')
    >>> item = report.questions[0].areas_for_improvement[0]
    >>> item.text, item.line, report.text[item.start:item.end] == item.text
    ('The force should publish its plans.', 6, True)
    """
    normalised = rl.normalise(text)
    lines = rl.split_lines(normalised)
    content = [line for line in lines if line.text]
    if not content:
        raise ParseError(path, 1, "the report is empty")
    if not any(rl.title(line.text) for line in content):
        if any(cycle_title(line.text) for line in content):  # PEEL 2021/22 or 2023–2025: areas, no pillar
            return parse_cycle_report(normalised, path=path)
        overview = parse_overview(content, normalised, path)
        if overview is not None:
            return overview
        if cycle_from_address(source_url):  # a later cycle's page whose stored text lost its title
            return parse_cycle_report(normalised, path=path, source_url=source_url)
    builder = _Builder(path, normalised)
    builder.pillar_hint = pillar
    builder.source_url = source_url
    title_line = builder.read_front_matter(content)
    builder.integrated = rl.integrated_title(title_line.text)
    for line in content[content.index(title_line) + 1:]:
        builder.feed(line)
    return builder.finish(title_line)


@dataclass
class _QuestionState:
    """What the parser knows of a question beyond the model: the grade line it read, if any."""

    line_grade: str | None = None
    line_grade_at: int | None = None


class _Builder:
    """Reads the lines after the title one at a time, tracking the current question and list block."""

    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text
        self.force, self.year = "", 0
        self.pillar: str | None = None
        self.last_updated: str | None = None
        self.questions: list[Question] = []
        self.states: list[_QuestionState] = []
        self.warnings: list[ParseWarning] = []
        self.pending_grade: tuple[str, int] | None = None  # a grade line before the first question
        self.block: str | None = None  # the Question field list items go to
        self.block_header: rl.Line | None = None
        self.block_items, self.block_mode = 0, ""  # mode: fresh, intro, bullets, paragraphs
        self.after_heading = False
        self.pillar_hint: str | None = None  # from reports.csv
        self.source_url: str | None = None
        self.summary: list[Passage] = []  # paragraphs between the title and the first question
        self.site_block: rl.Line | None = None  # the heading of the site block being skipped
        self.site_lines: list[int] = []
        self.site_questions = 0
        self.core_follows = False  # a "Questions for <pillar>" heading came before the section's first question
        self.integrated = False  # the title names the 2018/19 integrated assessment: a section per pillar
        self.section_start = 0  # index of the current pillar section's first question (integrated)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(line, message))

    def read_front_matter(self, content: list[rl.Line]) -> rl.Line:
        """Find the title line; skip (and report) what precedes it, except a "Last updated" line."""
        skipped: list[int] = []
        for line in content:
            found = rl.title(line.text)
            if found:
                self.force, self.year = found
                if skipped:
                    self.warn(skipped[0], f"skipped {len(skipped)} line(s) of site text before the title "
                                          f"(lines {skipped[0]}–{skipped[-1]})")
                return line
            if rl.last_updated(line.text) is not None:
                self.read_last_updated(line)
            else:
                skipped.append(line.number)
        raise ParseError(self.path, content[0].number, "no title line '<Force> PEEL <year>' found "
                                                        f"(the text starts {rl.snippet(content[0].text)!r})")

    def read_last_updated(self, line: rl.Line) -> None:
        iso = rl.last_updated(line.text)
        if not iso:
            self.warn(line.number, f"unreadable date in {line.text!r} (no such day); ignored")
        elif self.last_updated and iso != self.last_updated:
            self.warn(line.number, f"second 'Last updated' date {iso} ignored; kept {self.last_updated}")
        else:
            self.last_updated = iso

    def feed(self, line: rl.Line) -> None:
        """Take the next non-blank line after the title."""
        after_heading, self.after_heading = self.after_heading, False
        if self.in_site_block(line):
            return
        item = rl.bullet(line)
        if rl.site_block(line.text):
            self.end_block()
            self.site_block, self.site_lines, self.site_questions = line, [line.number], 0
        elif (stated := rl.questions_for(line.text)) is not None:
            self.end_block()
            self.read_questions_for(stated, line)
        elif self.integrated and self.questions and (pillar := rl.pillar_line(line.text)) is not None:
            self.end_block()
            self.start_pillar(pillar, line)
        elif item is not None:
            self.add_bullet(item)
        elif rl.is_welsh(line.text):
            self.warn(line.number, f"skipped a notice in Welsh: {rl.snippet(line.text)!r}")
        elif rl.last_updated(line.text) is not None:
            self.read_last_updated(line)
            self.after_heading = after_heading  # the site puts the date between a heading and its grade line
        elif rl.question_number(line.text):
            self.warn(line.number, f"skipped a question number standing alone: {line.text!r}")
        elif (heading := rl.question_heading(line.text)) is not None:
            self.start_question(heading, line)
        elif (section := rl.section_header(line.text)) is not None:
            self.end_block()
            self.block, self.block_header, self.block_items, self.block_mode = section, line, 0, "fresh"
        elif (grade := jt.bare_grade(line.text)) is not None:
            self.read_grade_line(grade, line, after_heading)
        elif not self.questions:
            pillar = rl.pillar_line(line.text)
            if pillar and self.pillar is None:
                self.pillar = pillar
            elif rl.subheading(line.text) is not None:
                self.warn(line.number, f"skipped a heading before the first question: {rl.snippet(line.text)!r}")
            else:
                self.summary.append(self.passage(line))
                self.warn(line.number, "text before the first question recorded as the page's summary: "
                                       f"{rl.snippet(line.text)!r}")
        elif jt.not_inspected(line.text):
            self.end_block()
            self.questions[-1].not_inspected = True
        elif (kind := rl.subheading(line.text)) is not None:
            self.end_block()
            if kind == "other":
                self.warn(line.number, f"skipped a subheading, not a question: {rl.snippet(line.text)!r}")
        else:
            self.add_paragraph(line)

    def in_site_block(self, line: rl.Line) -> bool:
        """Skip the lines of a site block ("Other inspections", its own question and paragraphs) until the
        report resumes: a "Last updated" or "Questions for …" line, a pillar line, or a second question."""
        if self.site_block is None:
            return False
        heading = rl.question_heading(line.text)
        resumes = (rl.last_updated(line.text) is not None or rl.questions_for(line.text) is not None
                   or rl.pillar_line(line.text) is not None or rl.site_block(line.text)
                   or (heading is not None and self.site_questions >= 1))
        if not resumes:
            self.site_lines.append(line.number)
            self.site_questions += heading is not None
            return True
        first, last = self.site_lines[0], self.site_lines[-1]
        self.warn(first, f"skipped a block of site text {self.site_block.text!r} (lines {first}–{last})")
        self.site_block = None
        return False

    def start_pillar(self, pillar: str, line: rl.Line) -> None:
        """A pillar line after questions of an integrated report: the next pillar's section begins."""
        if pillar == self.pillar:
            self.warn(line.number, f"pillar line {line.text!r} repeats the pillar of its section; ignored")
            return
        self.pillar, self.section_start, self.core_follows = pillar, len(self.questions), False

    def read_questions_for(self, pillar: str, line: rl.Line) -> None:
        if self.integrated and self.questions and pillar != self.pillar:
            self.start_pillar(pillar, line)  # a section that opens on its core questions
        if len(self.questions) == self.section_start:
            self.core_follows = True
        if self.pillar is None:
            self.pillar = pillar
        elif pillar != self.pillar:
            self.warn(line.number, f"heading {line.text!r} names another pillar than {self.pillar!r}; kept it")

    def start_question(self, heading: str, line: rl.Line) -> None:
        self.end_block()
        level: Level = "core" if len(self.questions) > self.section_start or self.core_follows else "headline"
        if self.integrated and self.pillar is None:
            self.pillar = rl.infer_pillar(heading)
        pillar = self.pillar if self.integrated else None
        self.questions.append(Question(heading=heading, level=level, line=line.number, pillar=pillar))
        self.states.append(_QuestionState())
        if self.pending_grade and level == "headline":
            self.states[-1].line_grade, self.states[-1].line_grade_at = self.pending_grade
        self.after_heading = True

    def read_grade_line(self, grade: str, line: rl.Line, after_heading: bool) -> None:
        self.end_block()
        if not self.questions:
            if self.pending_grade is None:
                self.pending_grade = (grade, line.number)
            else:
                self.warn(line.number, f"second grade line before the first question ignored: {line.text!r}")
            return
        state, question = self.states[-1], self.questions[-1]
        if state.line_grade is not None:
            self.warn(line.number, f"second grade line {grade!r} for the question on line {question.line} "
                                   f"ignored; kept {state.line_grade!r} (line {state.line_grade_at})")
            return
        state.line_grade, state.line_grade_at = grade, line.number
        if not after_heading:
            self.warn(line.number, f"grade line not directly under its question heading; taken as the grade "
                                   f"of the question on line {question.line}")

    def passage(self, line: rl.Line) -> Passage:
        return Passage(text=line.text, line=line.number, start=line.start, end=line.end)

    def add_bullet(self, item: rl.Line) -> None:
        if not item.text:
            return  # a marker with nothing after it
        if not self.questions:
            self.warn(item.number, f"skipped a list item before the first question: {rl.snippet(item.text)!r}")
        elif self.block:
            self.add_item(item)
            self.block_mode = "bullets"
        else:
            self.questions[-1].paragraphs.append(self.passage(item))

    def add_paragraph(self, line: rl.Line) -> None:
        if self.block and self.block_mode == "fresh" and line.text.endswith(":"):
            self.block_mode = "intro"
            self.warn(line.number, f"introduction to the list of {_BLOCK_LABELS[self.block]} is not an item "
                                   f"itself: {rl.snippet(line.text)!r}")
            return
        if self.block and self.block_mode != "bullets":
            self.add_item(line)  # 2015 style: one paragraph per item until the next heading
            self.block_mode = "paragraphs"
            return
        if self.block:
            self.warn(line.number, f"paragraph after the list of {_BLOCK_LABELS[self.block]}: "
                                   "recorded as a paragraph of the question")
            self.block = None
        self.questions[-1].paragraphs.append(self.passage(line))

    def add_item(self, line: rl.Line) -> None:
        assert self.block is not None
        question = self.questions[-1]
        items: list[Passage] = getattr(question, self.block)
        items.append(self.passage(line))
        self.block_items += 1
        if self.block == "recommendations" and question.causes_of_concern:  # the actions the cause leads to
            question.concern_actions.append((len(question.causes_of_concern), len(question.recommendations)))

    def end_block(self) -> None:
        if self.block and self.block_header and not self.block_items:
            self.warn(self.block_header.number, f"heading {self.block_header.text!r} has no items under it")
        self.block = None

    def finish(self, title: rl.Line) -> Report:
        self.end_block()
        if self.site_block is not None:
            self.warn(self.site_lines[0], f"skipped a block of site text {self.site_block.text!r} "
                                          f"(lines {self.site_lines[0]}–{self.site_lines[-1]})")
        if not self.questions:
            raise ParseError(self.path, title.number, f"no question heading (a short line ending in '?') after "
                                                      f"the title {title.text!r}")
        if self.integrated:
            self.settle_sections()
        pillar = None if self.integrated else self.settle_pillar()
        mark_duplicates(self.questions, self.warn)
        force_name = self.settle_grades()
        report = Report(force=self.force, force_name=force_name or jt.find_force_name(self.text, self.force),
                        year=self.year, pillar=pillar, last_updated=self.last_updated, questions=self.questions,
                        text=self.text, path=self.path, summary=self.summary,
                        cycle=INTEGRATED_CYCLE if self.year == INTEGRATED_YEAR else None)
        report.warnings = sorted(self.warnings, key=lambda warning: warning.line)
        return report

    def settle_pillar(self) -> str | None:
        headline = self.questions[0]
        inferred = rl.infer_pillar(headline.heading) if headline.level == "headline" else None
        if self.pillar is None and inferred is None:
            return self.pillar_from_elsewhere(headline)
        if self.pillar is None:
            assert inferred is not None
            self.warn(headline.line, f"pillar not stated; inferred {inferred!r} from the headline question")
            return inferred
        if inferred and inferred != self.pillar:
            self.warn(headline.line, f"the headline question reads as {inferred!r} but the stated pillar is "
                                     f"{self.pillar!r}; kept {self.pillar!r}")
        return self.pillar

    def settle_sections(self) -> None:
        """An integrated report has no pillar of its own; each question has its section's. A question before
        any pillar is known (no pillar line, a headline that names none) is kept, with a warning."""
        for question in self.questions:
            if question.pillar is None:
                self.warn(question.line, f"no pillar line before {question.heading!r} and the question names no "
                                         "pillar: left without one (the build skips it)")

    def pillar_from_elsewhere(self, first: Question) -> str | None:
        """The pillar of a page whose text neither states nor implies it: the metadata's, else its address's."""
        where = f"the pillar is not stated after the title and cannot be inferred from {first.heading!r}"
        if self.pillar_hint:
            self.warn(first.line, f"{where}; took {self.pillar_hint!r} from the report's metadata")
            return self.pillar_hint
        from_address = rl.pillar_from_address(self.source_url or "")
        if from_address:
            self.warn(first.line, f"{where}; took {from_address!r} from its address {self.source_url}")
            return from_address
        self.warn(first.line, f"{where}, and no metadata or address gives it: left unknown")
        return None

    def settle_grades(self) -> str | None:
        """Give each question its grade: the grade line, else its first judgement sentence. Returns the
        force's official name if a judgement sentence gives it."""
        force_name = None
        for question, state in zip(self.questions, self.states, strict=True):
            found = [(judgement, p.line) for p in question.paragraphs
                     for judgement in jt.find_judgements(p.text, self.force, self.year, question.heading)]
            force_name = force_name or next((j.name for j, _ in found if j.name), None)
            if question.level == "headline":
                found = self.about_headline(question, found)
            if question.not_inspected:
                continue  # the earlier judgement stands; this report states none
            if state.line_grade:
                question.grade, question.grade_line = state.line_grade, state.line_grade_at
            elif found:
                question.grade, question.grade_line = found[0][0].grade, found[0][1]
            for judgement, line in found:
                if judgement.grade != question.grade:
                    self.warn(line, f"sentence states {judgement.grade!r} but the question's grade is "
                                    f"{question.grade!r} (line {question.grade_line}); kept the first")
        return force_name

    def about_headline(self, question: Question,
                       found: list[tuple[jt.Judgement, int]]) -> list[tuple[jt.Judgement, int]]:
        """The judgements under the headline question that grade it, not the core questions it sums up: those
        whose topic is the headline's; failing that, a lone judgement (several on other topics are a summary
        of the core questions' grades, as the 2018/19 pages open)."""
        kept = [(j, line) for j, line in found if jt.about_question(j, question.heading)]
        if not kept and len(found) == 1:
            kept = found
        for judgement, line in found:
            if (judgement, line) not in kept:
                self.warn(line, f"sentence states {judgement.grade!r} {judgement.topic!r}: a summary of another "
                                "question, not the headline question's grade")
        return kept


def _paragraph_key(text: str) -> str:
    return " ".join(rl.fold(text).casefold().split())


def mark_duplicates(questions: list[Question], warn: Callable[[int, str], None]) -> None:
    """Mark a question whose paragraphs mostly repeat an earlier question's (a page-building slip) as its
    duplicate, and drop the repeated paragraphs; its heading, grade and lists stay."""
    kept: list[set[str]] = []
    for question in questions:
        keys = [_paragraph_key(p.text) for p in question.paragraphs]
        shares = [(sum(key in earlier for key in keys), i) for i, earlier in enumerate(kept)]
        repeated, original = max(shares, key=lambda share: (share[0], -share[1]), default=(0, -1))
        if keys and repeated >= DUPLICATE_SHARE * len(keys):
            question.duplicate_of = original
            question.repeated = [p for p, key in zip(question.paragraphs, keys, strict=True)
                                 if key in kept[original]]
            question.paragraphs = [p for p, key in zip(question.paragraphs, keys, strict=True)
                                   if key not in kept[original]]
            warn(question.line, f"question repeats {repeated} of its {len(keys)} paragraph(s) from question "
                                f"{original} (line {questions[original].line}): marked as its duplicate; "
                                "the repeated paragraphs are recorded as a repeat, not as findings")
        kept.append({_paragraph_key(p.text) for p in question.paragraphs})
