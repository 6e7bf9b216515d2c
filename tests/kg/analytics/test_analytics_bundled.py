"""The analytics of the bundled release: grade trajectories, similar forces, the canned queries."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from rdflib import Literal, URIRef

from kg.namespaces import ANALYTICS_GRAPH, OWL, PEEL, REFERENCE_GRAPH, SKOS, XSD, force_iri
from kg.query.canned import get_query
from kg.release.build import Inputs, build_dataset, collect_inputs
from kg.release.layout import Release
from kg.resources import reference_dir
from kg.store.local import LocalStore
from tests.conftest import run_peelkg


def test_the_release_holds_the_analytics_graph(release: Release) -> None:
    assert str(ANALYTICS_GRAPH) in release.manifest["graphs"]
    classes = release.manifest["classes"]
    assert classes[str(PEEL.GradeChange)] > 200 and classes[str(PEEL.ForceSimilarity)] == 43 * 5
    assert release.manifest["validation"]["conforms"] is True


def test_norfolk_efficiency_declined_from_2015_to_2016(store: LocalStore) -> None:
    rows = store.select(get_query("grade-changes").bind({"force": "norfolk"})).rows
    efficiency = [{k: str(v) for k, v in r.items()} for r in rows if str(r["pillar"]) == "Efficiency"]
    assert {"fromYear": "2015", "fromGrade": "Outstanding", "toYear": "2016", "toGrade": "Good",
            "change": "declined"}.items() <= efficiency[0].items()
    assert efficiency[1]["change"] == "stable"  # good in 2016 and 2017
    assert {str(r["force"]) for r in rows} == {"Norfolk Constabulary"}


def test_grade_changes_agree_with_the_judgements(store: LocalStore) -> None:
    """Every change row's direction follows from the two grades' ranks."""
    rank = {"Outstanding": 4, "Good": 3, "Requires improvement": 2, "Inadequate": 1}
    rows = store.select(get_query("grade-changes").text).rows
    assert len(rows) > 200
    for r in rows:
        difference = rank[str(r["toGrade"])] - rank[str(r["fromGrade"])]
        expected = "improved" if difference > 0 else "declined" if difference < 0 else "stable"
        assert str(r["change"]) == expected and int(r["toYear"]) > int(r["fromYear"])


def test_cli_grade_changes_and_similar_forces_for_norfolk(data_dir: Path) -> None:
    norfolk = ("--data", str(data_dir), "--param", "force=norfolk", "--format", "csv")
    changes = run_peelkg("query", "grade-changes", *norfolk)
    assert changes.returncode == 0, changes.stderr
    rows = list(csv.DictReader(io.StringIO(changes.stdout)))
    assert any(r["pillar"] == "Efficiency" and r["fromYear"] == "2015" and r["toYear"] == "2016"
               and r["change"] == "declined" for r in rows)
    similar = run_peelkg("query", "similar-forces", *norfolk)
    assert similar.returncode == 0, similar.stderr
    rows = list(csv.DictReader(io.StringIO(similar.stdout)))
    assert len(rows) >= 3 and all(r["force"] == "Norfolk Constabulary" for r in rows)
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    assert "Norfolk Constabulary" not in {r["similar"] for r in rows}


def test_similar_improvements_query_runs_and_names_its_columns(store: LocalStore) -> None:
    result = store.select(get_query("similar-improvements").bind({"force": "norfolk"}))
    assert result.variables == ["improvement", "text", "force", "similar", "similarText", "similarForce", "score"]
    # The bundled corpus holds one report: no area for improvement of another force or year to resemble.
    assert result.rows == []


def test_aliases_become_hidden_labels(store: LocalStore) -> None:
    rows = store.select("SELECT ?f ?label WHERE { ?f <http://www.w3.org/2004/02/skos/core#hiddenLabel> ?label }",
                        {"f": force_iri("metropolitan")}).rows
    assert {str(r["label"]) for r in rows} >= {"Met", "Met Police", "MPS"}


def test_a_wikidata_id_in_the_forces_table_links_the_force(tmp_path: Path) -> None:
    table = tmp_path / "forces.csv"
    shutil.copy(reference_dir() / "forces.csv", table)
    text = table.read_text(encoding="utf-8").replace(",E23000024,East,,", ",E23000024,East,Q99999999,")
    assert "Q99999999" in text  # the Norfolk row (a made-up id, with the companion table left out)
    table.write_text(text, encoding="utf-8")
    inputs = collect_inputs([])
    built = build_dataset(Inputs(reports=inputs.reports, forces=table, wikidata=None))
    reference = built.dataset.graph(REFERENCE_GRAPH)
    norfolk = force_iri("norfolk")
    assert (norfolk, PEEL.wikidataId, Literal("Q99999999", datatype=XSD.string)) in reference
    assert (norfolk, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q99999999")) in reference
    assert not list(reference.objects(force_iri("suffolk"), OWL.sameAs))
    assert not list(reference.objects(norfolk, SKOS.hiddenLabel))  # Norfolk has no alias
