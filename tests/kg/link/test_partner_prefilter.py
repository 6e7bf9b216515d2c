"""The substring prefilter of partner finding finds exactly what the regexes alone find."""

from __future__ import annotations

import pytest

from kg.link.partners import Mention, PartnerFinder, read_organisations
from kg.link.reference import read_forces
from kg.resources import corpus_dir, reference_dir


@pytest.fixture(scope="module")
def finder() -> PartnerFinder:
    return PartnerFinder(read_forces(reference_dir() / "forces.csv"),
                         read_organisations(reference_dir() / "organisations.csv"))


def _regexes_alone(finder: PartnerFinder, text: str, exclude_force: str | None = None) -> list[Mention]:
    hits = []
    for key, is_force, pattern, _needles in finder._patterns:
        match = pattern.search(text)
        if match and not (is_force and key == exclude_force):
            hits.append((match.start(), Mention(key, is_force, match.group(0))))
    return [m for _, m in sorted(hits, key=lambda h: (h[0], h[1].key))]


@pytest.mark.parametrize("text", [
    "Norfolk and Suffolk constabularies share a unit with the CPS and the local authority.",
    "It works with the Crown  Prosecution\nService and Essex Police.",  # whitespace varies
    "Avon & Somerset Constabulary and Devon and Cornwall Police",  # "&" for "and"
    "It works with the crown proſecution service.",  # long s: re.IGNORECASE equates it with s
    "\u212aent Police and the NHS",  # Kelvin sign: lower() gives k
    "Children’s services and the children's services department",
])
def test_prefilter_agrees_with_the_regexes(finder: PartnerFinder, text: str) -> None:
    assert finder.find(text) == _regexes_alone(finder, text)
    assert finder.find(text, exclude_force="norfolk") == _regexes_alone(finder, text, "norfolk")


def test_prefilter_finds_partners_on_the_bundled_report(finder: PartnerFinder) -> None:
    found = 0
    for paragraph in (corpus_dir() / "norfolk-2016-effectiveness.txt").read_text(encoding="utf-8").split("\n"):
        assert finder.find(paragraph) == _regexes_alone(finder, paragraph)
        found += len(finder.find(paragraph))
    assert found
