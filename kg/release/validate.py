"""SHACL validation with pySHACL: a violation stops a release; warnings are reported.

https://www.w3.org/TR/shacl/#validation-report
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.term import Node

from kg.namespaces import SH
from kg.vocab import shapes_file


@dataclass(frozen=True)
class ValidationOutcome:
    conforms: bool
    violations: int
    warnings: int
    infos: int
    report_graph: Graph
    report_text: str


def load_shapes(path: Path | None = None) -> Graph:
    graph = Graph()
    graph.parse(path or shapes_file(), format="turtle")
    return graph


def validate_graph(data: Graph, shapes: Graph | None = None) -> ValidationOutcome:
    """Validate ``data`` (the union of all graphs, vocabularies included) against the shapes.

    ``data`` is validated in place (pySHACL adds nothing to it with inference off), so pass a
    graph built for the purpose, such as ``Built.union()``.

    ``conforms`` is False only for results of severity ``sh:Violation``; ``sh:Warning`` and
    ``sh:Info`` results are counted and reported but do not stop a release.  The report
    graph itself follows SHACL §3.6.1: its ``sh:conforms`` is true only when it holds no
    result at all, whatever their severity.

    The shapes are SHACL Core with SPARQL-based constraints; Advanced Features are off, so
    every shape means the same to any SHACL-SPARQL validator.
    """
    shapes = shapes if shapes is not None else load_shapes()
    _conforms, report_graph, report_text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        allow_warnings=True,
        inplace=True,  # no defensive copy: callers pass a graph made for validation (the union)
    )
    assert isinstance(report_graph, Graph) and isinstance(report_text, str)
    counts = {str(SH.Violation): 0, str(SH.Warning): 0, str(SH.Info): 0}
    for severity in report_graph.objects(None, SH.resultSeverity):
        if str(severity) in counts:
            counts[str(severity)] += 1
    _spec_conforms(report_graph)
    return ValidationOutcome(
        conforms=counts[str(SH.Violation)] == 0,
        violations=counts[str(SH.Violation)],
        warnings=counts[str(SH.Warning)],
        infos=counts[str(SH.Info)],
        report_graph=report_graph,
        report_text=report_text,
    )


def outcome_of(results: Graph, shapes: Graph) -> ValidationOutcome:
    """The outcome of a validation whose results (``sh:ValidationResult`` nodes) are in ``results``.

    Adds the report node (``sh:conforms`` as SHACL §3.6.1 defines it, one ``sh:result`` a result)
    and writes the report text (``report_text``). ``kg.release.partitioned`` puts its parts'
    results together with it.
    """
    report = BNode()
    results.add((report, RDF.type, SH.ValidationReport))
    for result in list(results.subjects(RDF.type, SH.ValidationResult)):
        results.add((report, SH.result, result))
    _spec_conforms(results)
    for prefix, namespace in shapes.namespaces():
        results.bind(prefix, namespace, override=False)
    counts = Counter(str(s) for s in results.objects(None, SH.resultSeverity))
    violations = counts[str(SH.Violation)]
    return ValidationOutcome(violations == 0, violations, counts[str(SH.Warning)], counts[str(SH.Info)], results,
                             report_text(results, conforms=violations == 0))


def report_text(report: Graph, *, conforms: bool) -> str:
    """The report as text, one block a result in a stable order (focus node, shape, path, value, message).

    The layout of pySHACL's own text; ``Conforms`` is false only when a result is a violation.
    """
    def show(node: Node | None) -> str:
        return "" if node is None else node.n3(report.namespace_manager)

    blocks = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        component = report.value(result, SH.sourceConstraintComponent)
        lines = [f"{'Constraint Violation' if severity == SH.Violation else 'Validation Result'} in "
                 f"{str(component).rsplit('#', 1)[-1]} ({component}):",
                 f"\tSeverity: {show(severity)}", f"\tSource Shape: {_shown_shape(report, result, show)}",
                 f"\tFocus Node: {show(report.value(result, SH.focusNode))}"]
        if (value := report.value(result, SH.value)) is not None:
            lines.append(f"\tValue Node: {show(value)}")
        if (path := report.value(result, SH.resultPath)) is not None:
            lines.append(f"\tResult Path: {_shown_path(report, path, show)}")
        lines += [f"\tMessage: {m}" for m in sorted(str(m) for m in report.objects(result, SH.resultMessage))]
        blocks.append("\n".join(lines) + "\n")
    blocks.sort(key=lambda block: block.split("\n", 2)[2] + block)
    head = f"Validation Report\nConforms: {conforms}\n"
    return head + (f"Results ({len(blocks)}):\n" + "".join(blocks) if blocks else "")  # pySHACL: no count of none


def _shown_shape(report: Graph, result: Node, show: Callable[[Node | None], str]) -> str:
    shape = report.value(result, SH.sourceShape)
    if isinstance(shape, BNode):  # an unnamed property shape: show its path
        return f"[ sh:path {_shown_path(report, report.value(shape, SH.path), show)} ]"
    return show(shape)


def _shown_path(report: Graph, path: Node | None, show: Callable[[Node | None], str]) -> str:
    if isinstance(path, BNode):
        if (inverse := report.value(path, SH.inversePath)) is not None:
            return f"[ sh:inversePath {show(inverse)} ]"
        if report.value(path, RDF.first) is not None:
            return "( " + " ".join(show(step) for step in Collection(report, path)) + " )"
    return show(path)


def _spec_conforms(report: Graph) -> None:
    """Set the report's ``sh:conforms`` as SHACL §3.6.1 defines it: true iff it has no results.

    pySHACL with ``allow_warnings`` says true beside warnings, which a reader of the report
    (or another tool) takes for "no results".
    https://www.w3.org/TR/shacl/#conforms
    """
    has_results = next(report.subjects(RDF.type, SH.ValidationResult), None) is not None
    for node in list(report.subjects(RDF.type, SH.ValidationReport)):
        report.set((node, SH.conforms, Literal(not has_results)))
