"""The served dataset description against the official DCAT-AP 3.0.1 SHACL shapes: mandatory,
recommended and range shapes each report nothing (pySHACL, no inference, one file at a time,
as the shapes' README says).

The shapes are the European Union's (CC-BY 4.0), outside this repository: set PEELKG_DCAT_AP_SHAPES
to their folder (by default the nearest ``shared/dcat-ap`` beside the checkout or above it). Where they
are not found and the variable is not set (a fresh clone on its own), these tests are skipped, saying
so; where the variable names a folder without them, they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import SH

from tests.web.support import fetch


def shapes_folder() -> Path:
    if "PEELKG_DCAT_AP_SHAPES" in os.environ:
        return Path(os.environ["PEELKG_DCAT_AP_SHAPES"])
    checkout = Path(__file__).resolve().parents[3]
    found = (p / "shared" / "dcat-ap" for p in checkout.parents)
    return next((f for f in found if f.is_dir()), checkout.parent / "shared" / "dcat-ap")


SHAPES = shapes_folder()


@pytest.fixture(scope="module")
def description(live_server: str) -> Graph:
    status, _, body = fetch(live_server, "/.well-known/void", {"Accept": "text/turtle"})
    assert status == 200
    return Graph().parse(data=body, format="turtle")


def findings(report: Graph) -> set[tuple[str, str]]:
    return {(str(report.value(r, SH.focusNode)).rsplit("/", 1)[-1],
             str(report.value(r, SH.resultPath)).rsplit("#", 1)[-1].rsplit("/", 1)[-1])
            for r in report.subjects(None, SH.ValidationResult)}


SHAPE_SETS = {"mandatory": ("shapes.ttl", "imports.ttl"), "recommended": ("shapes_recommended.ttl",),
              "range": ("range.ttl",)}


def dcat_ap_findings(description: Graph, shapes: tuple[str, ...]) -> tuple[set[tuple[str, str]], str]:
    """What one set of the DCAT-AP 3.0.1 shape files finds in ``description``, and pySHACL's report text."""
    if not (SHAPES / shapes[0]).is_file():
        missing = f"the DCAT-AP 3.0.1 shapes are not at {SHAPES}"
        if "PEELKG_DCAT_AP_SHAPES" in os.environ:
            pytest.fail(missing)
        pytest.skip(f"{missing}: set PEELKG_DCAT_AP_SHAPES to the folder of the official shapes to run this")
    graph = Graph()
    for name in shapes:
        graph.parse(SHAPES / name, format="turtle")
    _conforms, report, text = validate(description, shacl_graph=graph, inference="none", allow_warnings=True)
    assert isinstance(report, Graph)
    return findings(report), text


@pytest.mark.parametrize("shapes", SHAPE_SETS.values(), ids=list(SHAPE_SETS))
def test_dcat_ap_shapes_report_nothing(description: Graph, shapes: tuple[str, ...]) -> None:
    found, text = dcat_ap_findings(description, shapes)
    assert found == set(), text
