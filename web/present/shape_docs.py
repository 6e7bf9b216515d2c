"""Documentation of the SHACL shapes and of a release's validation report, read from their RDF.

``describe_shapes`` lists each node shape with its targets and its constraints (a property
shape's path and every SHACL parameter it sets; a SPARQL constraint's message and query);
``summarise_validation`` groups the results of a validation report by severity, shape,
path and message, with a count and the first few focus nodes of each group.

https://www.w3.org/TR/shacl/#shapes and https://www.w3.org/TR/shacl/#validation-report
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import DamagedRelease
from kg.namespaces import DCTERMS, OWL, RDF, RDFS, SH, SHAPES
from kg.release.definitions import Term, bind_prefixes, node_text, term, text_of

SEVERITY_ORDER = ("Violation", "Warning", "Info")
EXAMPLES = 10  # focus nodes shown per group of validation results
_NOT_PARAMETERS = {SH.path, SH.message, SH.severity, SH.name, SH.description, RDF.type, RDFS.label, RDFS.comment,
                   SH.property, SH.sparql, SH.targetClass, SH.target, SH.prefixes, SH.select, SH.order, SH.group}


def _severity(graph: Graph, node: Node) -> str:
    value = graph.value(node, SH.severity) or graph.value(node, SH.resultSeverity) or SH.Violation
    return str(value).rsplit("#", 1)[-1]


@dataclass
class Constraint:
    """One property shape or SPARQL constraint of a node shape."""

    term: Term | None  # named property shapes only
    path: str  # the property path, or "SPARQL" for a SPARQL constraint
    parameters: list[tuple[str, str]]  # (parameter, value), e.g. ("sh:minCount", "1")
    message: str
    severity: str
    query: str = ""


@dataclass
class NodeShapeDoc:
    term: Term
    label: str
    comment: str
    targets: list[Term | str]
    severity: str
    constraints: list[Constraint] = field(default_factory=list)


@dataclass
class ShapesDoc:
    iri: str
    title: str
    comment: str
    version: str
    shapes: list[NodeShapeDoc]

    @property
    def constraint_count(self) -> int:
        return sum(len(s.constraints) for s in self.shapes)


def _parameters(graph: Graph, node: Node) -> list[tuple[str, str]]:
    return sorted((node_text(graph, p), node_text(graph, o)) for p, o in graph.predicate_objects(node)
                  if p not in _NOT_PARAMETERS and str(p).startswith(str(SH)))


def _constraint(graph: Graph, node: Node) -> Constraint:
    path = graph.value(node, SH.path)
    return Constraint(
        term=term(graph, node) if isinstance(node, URIRef) else None,
        path=node_text(graph, path) if path is not None else "",
        parameters=_parameters(graph, node),
        message=text_of(graph, node, SH.message, SH.description),
        severity=_severity(graph, node),
    )


def _sparql(graph: Graph, node: Node) -> Constraint:
    return Constraint(term=None, path="SPARQL", parameters=[], message=text_of(graph, node, SH.message),
                      severity=_severity(graph, node), query=text_of(graph, node, SH.select).strip())


def describe_shapes(graph: Graph) -> ShapesDoc:
    """Every ``sh:NodeShape`` of ``graph`` with its targets and constraints, sorted by name."""
    shapes = []
    for node in sorted((s for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)), key=str):
        targets: list[Term | str] = [term(graph, c) for c in graph.objects(node, SH.targetClass)
                                     if isinstance(c, URIRef)]
        targets += ["nodes a SPARQL query selects" for _ in graph.objects(node, SH.target)]
        doc = NodeShapeDoc(term(graph, node), text_of(graph, node, RDFS.label, SH.name),
                           text_of(graph, node, RDFS.comment, SH.description), targets, _severity(graph, node))
        own = _parameters(graph, node)
        if own:
            doc.constraints.append(Constraint(None, "(the node itself)", own, text_of(graph, node, SH.message),
                                              doc.severity))
        doc.constraints += sorted((_constraint(graph, p) for p in graph.objects(node, SH.property)),
                                  key=lambda c: c.path)
        doc.constraints += [_sparql(graph, c) for c in graph.objects(node, SH.sparql)]
        shapes.append(doc)
    return ShapesDoc(str(SHAPES), text_of(graph, SHAPES, RDFS.label, DCTERMS.title),
                     text_of(graph, SHAPES, RDFS.comment), text_of(graph, SHAPES, OWL.versionInfo), shapes)


@dataclass
class ResultGroup:
    """Validation results with the same severity, shape, path and message."""

    severity: str
    shape: Term | None
    path: str
    message: str
    count: int = 0
    focus: list[Term] = field(default_factory=list)  # the first ``EXAMPLES`` focus nodes in IRI order


@dataclass
class ValidationSummary:
    conforms: bool
    counts: dict[str, int]  # severity → results
    groups: list[ResultGroup]


def summarise_validation(report: Graph) -> ValidationSummary:
    """Group the results of a SHACL validation report; violations first, then warnings, then infos.

    Raises DamagedRelease unless ``report`` holds exactly one ``sh:ValidationReport`` with a boolean
    ``sh:conforms``: an emptied or cut report must not read as "no results"."""
    reports = list(report.subjects(RDF.type, SH.ValidationReport))
    conforms = report.value(reports[0], SH.conforms) if len(reports) == 1 else None
    if not isinstance(conforms, Literal) or not isinstance(conforms.toPython(), bool):
        raise DamagedRelease("this release's validation report (validation.ttl) is empty or damaged: "
                             "it cannot say whether the data conforms; rebuild the release")
    bind_prefixes(report)
    groups: dict[tuple[str, str, str, str], ResultGroup] = {}
    counts: dict[str, int] = defaultdict(int)
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = _severity(report, result)
        shape, path = report.value(result, SH.sourceShape), report.value(result, SH.resultPath)
        message = text_of(report, result, SH.resultMessage)
        key = (severity, str(shape), str(path), message)
        if key not in groups:
            groups[key] = ResultGroup(severity, term(report, shape) if isinstance(shape, URIRef) else None,
                                      node_text(report, path) if path is not None else "", message)
        group = groups[key]
        group.count += 1
        counts[severity] += 1
        focus = report.value(result, SH.focusNode)
        if isinstance(focus, URIRef):
            group.focus.append(term(report, focus))
    for group in groups.values():  # the first in IRI order, not in the report's (arbitrary) order of results
        group.focus = sorted(group.focus, key=lambda t: t.iri)[:EXAMPLES]

    def order(g: ResultGroup) -> tuple[int, int, str]:
        rank = SEVERITY_ORDER.index(g.severity) if g.severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
        return rank, -g.count, g.message

    # A release conforms when it has no violation; the report's own sh:conforms is stricter
    # (SHACL §3.6.1: false beside any result, warnings included).
    return ValidationSummary(counts["Violation"] == 0, dict(counts), sorted(groups.values(), key=order))


__all__ = ["Constraint", "NodeShapeDoc", "ResultGroup", "ShapesDoc", "ValidationSummary", "describe_shapes",
           "summarise_validation"]
