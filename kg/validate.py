"""SHACL validation with pySHACL: a violation stops a release; warnings are reported.

https://www.w3.org/TR/shacl/#validation-report
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph

from .namespaces import SH
from .vocab import shapes_file


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
    ``sh:Info`` results are counted and reported but do not stop a release.
    """
    shapes = shapes if shapes is not None else load_shapes()
    _conforms, report_graph, report_text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,  # no defensive copy: callers pass a graph made for validation (the union)
    )
    assert isinstance(report_graph, Graph) and isinstance(report_text, str)
    counts = {str(SH.Violation): 0, str(SH.Warning): 0, str(SH.Info): 0}
    for severity in report_graph.objects(None, SH.resultSeverity):
        if str(severity) in counts:
            counts[str(severity)] += 1
    return ValidationOutcome(
        conforms=counts[str(SH.Violation)] == 0,
        violations=counts[str(SH.Violation)],
        warnings=counts[str(SH.Warning)],
        infos=counts[str(SH.Info)],
        report_graph=report_graph,
        report_text=report_text,
    )
