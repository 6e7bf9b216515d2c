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
            (theme, label, re.compile(r"(?<!\w)" + re.escape(_apostrophes(label)) + r"(?!\w)", re.IGNORECASE))
            for theme, label in ordered
            if label.strip()
        ]
        self._cues = [(theme, re.compile(cue, re.IGNORECASE)) for theme, cue in sorted(cues)]

    def tag(self, text: str) -> list[ThemeMatch]:
        """One match per theme (its longest matching label), in order of first appearance."""
        haystack = _apostrophes(text)
        found: dict[URIRef, ThemeMatch] = {}
        for theme, label, pattern in self._patterns:
            if theme in found:
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
