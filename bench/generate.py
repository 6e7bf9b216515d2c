"""A seeded generator of PEEL-shaped inputs, built by peelkg itself into exactly what it publishes.

It writes report texts in the form the parser reads (title, pillar, question headings from the
project's own question scheme, a grade line under each, paragraphs, "Areas for improvement"
lists), their ``reports.csv``, a ``peel_grades.csv`` that agrees with the texts, and copies of
the bundled ``forces.csv`` and ``organisations.csv``.  Paragraphs mention themes (labels of the
theme scheme) and partner organisations (phrases of ``organisations.csv``), so tagging, partner
links, analytics, search and the SHACL shapes all have work to do.  ``peelkg build DIR`` turns
the folder into a release; the same seed and scale give the same files.

Scales (triples are approximate; ``python -m bench.generate --scale M --out DIR``):

    S   ~10k   6 forces × 2016 × effectiveness, 2 paragraphs a question
    M   ~200k  43 forces × 2014–2017 × every pillar with a question set (602 reports), 2 paragraphs
    L   ~2M    as M, with 22 paragraphs and up to 8 areas for improvement a question
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from kg.link.partners import read_organisations
from kg.link.reference import read_forces
from kg.model import GRADES
from kg.namespaces import slugify
from kg.release.build import FORCES_CSV, GRADES_CSV, ORGANISATIONS_CSV, REPORTS_CSV
from kg.resources import reference_dir
from kg.vocab import Vocabulary


@dataclass(frozen=True)
class Scale:
    name: str
    forces: int  # how many of the 43 forces (Norfolk always among them)
    years: tuple[int, ...]
    pillars: tuple[str, ...] | None  # None: every pillar the year has questions for
    paragraphs: int  # per question
    improvements: int  # areas for improvement per question (at most)


SCALES = {
    "S": Scale("S", 6, (2016,), ("effectiveness",), 2, 2),
    "M": Scale("M", 43, (2014, 2015, 2016, 2017), None, 2, 2),
    "L": Scale("L", 43, (2014, 2015, 2016, 2017), None, 22, 8),
}
SEED = 2016

_SUBJECTS = ("The force", "Officers and staff", "The control room", "Neighbourhood teams", "Senior leaders",
             "Investigators", "The force's analysts", "Frontline supervisors", "The public protection unit")
_VERBS = ("works closely with", "has improved how it works with", "shares information well with",
          "has agreed a joint plan with", "still needs to engage more with", "meets regularly with")
_TOPICS = ("to understand {theme}", "when dealing with {theme}", "to tackle {theme}", "on cases of {theme}",
           "to improve its response to {theme}", "on its approach to {theme}")
_OUTCOMES = ("Victims receive a consistent service.", "This is not yet consistent across the force.",
             "The arrangements are well understood by staff.", "Progress has been slower than planned.",
             "The force evaluates what works and shares good practice.", "Demand is rising in this area.")
_ACTIONS = ("review", "improve", "ensure the quality of", "develop", "monitor", "strengthen the oversight of")


def _grade(rng: random.Random) -> str:
    return rng.choices(GRADES, weights=(1, 6, 3, 1))[0]


def _paragraph(rng: random.Random, themes: list[str], partners: list[str], tag: str) -> str:
    theme, other, partner = rng.choice(themes), rng.choice(themes), rng.choice(partners)
    first = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} the {partner} {rng.choice(_TOPICS).format(theme=theme)}."
    second = f"In {tag}, work on {other} was examined in detail."
    return f"{first} {second} {rng.choice(_OUTCOMES)}"


def _improvement(rng: random.Random, themes: list[str], tag: str) -> str:
    return f"The force should {rng.choice(_ACTIONS)} its work on {rng.choice(themes)} ({tag})."


def generate(scale: Scale, out: Path, *, seed: int = SEED) -> dict[str, int]:
    """Write the inputs of ``scale`` into ``out`` (a new or empty folder); return what was written."""
    rng = random.Random(f"{seed}-{scale.name}")
    out.mkdir(parents=True, exist_ok=True)
    reference = reference_dir()
    for name in (FORCES_CSV, ORGANISATIONS_CSV):
        shutil.copyfile(reference / name, out / name)
    forces = read_forces(reference / FORCES_CSV)
    norfolk = next(f for f in forces if f.police_uk_id == "norfolk")
    chosen = [norfolk, *rng.sample([f for f in forces if f is not norfolk], scale.forces - 1)]
    vocab = Vocabulary.load()
    themes = sorted({label for _iri, label in vocab.theme_labels if label.islower() or " " in label})
    partners = sorted(p for org in read_organisations(reference / ORGANISATIONS_CSV) for p in org.phrases
                      if p.islower() and len(p) > 6)
    reports: list[list[str]] = []
    grades: list[list[str]] = []
    counts = {"reports": 0, "questions": 0, "paragraphs": 0, "improvements": 0}
    for year in scale.years:
        for (q_year, pillar), questions in sorted(vocab.questions.items()):
            if q_year != year or (scale.pillars is not None and pillar not in scale.pillars):
                continue
            for force in sorted(chosen, key=lambda f: f.police_uk_id):
                name = f"{force.police_uk_id}-{year}-{pillar}.txt"
                url = f"https://example.org/peel-{year}/{force.police_uk_id}/{pillar}/"
                lines = [f"{force.short_name} PEEL {year}", pillar.capitalize()]
                for question in questions:
                    grade = _grade(rng)
                    lines += [question.label, grade]
                    label = "overall" if question.number == 0 else question.label
                    grades.append([force.short_name, str(year), pillar.capitalize(), label, grade, url])
                    for k in range(scale.paragraphs):
                        tag = f"{force.short_name} {year} {pillar} question {question.number} part {k + 1}"
                        lines.append(_paragraph(rng, themes, partners, tag))
                    wanted = rng.randint(0, scale.improvements) if question.number else 0
                    if wanted:
                        lines.append("Areas for improvement")
                        for k in range(wanted):
                            tag = f"{force.short_name} {year}, question {question.number}, item {k + 1}"
                            lines.append("- " + _improvement(rng, themes, tag))
                    counts["questions"] += 1
                    counts["paragraphs"] += scale.paragraphs
                    counts["improvements"] += wanted
                (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
                reports.append([name, force.short_name, str(year), pillar.capitalize(), url, f"{year + 1}-03-02"])
                counts["reports"] += 1
    _write_csv(out / REPORTS_CSV, ["file", "force", "year", "pillar", "source_url", "published"], reports)
    _write_csv(out / GRADES_CSV, ["force_short_name", "year", "pillar", "question", "grade", "source_url"], grades)
    return counts


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description="Write seeded PEEL-shaped inputs for `peelkg build`.")
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    print(generate(SCALES[args.scale], args.out, seed=args.seed))


__all__ = ["SCALES", "Scale", "generate", "slugify"]

if __name__ == "__main__":
    main()
