"""Recognising a grade the report states: a bare grade line under a question heading ("Good",
"Grade: Requires improvement") or a judgement sentence ("Norfolk Constabulary is good at investigating crime").

A judgement sentence needs the judging construction: the force as its subject (its name, "the force",
"the constabulary"), a judging verb phrase ("is", "requires", "has been assessed as", "is judged to be",
"HMIC judges that … is"), a grade word, and a boundary after it ("at", "in", "overall", punctuation).
So "a good understanding of", "good links with", "knowledge levels among officers are good" or
"it is good at" are not judgements. A possessive subject ("the force's approach to …") counts with an
explicit judging verb ("is judged to be inadequate"), or when what it names is what the question asks
("Anyshire Police's approach to investigating crime … requires improvement" under the investigating
question). Sentences about an earlier year are ignored.

>>> [j.grade for j in find_judgements("Overall, the force is good at keeping people safe.", "Anyshire", 2016)]
['Good']
>>> find_judgements("The force has a good understanding of its communities.", "Anyshire", 2016)
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.parse.report_lines import fold

_LABELS = {"outstanding": "Outstanding", "good": "Good", "inadequate": "Inadequate"}
_SUFFIX = r"(?:Constabulary|Police\s+Service|Police\s+Force|Police)(?!\s+(?i:and\s+crime|federation|authority)\b)"

_BARE_GRADE = re.compile(r"^(?:(?:overall\s+)?(?:grade|judgement|rating)\s*[:-]?\s*)?"
                         r"(outstanding|good|requires\s+improvement|inadequate)\s*\.?$", re.I)
_NOT_INSPECTED = re.compile(r"^(?:(?:this|the)\s+(?:question|area|aspect|part|section|pillar)\s+"
                            r"(?:was|has|is|were|have)\s+)?not\s+(?:been\s+)?inspected\s+(?:in|during)\s+20\d\d\b",
                            re.I)


@dataclass(frozen=True)
class Judgement:
    """A grade stated by a sentence; ``name`` is the force's official name when the sentence's subject is one."""

    grade: str
    name: str | None
    sentence: str
    topic: str = ""  # what the sentence grades: the words after the grade ("at investigating crime")


def grade_label(words: str) -> str:
    """The model's label of a grade as the text writes it: "requiring improvement" → "Requires improvement"."""
    plain = " ".join(words.lower().split())
    return "Requires improvement" if plain.endswith("improvement") else _LABELS[plain]


def bare_grade(text: str) -> str | None:
    """The grade of a line that is nothing but a grade: "Good", "GOOD", "Grade: Requires improvement"."""
    match = _BARE_GRADE.match(fold(text).strip())
    return grade_label(match[1]) if match else None


def not_inspected(text: str) -> bool:
    """"This question was not inspected in 2017": the earlier judgement stands."""
    return bool(_NOT_INSPECTED.match(fold(text).strip()))


@lru_cache(maxsize=64)
def _judgement_pattern(force: str) -> re.Pattern[str]:
    short = r"\s+".join(re.escape(word) for word in force.split())
    subject = (rf"(?:the\s+)?(?P<name>{short}(?:\s+{_SUFFIX})?)"
               r"|(?:the|this)\s+(?:force|constabulary|police\s+force|police\s+service)")
    grade = r"['\"]?(?P<{}>outstanding|good|inadequate|requir(?:es|ing)\s+improvement)['\"]?"
    predicates = "|".join((
        r"(?:is|was|remains|continues\s+to\s+be)\s+(?:(?:currently|still|now|overall|again|also|therefore)\s+)?"
        r"(?P<plain>outstanding|good|inadequate)",
        r"(?:still\s+|continues\s+to\s+)?(?P<requires>requires?|required)\s+improvement",
        r"(?:(?:is|was|has\s+been|have\s+been|had\s+been)\s+)?(?:assessed|judged|graded|rated|found)\s+"
        r"(?:as\s+(?:being\s+)?|to\s+be\s+)" + grade.format("judged"),
        r"(?:(?:is|was|has\s+been|had\s+been)\s+)?(?:assessed|judged|found)\s+to\s+(?P<torequire>require\s+improvement)",
        r"(?:to\s+be\s+|as\s+(?:being\s+)?)" + grade.format("object"),
        r"to\s+(?P<objrequire>require\s+improvement)",
    ))
    return re.compile(
        r"^(?:(?:overall|in\s+summary|in\s+conclusion|therefore)\s+|[^,;.]{1,60},\s+)?"
        r"(?P<judge>(?:HMIC|HMICFRS|HMI|the\s+inspectorate|we)\s+(?:has\s+|have\s+)?"
        r"(?:judges?|judged|assess(?:es|ed)?|finds?|found|considers?|considered|concludes?|concluded)\s+(?:that\s+)?)?"
        rf"(?:{subject})(?P<possessive>'s?\s+[^.;]{{1,120}}?)?\s+(?:{predicates})"
        r"(?=\s+(?:at|in|overall|and|but|for|because|as|when|with)\b|\s*[.,;:!)]|\s*$)",
        re.I,
    )


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z])")
_EARLIER = re.compile(r"\b(?:last\s+year|previous(?:ly)?|(?:19|20)\d\d)\b", re.I)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (folded)."""
    return [s for s in _SENTENCE_END.split(fold(text).strip()) if s]


def _about_earlier_year(sentence: str, year: int) -> bool:
    return any(not mention.isdigit() or int(mention) < year for mention in _EARLIER.findall(sentence))


def find_judgements(paragraph: str, force: str, year: int, heading: str | None = None) -> list[Judgement]:
    """The judgement sentences of a paragraph of a ``year`` report on ``force`` (its short name), in order;
    ``heading``: the question the paragraph is under, which a possessive subject may name.

    >>> text = "Anyshire Police's approach to investigating crime and reducing re-offending requires improvement."
    >>> [j.grade for j in find_judgements(text, "Anyshire", 2016, "How effective is the force at investigating "
    ...                                   "crime and reducing re-offending?")]
    ['Requires improvement']
    >>> find_judgements(text, "Anyshire", 2016, "How effective is the force at tackling serious and organised crime?")
    []
    """
    pattern = _judgement_pattern(force)
    found = []
    for sentence in sentences(paragraph):
        match = pattern.match(sentence)
        if not match or _about_earlier_year(sentence, year):
            continue
        groups = match.groupdict()
        if groups["possessive"] and not (groups["judged"] or groups["torequire"]) and not (
                heading is not None and _names_question(groups["possessive"], heading)):
            continue  # "the force's approach is good": "… is judged to be good" counts, or an approach to the question
        if (groups["object"] or groups["objrequire"]) and not groups["judge"]:
            continue  # "the force to be good" needs "HMIC judges …" before it
        words = next(groups[g] for g in ("plain", "requires", "judged", "torequire", "object", "objrequire")
                     if groups[g])
        grade = grade_label("requires improvement" if groups["requires"] else words)
        topic = sentence[match.end():].strip().rstrip(".!;:")
        found.append(Judgement(grade, official_name(groups["name"], force), sentence, topic))
    return found


_TOPIC_OPENERS = re.compile(r"^(?:at|in)\s+(?:the\s+way\s+(?:it|that\s+it)\s+)?", re.I)
_STOP_WORDS = {"the", "and", "how", "does", "force", "forces", "its", "it", "is", "are", "at", "in", "of", "to",
               "for", "with", "which", "what", "extent", "well", "effective", "effectively", "efficient",
               "efficiently", "legitimate", "respect", "that", "those", "who", "from", "their", "this", "by"}
TOPIC_SHARE = 0.5  # a judgement grades a question when more than this share of its topic words are the heading's


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", fold(text).lower().replace("re-", ""))
    return {word[:4] for word in words if len(word) > 2 and word not in _STOP_WORDS}


def _names_question(phrase: str, heading: str) -> bool:
    """Whether most words of a possessive phrase ("'s approach to investigating crime") are the heading's."""
    words = _stems(phrase) - {"appr"}  # "approach" names no topic
    return bool(words) and len(words & _stems(heading)) > TOPIC_SHARE * len(words)


def about_question(judgement: Judgement, heading: str) -> bool:
    """Whether a judgement sentence grades what ``heading`` asks: it names no topic ("… is good."), or most
    of its topic's words are the heading's. A summary of a page's core questions ("good at preventing crime
    and tackling anti-social behaviour") does not grade the headline question ("How effectively does the
    force reduce crime and keep people safe?").

    >>> j = find_judgements("Anyshire Police is good at preventing crime and tackling disorder.", "Anyshire", 2018)[0]
    >>> about_question(j, "How effectively does the force reduce crime and keep people safe?")
    False
    >>> about_question(j, "How effective is the force at preventing crime and tackling disorder?")
    True
    """
    topic = _stems(_TOPIC_OPENERS.sub("", judgement.topic))
    if not topic:
        return True
    return len(topic & _stems(heading)) > TOPIC_SHARE * len(topic)


def official_name(name: str | None, force: str) -> str | None:
    """``name`` if it is the force's official name ("Norfolk Constabulary"), not just its short name."""
    if not name:
        return None
    name = " ".join(name.split())
    return name if re.search(rf"\b{_SUFFIX}$", name, re.I) else None


def find_force_name(text: str, force: str) -> str | None:
    """The first "<force> Constabulary|Police|Police Service" in ``text``, or the short name if it is one."""
    short = r"\s+".join(re.escape(word) for word in force.split())
    match = re.search(rf"(?<!\w){short}\s+(?-i:{_SUFFIX})", fold(text), re.I)
    if match:
        return " ".join(match[0].split())
    return official_name(force, force)
