"""SHACL validation with pySHACL: a violation stops a release; warnings are reported.

https://www.w3.org/TR/shacl/#validation-report
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Literal

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


def _spec_conforms(report: Graph) -> None:
    """Set the report's ``sh:conforms`` as SHACL §3.6.1 defines it: true iff it has no results.

    pySHACL with ``allow_warnings`` says true beside warnings, which a reader of the report
    (or another tool) takes for "no results".
    https://www.w3.org/TR/shacl/#conforms
    """
    has_results = next(report.subjects(RDF.type, SH.ValidationResult), None) is not None
    for node in list(report.subjects(RDF.type, SH.ValidationReport)):
        report.set((node, SH.conforms, Literal(not has_results)))
