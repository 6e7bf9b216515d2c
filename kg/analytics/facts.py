"""What the analyses read from a mapped dataset, as plain records, in a few pattern scans.

The derivation runs on the rdflib dataset before validation.  Walking it node by node (or
running a SPARQL query per force) would be slow at scale, so :func:`read_facts` scans each
predicate it needs once, keeps the objects in dictionaries keyed by subject, and joins
them in Python.  The analyses (``kg.analytics_*``) then work on these records only.

>>> from rdflib import Graph
>>> facts = read_facts(Graph())
>>> (facts.judgements, facts.statements)
([], [])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.namespaces import ID, PEEL, RDF, RDFS, SKOS

STATEMENT_CLASSES = {
    PEEL.Finding: "finding",
    PEEL.AreaForImprovement: "improvement",
    PEEL.CauseOfConcern: "concern",
    PEEL.Recommendation: "recommendation",
}


@dataclass(frozen=True)
class GradeInfo:
    """A level of a grading scale: its rank (higher is better) and the grades it maps to."""

    iri: URIRef
    label: str
    rank: int
    scheme: URIRef | None
    matches: frozenset[URIRef] = frozenset()  # skos:closeMatch / skos:exactMatch, either direction


@dataclass(frozen=True)
class JudgementFact:
    iri: URIRef
    force: URIRef
    year: int
    pillar: URIRef
    number: int  # the question's number within its year and pillar (0: the headline question)
    question: URIRef
    grade: URIRef | None


@dataclass(frozen=True)
class StatementFact:
    iri: URIRef
    kind: str  # finding, improvement, concern or recommendation
    force: URIRef
    year: int | None
    text: str
    themes: frozenset[URIRef]
    mentions: frozenset[URIRef]


@dataclass
class Facts:
    judgements: list[JudgementFact] = field(default_factory=list)
    statements: list[StatementFact] = field(default_factory=list)
    grades: dict[URIRef, GradeInfo] = field(default_factory=dict)
    labels: dict[URIRef, str] = field(default_factory=dict)  # short, human names (altLabel, else label)
    judgement_graphs: set[URIRef] = field(default_factory=set)  # named graphs the judgements came from
    statement_graphs: set[URIRef] = field(default_factory=set)

    def label(self, iri: URIRef) -> str:
        """A name to show for ``iri``: its label, else the last segment of the IRI."""
        return self.labels.get(iri) or str(iri).rstrip("/").rsplit("/", 1)[-1]


def _scan(source: Graph, predicate: URIRef, obj: Node | None = None) -> Iterator[tuple[Node, Node, Node | None]]:
    """(subject, object, graph name) of every statement with ``predicate`` in any graph of ``source``."""
    if isinstance(source, Dataset):
        for s, _p, o, g in source.quads((None, predicate, obj, None)):
            yield s, o, (g.identifier if isinstance(g, Graph) else g)
    else:
        for s, _p, o in source.triples((None, predicate, obj)):
            yield s, o, None


def _one(source: Graph, predicate: URIRef) -> dict[Node, Node]:
    values: dict[Node, Node] = {}
    for s, o, _g in _scan(source, predicate):
        values.setdefault(s, o)
    return values


def _many(source: Graph, predicate: URIRef) -> dict[Node, set[Node]]:
    values: dict[Node, set[Node]] = defaultdict(set)
    for s, o, _g in _scan(source, predicate):
        values[s].add(o)
    return values


def _int(value: Node | None) -> int | None:
    if isinstance(value, Literal):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    return None


def _labels(source: Graph) -> dict[URIRef, str]:
    """rdfs:label, overridden by skos:prefLabel, and for forces by their short name (skos:altLabel)."""
    labels: dict[URIRef, str] = {}
    forces = {s for s, _o, _g in _scan(source, RDF.type, PEEL.Force)}
    for predicate in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        chosen: dict[URIRef, str] = {}
        for s, o, _g in _scan(source, predicate):
            if not isinstance(s, URIRef) or not isinstance(o, Literal):
                continue
            if predicate == SKOS.altLabel and s not in forces:
                continue
            text = str(o)
            if s not in chosen or (len(text), text) < (len(chosen[s]), chosen[s]):
                chosen[s] = text  # the shortest of several, deterministically
        labels.update(chosen)
    return labels


def _grades(source: Graph, labels: dict[URIRef, str]) -> dict[URIRef, GradeInfo]:
    ranks = _one(source, PEEL.rank)
    schemes = _one(source, SKOS.inScheme)
    matches: dict[Node, set[Node]] = defaultdict(set)
    for predicate in (SKOS.closeMatch, SKOS.exactMatch):
        for s, o, _g in _scan(source, predicate):
            matches[s].add(o)
            matches[o].add(s)
    grades: dict[URIRef, GradeInfo] = {}
    for iri, _o, _g in _scan(source, RDF.type, PEEL.Grade):
        rank = _int(ranks.get(iri))
        if not isinstance(iri, URIRef) or rank is None:
            continue
        scheme = schemes.get(iri)
        grades[iri] = GradeInfo(
            iri, labels.get(iri, str(iri)), rank, scheme if isinstance(scheme, URIRef) else None,
            frozenset(m for m in matches.get(iri, ()) if isinstance(m, URIRef)),
        )
    return grades


def read_facts(source: Graph) -> Facts:
    """The judgements, statements, grades and labels of ``source`` (a Dataset: all its graphs)."""
    facts = Facts(labels=_labels(source))
    facts.grades = _grades(source, facts.labels)
    force, year, pillar = _one(source, PEEL.force), _one(source, PEEL.year), _one(source, PEEL.pillar)
    question, number, grade = _one(source, PEEL.question), _one(source, PEEL.questionNumber), _one(source, PEEL.grade)
    for iri, _o, graph in _scan(source, RDF.type, PEEL.Judgement):
        q, f, p, y = question.get(iri), force.get(iri), pillar.get(iri), _int(year.get(iri))
        n = _int(number.get(q)) if q is not None else None
        if not isinstance(iri, URIRef) or not isinstance(f, URIRef) or not isinstance(p, URIRef):
            continue
        if not isinstance(q, URIRef) or y is None or n is None:
            continue
        g = grade.get(iri)
        facts.judgements.append(JudgementFact(iri, f, y, p, n, q, g if isinstance(g, URIRef) else None))
        if isinstance(graph, URIRef):
            facts.judgement_graphs.add(graph)
    facts.judgements.sort(key=lambda j: str(j.iri))
    seen: set[URIRef] = set()
    text, inspection = _one(source, PEEL.text), _one(source, PEEL.inspection)
    themes, mentions = _many(source, PEEL.theme), _many(source, PEEL.mentions)
    for cls, kind in STATEMENT_CLASSES.items():
        for iri, _o, graph in _scan(source, RDF.type, cls):
            f, t = force.get(iri), text.get(iri)
            if not isinstance(iri, URIRef) or iri in seen or not isinstance(f, URIRef) or not isinstance(t, Literal):
                continue
            seen.add(iri)
            held_by = inspection.get(iri)
            y = _int(year.get(held_by)) if held_by is not None else None
            facts.statements.append(StatementFact(
                iri, kind, f, y, str(t),
                frozenset(x for x in themes.get(iri, ()) if isinstance(x, URIRef)),
                frozenset(x for x in mentions.get(iri, ()) if isinstance(x, URIRef)),
            ))
            if isinstance(graph, URIRef):
                facts.statement_graphs.add(graph)
    facts.statements.sort(key=lambda s: str(s.iri))
    return facts


def local_name(iri: URIRef) -> str:
    """The path of an IRI minted here, below ``/id/`` (``force/norfolk``); else the whole IRI.

    >>> local_name(URIRef("https://w3id.org/peelkg/id/force/norfolk"))
    'force/norfolk'
    """
    text = str(iri)
    return text[len(str(ID)):] if text.startswith(str(ID)) else text


def slug_of(iri: URIRef) -> str:
    """The last path segment of an IRI (``norfolk`` for a force).

    >>> slug_of(URIRef("https://w3id.org/peelkg/id/pillar/efficiency"))
    'efficiency'
    """
    return str(iri).rstrip("/").rsplit("/", 1)[-1]
