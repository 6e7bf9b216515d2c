"""The kinds of line a PEEL report page is made of: title, pillar, dates, question headings, section
headers, bullets, subheadings and notices in Welsh.

Lines are recognised on a *folded* copy of their text (curly quotes and odd dashes made plain) that has
the same length as the original, so a position found in the folded text is a position in the report.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

# Characters that only differ in form: folded one for one, so offsets stay valid.
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"',
                       "\u2010": "-", "\u2011": "-", "\u2012": "-"})
_SPACES = str.maketrans({c: " " for c in "\u00a0\u2007\u2009\u202f\u3000"})
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")


@dataclass(frozen=True)
class Line:
    """A line of the normalised report: ``text`` is its content without surrounding whitespace, and
    ``text == report_text[start:end]``; ``number`` is 1-based."""

    number: int
    start: int
    end: int
    text: str

    @property
    def folded(self) -> str:
        return fold(self.text)


def normalise(text: str) -> str:
    """The report text the parser's offsets index: NFC, LF line ends, plain spaces, no BOM or zero-width marks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub("", text).translate(_SPACES)


def fold(text: str) -> str:
    """Plain quotes and hyphens, same length: ``fold("force’s") == "force's"``."""
    return text.translate(_FOLD)


def split_lines(text: str) -> list[Line]:
    """Every line of ``text`` (blank ones with empty ``text``), with offsets of its stripped content.

    >>> text = "Title\\n\\n  - a point "
    >>> [(line.number, line.text, text[line.start:line.end]) for line in split_lines(text)]
    [(1, 'Title', 'Title'), (2, '', ''), (3, '- a point', '- a point')]
    """
    lines, offset = [], 0
    for number, raw in enumerate(text.split("\n"), start=1):
        lead = len(raw) - len(raw.lstrip())
        content = raw.strip()
        lines.append(Line(number, offset + lead, offset + lead + len(content), content))
        offset += len(raw) + 1
    return lines


_BULLET = re.compile(r"^(?:[-*\u2013\u2014]\s+|[\u2022\u00b7\u25aa\u25e6\u2043]\s*)")


def bullet(line: Line) -> Line | None:
    """The item of a bullet line ("- ", "• ", "* ", "– "), without its marker; None if not a bullet."""
    match = _BULLET.match(line.text)
    if not match:
        return None
    item = line.text[match.end():].lstrip()
    start = line.end - len(item)
    return replace(line, start=start, text=item)


_TITLE_LINKS = {"and", "of", "the", "&"}
_TITLE = re.compile(r"^(?P<force>[^\W\d_][\w '&.,()-]*?)\s*[-:,]?\s+PEEL\s+(?P<year>20\d\d)(?P<cycle>[/-]19)?$")


_OVERVIEW_TITLE = re.compile(r"^(?P<force>[^\W\d_][\w '&.,()-]*?)\s+(?P<year>20\d\d)(?:/\d\d)?$")


def title(text: str, *, overview: bool = False) -> tuple[str, int] | None:
    """``("Norfolk", 2016)`` from "Norfolk PEEL 2016" (or, with ``overview``, from a force overview page's
    "Norfolk 2016" / "Norfolk 2018/19"). The force is a name of at most six words ("Avon and Somerset",
    "City of London"); breadcrumbs ("Home > PEEL 2016") and sentences are not titles."""
    match = (_OVERVIEW_TITLE if overview else _TITLE).match(fold(text))
    words = match["force"].split() if match else []
    if overview and match and words[-1] == "PEEL":
        return None
    if not match or len(words) > 6 or not all(w[0].isupper() or w in _TITLE_LINKS for w in words):
        return None
    if not overview and match["cycle"] and match["year"] != "2018":
        return None  # "PEEL 2018/19" is the integrated assessment's title; no other year is written so
    return match["force"].strip(), int(match["year"])


def integrated_title(text: str) -> bool:
    """Whether a title line names the integrated assessment as a whole ("Norfolk PEEL 2018/19"), whose report
    holds every pillar, rather than one pillar's page of it ("Norfolk PEEL 2018").

    >>> integrated_title("Norfolk PEEL 2018/19"), integrated_title("Norfolk PEEL 2018")
    (True, False)
    """
    match = _TITLE.match(fold(text))
    return bool(match and match["cycle"] and title(text))


_PILLAR = re.compile(r"^(?:PEEL\s*[:-]?\s*)?(effectiveness|efficiency|legitimacy|leadership)(?:\s+20\d\d)?$", re.I)


def pillar_line(text: str) -> str | None:
    match = _PILLAR.match(fold(text))
    return match[1].capitalize() if match else None


def question_number(text: str) -> bool:
    """A line that is nothing but a small number: the site's numbering of the question below it."""
    return bool(re.fullmatch(r"\d{1,2}", text.strip()))


_QUESTIONS_FOR = re.compile(r"^questions\s+for\s+(effectiveness|efficiency|legitimacy|leadership)\s*:?$", re.I)


def questions_for(text: str) -> str | None:
    """The pillar of a site heading that introduces a page's core questions ("Questions for Leadership")."""
    match = _QUESTIONS_FOR.match(fold(text).strip())
    return match[1].capitalize() if match else None


# Headings of blocks the inspectorate's site puts on a report page that are not part of the report: each opens a
# block (its own question heading and paragraphs) that runs until the report's own text resumes.
SITE_BLOCKS = {"other inspections"}


def site_block(text: str) -> bool:
    """True for the heading of a block of site text ("Other inspections")."""
    return " ".join(fold(text).lower().split()) in SITE_BLOCKS


_ADDRESS_PILLAR = re.compile(r"/(effectiveness|efficiency|legitimacy|leadership)(?:/|\?|#|$)", re.I)


def pillar_from_address(url: str) -> str | None:
    """The pillar a report page's address names (".../peel-2016/norfolk/effectiveness/") or None."""
    found = {match.lower() for match in _ADDRESS_PILLAR.findall(url)}
    return found.pop().capitalize() if len(found) == 1 else None


_HOW_PILLAR = {"effective": "Effectiveness", "efficient": "Efficiency", "legitimate": "Legitimacy",
               "well led": "Leadership", "well-led": "Leadership"}
_PILLAR_WORD = re.compile(r"\b(effective|efficient|legitimate|well[ -]led)")


def infer_pillar(heading: str) -> str | None:
    """The pillar a headline question asks about: "How effective…" → Effectiveness, and so on."""
    text = " ".join(fold(heading).lower().split())
    match = re.match(r"how (effective|efficient|legitimate|well[ -]led)\b", text)
    if match:
        return _HOW_PILLAR[match[1]]
    found = {_HOW_PILLAR[w] for w in _PILLAR_WORD.findall(text)}
    return found.pop() if len(found) == 1 else None


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_UPDATED = re.compile(r"^(?:last|page)\s+updated\s*:?\s*(?:on\s+)?(?:(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-]"
                      r"(?P<year>\d{4}|\d\d)|(?P<wday>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mname>[a-z]+)\s+(?P<wyear>\d{4}))\.?$",
                      re.I)


def last_updated(text: str) -> str | None:
    """The date of a "Last updated dd/mm/yyyy" (or "Last updated 2 March 2017") line, ISO formatted;
    "" for such a line whose date does not exist; None for any other line."""
    match = _UPDATED.match(fold(text))
    if not match:
        return None
    try:
        if match["day"]:
            year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
            return date(year, int(match["month"]), int(match["day"])).isoformat()
        month = _MONTHS.index(match["mname"].lower()) + 1
        return date(int(match["wyear"]), month, int(match["wday"])).isoformat()
    except ValueError:  # no such day, or no such month name
        return ""


_QUESTION_START = re.compile(r"^(?:how|to what extent|in what ways?|what|which|why|who|where|when|is|are|does|do|"
                             r"did|has|have|can|could|will|should|would)\b", re.I)
_NUMBERING = re.compile(r"^(?:question\s+\d+\s*[:.]?|\d+(?:\.\d+)*[.)]?)\s+", re.I)
_INNER_SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s+[\"'(]?[A-Z]")


def question_heading(text: str) -> str | None:
    """The question if the line is a question heading: short, ends with "?", starts with a question word,
    no sentence before it. A leading number ("2. How…", "Question 2: How…") is dropped."""
    folded = fold(text)
    numbering = _NUMBERING.match(folded)
    cut = numbering.end() if numbering else 0
    question = folded[cut:]
    if len(question) >= 200 or not question.endswith("?") or not _QUESTION_START.match(question):
        return None
    if _INNER_SENTENCE_END.search(question[:-1]):
        return None
    return text[cut:]


SECTIONS = {"areas for improvement": "areas_for_improvement", "area for improvement": "areas_for_improvement",
            "causes of concern": "causes_of_concern", "cause of concern": "causes_of_concern",
            "recommendations": "recommendations", "recommendation": "recommendations"}


def section_header(text: str) -> str | None:
    """The Question field a header's items go to: "Areas for improvement" → ``areas_for_improvement``."""
    return SECTIONS.get(" ".join(fold(text).lower().rstrip(":").split()))


_KNOWN_SUBHEADINGS = {"summary", "overview", "findings", "key findings", "our findings", "main findings",
                      "introduction", "conclusion", "conclusions", "contents", "judgement", "our judgement",
                      "overall judgement", "overall summary", "what we found", "next steps", "about this report"}


def subheading(text: str) -> str | None:
    """``"known"`` for a section word ("Summary", "Findings"), ``"other"`` for another short line without
    final punctuation that starts with a capital ("Reducing crime and preventing offending"), else None."""
    folded = fold(text)
    words = folded.split()
    if not words or len(words) > 12 or len(folded) > 100 or folded[-1] in ".?!:;,\"'" or not folded[0].isupper():
        return None
    return "known" if " ".join(words).lower() in _KNOWN_SUBHEADINGS else "other"


_WELSH_WORDS = {"mae", "mae'r", "dudalen", "tudalen", "hon", "gael", "yn", "darllenwch", "adroddiad", "hwn", "yr",
                "fersiwn", "hefyd", "wedi", "gweld", "ewch", "cliciwch", "yma", "ar", "hafan", "heddlu"}
_WELSH_MARKERS = {"cymraeg", "gymraeg", "saesneg"}


def is_welsh(text: str) -> bool:
    """A notice in Welsh ("Mae'r dudalen hon ar gael yn Gymraeg") or a language switch ("English | Cymraeg")."""
    words = re.findall(r"[a-z']+", fold(text).lower())
    if _WELSH_MARKERS.intersection(words):
        return True
    welsh = sum(w in _WELSH_WORDS for w in words)
    return welsh >= 2 and welsh >= 0.4 * len(words)


def snippet(text: str, width: int = 60) -> str:
    """``text`` shortened for a message."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"

