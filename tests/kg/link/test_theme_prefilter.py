"""The substring prefilter of theme tagging finds exactly what the regexes alone find."""

from __future__ import annotations

import re

import pytest
from rdflib import URIRef

from kg.link.themes import ThemeMatch, ThemeTagger, _apostrophes
from kg.resources import corpus_dir
from kg.vocab import Vocabulary


def _regexes_alone(labels: list[tuple[URIRef, str]], text: str) -> list[ThemeMatch]:
    found: dict[URIRef, ThemeMatch] = {}
    for theme, label in sorted(labels, key=lambda pair: (-len(pair[1]), pair[1])):
        pattern = re.compile(r"(?<!\w)" + re.escape(_apostrophes(label)) + r"(?!\w)", re.IGNORECASE)
        match = pattern.search(_apostrophes(text))
        if label.strip() and theme not in found and match:
            found[theme] = ThemeMatch(theme, label, match.start())
    return sorted(found.values(), key=lambda m: (m.start, str(m.theme)))


@pytest.mark.parametrize("text", [
    "Victims of ſexual abuse and DOMESTIC ABUSE",  # long s: re.IGNORECASE equates it with s
    "Kn\u0131fe crime and İnvestigations",  # dotless and dotted i
    "\u212anife crime",  # Kelvin sign: lower() gives k
    "Mental health, Clare’s Law and county lines",
])
def test_prefilter_agrees_with_the_regexes(text: str) -> None:
    labels = [(URIRef("t:sa"), "sexual abuse"), (URIRef("t:da"), "domestic abuse"), (URIRef("t:kc"), "knife crime"),
              (URIRef("t:inv"), "investigations"), (URIRef("t:cl"), "Clare's Law"), (URIRef("t:mh"), "mental health")]
    assert ThemeTagger(labels).tag(text) == _regexes_alone(labels, text)
    assert ThemeTagger(labels).tag(text)


def test_prefilter_agrees_on_the_bundled_report() -> None:
    labels = Vocabulary.load().theme_labels
    tagger = ThemeTagger(labels)
    for paragraph in (corpus_dir() / "norfolk-2016-effectiveness.txt").read_text(encoding="utf-8").split("\n"):
        assert tagger.tag(paragraph) == _regexes_alone(labels, paragraph)
