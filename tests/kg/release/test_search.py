"""The full-text index: what it holds, how it ranks, and that user text is never FTS5 syntax."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import BadQuery
from kg.namespaces import ANALYTICS_GRAPH, ID, PEEL, RDF, RDFS, REFERENCE_GRAPH, SKOS
from kg.release.layout import Release
from kg.release.search import INDEX_FILE, MAX_QUERY_CHARS, build_index, iris, match_expression, search, types
from kg.store.loaded import LoadedStore

EX_GRAPH = "https://w3id.org/peelkg/graph/report/2016/testshire/effectiveness"


def quad(s: str, p: object, o: ox.NamedNode | ox.Literal, graph: str = str(REFERENCE_GRAPH)) -> ox.Quad:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(str(p)), o, ox.NamedNode(graph))


def iri(path: str) -> str:
    return str(ID[path])


@pytest.fixture()
def index(tmp_path: Path) -> Path:
    """An index over a tiny in-memory store: a force, a theme, an area for improvement, a derived figure."""
    store = ox.Store()
    force, theme = iri("force/testshire"), iri("theme/backlogs")
    afi = iri("improvement/2016/testshire/effectiveness/2/1")
    inspection = iri("inspection/2016/testshire/effectiveness")
    store.extend([
        quad(force, RDF.type, ox.NamedNode(str(PEEL.Force))),
        quad(force, RDFS.label, ox.Literal("Testshire Constabulary")),
        quad(force, SKOS.altLabel, ox.Literal("Testshire")),
        quad(theme, RDF.type, ox.NamedNode(str(PEEL.Theme))),
        quad(theme, SKOS.prefLabel, ox.Literal("Crime backlogs", language="en")),
        quad(inspection, RDF.type, ox.NamedNode(str(PEEL.Inspection))),
        quad(inspection, RDFS.label, ox.Literal("Testshire 2016 effectiveness inspection")),
        quad(afi, RDF.type, ox.NamedNode(str(PEEL.AreaForImprovement)), EX_GRAPH),
        quad(afi, PEEL.text, ox.Literal("The force should reduce the backlog of crimes awaiting closure."), EX_GRAPH),
        quad(afi, PEEL.inspection, ox.NamedNode(inspection), EX_GRAPH),
        quad(afi + "#theme-backlogs", RDF.type, ox.NamedNode(str(PEEL.ThemeTag)), EX_GRAPH),
        quad(iri("similarity/force/testshire/1"), RDF.type, ox.NamedNode(str(PEEL.ForceSimilarity)),
             str(ANALYTICS_GRAPH)),
        quad(iri("similarity/force/testshire/1"), RDFS.label, ox.Literal("Testshire is like Exampleshire"),
             str(ANALYTICS_GRAPH)),
        quad(str(PEEL.AreaForImprovement), RDFS.label, ox.Literal("Area for improvement", language="en")),
        quad(str(PEEL.AreaForImprovement), RDF.type, ox.NamedNode("http://www.w3.org/2002/07/owl#Class")),
    ])
    path = tmp_path / INDEX_FILE
    assert build_index(LoadedStore(store), path) == 4
    return path


def test_index_holds_minted_entities_but_not_fragments_or_derived_figures(index: Path) -> None:
    assert iris(index) == sorted([iri("force/testshire"), iri("theme/backlogs"),
                                  iri("improvement/2016/testshire/effectiveness/2/1"),
                                  iri("inspection/2016/testshire/effectiveness")])
    assert types(index) == {"AreaForImprovement": "Area for improvement", "Force": "Force",
                            "Inspection": "Inspection", "Theme": "Theme"}


def test_a_statement_is_labelled_by_its_kind_and_inspection(index: Path) -> None:
    hit = search(index, "closure").hits[0]
    assert hit.label == "Area for improvement, Testshire 2016 effectiveness inspection"
    assert hit.url == "/doc/improvement/2016/testshire/effectiveness/2/1"
    assert ("backlog", True) not in hit.snippet and ("closure", True) in hit.snippet


def test_a_label_match_outranks_a_text_match_and_stems_match(index: Path) -> None:
    results = search(index, "backlog")
    assert [h.type for h in results.hits] == ["Theme", "AreaForImprovement"]
    assert results.total == 2


def test_every_word_must_match(index: Path) -> None:
    assert search(index, "testshire constabulary").total == 1
    assert search(index, "testshire backlog").total == 1  # the label of the area for improvement names the force
    assert search(index, "constabulary backlog").total == 0


def test_prefix_search_completes_labels_only(index: Path) -> None:
    assert [h.label for h in search(index, "tests", prefix=True).hits] == [
        "Testshire Constabulary", "Testshire 2016 effectiveness inspection",
        "Area for improvement, Testshire 2016 effectiveness inspection"]  # shorter labels first
    assert search(index, "clos", prefix=True).total == 0  # "closure" is in a text, not a label
    assert search(index, "tests").total == 0  # no prefix matching outside autocomplete


def test_a_misspelt_word_finds_the_label_word_it_resembles(index: Path) -> None:
    results = search(index, "testshyre constabulary")
    assert results.corrected == "testshire constabulary"
    assert [h.label for h in results.hits] == ["Testshire Constabulary"]
    assert search(index, "testshyre constab", prefix=True).hits[0].label == "Testshire Constabulary"
    assert search(index, "testshire").corrected is None  # a query that matches is searched as typed
    assert search(index, "zzzzzzzz").total == 0  # nothing close: still no hits, and no correction offered
    assert search(index, "zzzzzzzz").corrected is None


def test_type_filter_limit_and_offset(index: Path) -> None:
    assert [h.type for h in search(index, "testshire", type="Force").hits] == ["Force"]
    first, second = search(index, "testshire", limit=1), search(index, "testshire", limit=1, offset=1)
    assert first.total == second.total == 3 and first.hits[0].iri != second.hits[0].iri


@pytest.mark.parametrize("text", [
    '"', '""', "*", "backlog*", "NEAR(backlog crimes)", "backlog OR", "AND", "NOT backlog", "^backlog", "label:backlog",
    "{label}:backlog", "-backlog", "backlog + crimes", "(backlog", "backlog)", "'; DROP TABLE entry; --", "\x00",
    "b\u00e4cklog", "\ue000", "🙂",
])
def test_hostile_text_is_searched_for_never_parsed(index: Path, text: str) -> None:
    results = search(index, text)  # must not raise
    assert results.total == len(results.hits)


def test_operators_are_plain_words(index: Path) -> None:
    assert search(index, "backlog OR testshire").total == 0  # OR is a word to find, not an operator
    assert search(index, '"reduce the backlog"').total == 1
    assert search(index, '"backlog the reduce"').total == 0


def test_match_expression_quotes_every_word() -> None:
    assert match_expression('a "b c" d*', prefix=False) == '"a" "b c" "d"'
    assert match_expression("anti-social", prefix=True) == '"anti social"*'
    assert match_expression("  ", prefix=False) == ""


def test_too_long_or_too_wordy_text_is_a_bad_query(index: Path) -> None:
    with pytest.raises(BadQuery):
        search(index, "a" * (MAX_QUERY_CHARS + 1))
    with pytest.raises(BadQuery):
        search(index, " ".join(["word"] * 13))


def test_a_release_without_an_index_answers_503(tmp_path: Path) -> None:
    with pytest.raises(BadQuery) as caught:
        search(tmp_path / INDEX_FILE, "norfolk")
    assert caught.value.status == 503


def test_the_bundled_release_finds_norfolk_and_backlog(release: Release) -> None:
    index = release.path / INDEX_FILE
    assert search(index, "Norfolk").hits[0].url == "/doc/force/norfolk"
    assert search(index, "norf", prefix=True).hits[0].url == "/doc/force/norfolk"
    backlog = search(index, "backlog", type="AreaForImprovement")
    assert [h.url for h in backlog.hits] == ["/doc/improvement/2016/norfolk/effectiveness/2/1"]
    assert release.manifest["search"]["entries"] == len(iris(index))
