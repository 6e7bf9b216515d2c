"""A force's overview page for one year ("Norfolk 2016"): one sentence per pillar giving its grade.

These pages are not reports (no questions, no findings); they state a year's pillar grades, which belong with
the reference grades. :func:`parse_overview` reads them so that ``peelkg parse`` has output for every page with
a title; the build refuses them with a message saying where their grades go.
"""

from __future__ import annotations

import re

from kg.model import ParseWarning, PillarGrade, Report
from kg.parse import judgement_text as jt
from kg.parse import report_lines as rl

_PILLAR_WORDS = {"effective": "Effectiveness", "efficient": "Efficiency", "legitimate": "Legitimacy"}
# "The extent to which the constabulary is efficient at keeping people safe … is good."
# "the extent to which the force operates efficiently and sustainably is outstanding."
# "the efficiency with which the force carries out its responsibilities is outstanding" (2014)
_EXTENT = re.compile(r"^(?:the\s+extent\s+to\s+which\s+[^.]*?\b(?P<word>effective|efficient|legitimate)(?:ly)?\b"
                     r"|in\s+terms\s+of\s+its\s+(?P<noun2>effectiveness)|the\s+(?P<noun>efficiency|legitimacy)\s+"
                     r"with\s+which)[^.]*?(?:\bis:?\s+|\s(?=requires\s))(?P<grade>outstanding|good|inadequate|"
                     r"requires\s+improvement|not\s+yet\s+graded|to\s+be\s+graded)\s*[.;]?(?:\s*and)?$", re.I)
# ("… reducing crime requires improvement.": the 2015 pages drop the "is" before that grade)
_NOUNS = {"efficiency": "Efficiency", "legitimacy": "Legitimacy", "effectiveness": "Effectiveness"}


def pillar_grade(text: str) -> tuple[str, str | None] | None:
    """(pillar, grade or None) of an overview sentence, else None.

    >>> pillar_grade("The extent to which the constabulary is efficient at keeping people safe is good.")
    ('Efficiency', 'Good')
    >>> pillar_grade("The extent to which the constabulary is effective at reducing crime: not yet graded.")
    ('Effectiveness', None)
    >>> pillar_grade("The extent to which Anyshire Police is effective at keeping people safe requires improvement.")
    ('Effectiveness', 'Requires improvement')
    >>> pillar_grade("The force is good at investigating offending.") is None
    True
    """
    folded = " ".join(rl.fold(text).split()).replace(": not yet graded", " is not yet graded")
    match = _EXTENT.match(folded)
    if not match:
        return None
    pillar = _PILLAR_WORDS[match["word"].lower()] if match["word"] else _NOUNS[(match["noun"] or "").lower()]
    words = " ".join(match["grade"].lower().split())
    return pillar, None if words.endswith("graded") else jt.grade_label(words)


def parse_overview(lines: list[rl.Line], text: str, path: str) -> Report | None:
    """The overview page's report (no pillar, no questions, its pillar grades), or None if it is not one."""
    titled = next(((i, found) for i, line in enumerate(lines) if (found := rl.title(line.text, overview=True))), None)
    if titled is None:
        return None
    index, (force, year) = titled
    line = lines[index]
    grades, warnings = [], [ParseWarning(line.number, "a force overview page, not a report: its pillar grades are "
                                                      "read, nothing else")]
    for later in lines[index + 1:]:
        graded = pillar_grade(later.text)
        if graded is not None:
            grades.append(PillarGrade(graded[0], graded[1], later.number))
    if not grades:
        return None
    report = Report(force=force, force_name=jt.find_force_name(text, force), year=year, pillar=None, text=text,
                    path=path, kind="overview", pillar_grades=grades)
    report.warnings = warnings
    return report
