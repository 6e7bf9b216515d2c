"""Tag report statements with themes from the SKOS theme scheme.

A theme matches when one of its labels occurs in the text as whole words, ignoring case
and the kind of apostrophe, or when one of its cues (``peel:textCue``: a regular expression for
the idea, not one report's phrase) matches within one sentence.  Each tag records the label, or
the words a cue matched, so a reader can see why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef


@dataclass(frozen=True)
class ThemeMatch:
    theme: URIRef
    label: str  # the label as the vocabulary spells it
    start: int  # where it matched in the text


def _apostrophes(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'")


_SENTENCE = re.compile(r"[^.!?;]+")

# The only characters that re.IGNORECASE equates with an ASCII letter although str.lower() does not
# map them to it (dotted and dotless i, long s; checked over every code point): a text holding one
# skips the prefilter of ``ThemeTagger.tag``.
_FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f")


class ThemeTagger:
    """Compiled matcher for a list of (theme, label) pairs and (theme, cue) pairs.

    >>> t = ThemeTagger([(URIRef("t:da"), "domestic abuse"), (URIRef("t:cl"), "Clare's Law")])
    >>> [(str(m.theme), m.label) for m in t.tag("Victims of Domestic Abuse and Clare’s Law cases")]
    [('t:da', 'domestic abuse'), ('t:cl', "Clare's Law")]
    >>> t.tag("domestic abusers")
    []
    >>> c = ThemeTagger([], cues=[(URIRef("t:fc"), r"\\bconstabularies\\b.*\\bwork\\s+together")])
    >>> [(str(m.theme), m.label) for m in c.tag("Two constabularies work together. They work well.")]
    [('t:fc', 'constabularies work together')]
    """

    def __init__(self, labels: list[tuple[URIRef, str]], *, cues: Sequence[tuple[URIRef, str]] = ()) -> None:
        # Longest labels first, so "serious and organised crime" wins over "organised crime"
        # for the record of which label matched.
        ordered = sorted(labels, key=lambda pair: (-len(pair[1]), pair[1]))
        self._patterns = [
            (theme, label, re.compile(r"(?<!\w)" + re.escape(_apostrophes(label)) + r"(?!\w)", re.IGNORECASE),
             _apostrophes(label).lower() if label.isascii() else None)
            for theme, label in ordered
            if label.strip()
        ]
        self._cues = [(theme, re.compile(cue, re.IGNORECASE)) for theme, cue in sorted(cues)]

    def tag(self, text: str) -> list[ThemeMatch]:
        """One match per theme (its longest matching label), in order of first appearance.

        A label whose lower-case form is not in the lower-cased text cannot match, so its regex
        is not run (exact for ASCII labels: see ``_FOLDS_TO_ASCII``).

        >>> t = ThemeTagger([(URIRef("t:k"), "knife crime")])
        >>> [[m.label for m in t.tag(text)] for text in ("KNIFE CRIME rose", "\u212anife cri\u017fe", "kni\u017fe")]
        [['knife crime'], [], []]
        >>> [[m.label for m in t.tag(text)] for text in ("\u212anife crime", "\u212aNIFE CRIME")]
        [['knife crime'], ['knife crime']]
        """
        haystack = _apostrophes(text)
        lowered = haystack.lower() if _FOLDS_TO_ASCII.isdisjoint(haystack) else None
        found: dict[URIRef, ThemeMatch] = {}
        for theme, label, pattern, needle in self._patterns:
            if theme in found:
                continue
            if lowered is not None and needle is not None and needle not in lowered:
                continue
            match = pattern.search(haystack)
            if match:
                found[theme] = ThemeMatch(theme, label, match.start())
        for theme, cue in self._cues:
            if theme in found:
                continue
            for sentence in _SENTENCE.finditer(haystack):
                hit = cue.search(sentence[0])
                if hit:
                    found[theme] = ThemeMatch(theme, " ".join(hit[0].split()), sentence.start() + hit.start())
                    break
        return sorted(found.values(), key=lambda m: (m.start, str(m.theme)))
