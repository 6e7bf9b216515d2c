"""The vocabularies as the pipeline uses them: ontology files, question index, theme labels.

Loaded from ``ontology/*.ttl`` (package data) once per build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from kg.namespaces import PEEL, RDF, SKOS, slugify
from kg.resources import ontology_dir

SHAPES_FILE = "shapes.ttl"


def normalise_label(text: str) -> str:
    """Case-, apostrophe- and space-insensitive form used to compare headings with labels.

    >>> normalise_label("How effective are the force’s  specialist capabilities? ")
    "how effective are the force's specialist capabilities"
    """
    text = text.replace("’", "'").replace("‘", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().rstrip("?").strip().lower()


def vocabulary_files(folder: Path | None = None) -> list[Path]:
    """The ontology and SKOS scheme files (everything in ``ontology/`` but the shapes)."""
    folder = folder or ontology_dir()
    return sorted(p for p in folder.glob("*.ttl") if p.name != SHAPES_FILE)


def shapes_file(folder: Path | None = None) -> Path:
    return (folder or ontology_dir()) / SHAPES_FILE


def load_graph(files: list[Path]) -> Graph:
    """Parse the files into one graph whose blank nodes get canonical labels, so that
    dumps of the same inputs are identical from one build to the next."""
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    canonical = Graph()
    for triple in to_canonical_graph(graph):
        canonical.add(triple)
    return canonical


@dataclass(frozen=True)
class QuestionEntry:
    iri: URIRef
    year: int
    pillar: str  # slug
    number: int
    label: str


class Vocabulary:
    """Read-only view of the vocabulary graph with the look-ups the mapping needs."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    @classmethod
    def load(cls) -> Vocabulary:
        return cls(load_graph(vocabulary_files()))

    @cached_property
    def questions(self) -> dict[tuple[int, str], list[QuestionEntry]]:
        """Questions of 2014–2017 by (year, pillar slug), in number order (a later cycle's are in
        :attr:`cycle_questions`)."""
        return self._questions(cycle=None)

    @cached_property
    def cycle_questions(self) -> dict[tuple[int, str], list[QuestionEntry]]:
        """Questions of a later cycle with pillars (PEEL 2018/19) by (first year, pillar slug), in number order."""
        return self._questions(cycle=True)

    def _questions(self, *, cycle: bool | None) -> dict[tuple[int, str], list[QuestionEntry]]:
        index: dict[tuple[int, str], list[QuestionEntry]] = {}
        for q in self.graph.subjects(RDF.type, PEEL.Question):
            assert isinstance(q, URIRef)
            if (self.graph.value(q, PEEL.cycle) is not None) != bool(cycle):
                continue
            year, number = self.graph.value(q, PEEL.year), self.graph.value(q, PEEL.questionNumber)
            pillar, label = self.graph.value(q, PEEL.pillar), self.graph.value(q, SKOS.prefLabel)
            if year is None or number is None or pillar is None or label is None:
                continue
            slug = str(pillar).rsplit("/", 1)[-1]
            entry = QuestionEntry(q, int(str(year)), slug, int(str(number)), str(label))
            index.setdefault((entry.year, slug), []).append(entry)
        for entries in index.values():
            entries.sort(key=lambda e: e.number)
        return index

    def question_labels(self, iri: URIRef) -> list[str]:
        return [str(v) for p in (SKOS.prefLabel, SKOS.altLabel) for v in self.graph.objects(iri, p)]

    def find_question(self, year: int, pillar: str, heading: str, *, cycle: bool = False) -> QuestionEntry | None:
        """The question of that year (with ``cycle``, of the later cycle starting that year) and pillar whose
        label (pref or alt) matches the heading."""
        wanted = normalise_label(heading)
        for entry in (self.cycle_questions if cycle else self.questions).get((year, slugify(pillar)), []):
            if any(normalise_label(label) == wanted for label in self.question_labels(entry.iri)):
                return entry
        return None

    @cached_property
    def theme_labels(self) -> list[tuple[URIRef, str]]:
        """(theme, label) pairs for tagging: every prefLabel and altLabel of every theme."""
        pairs: list[tuple[URIRef, str]] = []
        for theme in self.graph.subjects(RDF.type, PEEL.Theme):
            assert isinstance(theme, URIRef)
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in self.graph.objects(theme, prop):
                    if isinstance(label, Literal):
                        pairs.append((theme, str(label)))
        return sorted(set(pairs))

    @cached_property
    def theme_cues(self) -> list[tuple[URIRef, str]]:
        """(theme, cue) pairs for tagging: each ``peel:textCue``, a regular expression matched in a sentence."""
        return sorted((theme, str(cue)) for theme, cue in self.graph.subject_objects(PEEL.textCue)
                      if isinstance(theme, URIRef) and isinstance(cue, Literal))

    def label(self, iri: URIRef) -> str:
        value = self.graph.value(iri, SKOS.prefLabel)
        return str(value) if value is not None else str(iri)
