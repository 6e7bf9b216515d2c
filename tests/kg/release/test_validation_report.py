"""The published SHACL validation report says ``sh:conforms true`` only when it holds no result
(SHACL §3.6.1, https://www.w3.org/TR/shacl/#conforms), while warnings still do not stop a release."""

from __future__ import annotations

from rdflib import RDF, Graph, Literal
from rdflib.namespace import SH

from kg.release.layout import Release
from kg.release.publish import VALIDATION_TTL
from kg.release.validate import _spec_conforms


def test_the_release_report_with_warnings_does_not_say_it_conforms(release: Release) -> None:
    report = Graph().parse(release.path / VALIDATION_TTL, format="turtle")
    results = set(report.subjects(RDF.type, SH.ValidationResult))
    assert results, "the bundled data has warnings; without any this test proves nothing"
    assert all(r == SH.Warning or r == SH.Info for r in report.objects(None, SH.resultSeverity))
    assert set(report.objects(None, SH.conforms)) == {Literal(False)}


def test_a_report_without_results_conforms() -> None:
    report = Graph()
    node = report.resource("urn:report")
    report.add((node.identifier, RDF.type, SH.ValidationReport))
    report.add((node.identifier, SH.conforms, Literal(False)))
    _spec_conforms(report)
    assert set(report.objects(None, SH.conforms)) == {Literal(True)}
