"""What the graph says against what the sources say: counts that are not doubled, repeats that leave a trace."""

from __future__ import annotations

import pytest
from rdflib import Dataset, URIRef

from kg.build import Built, build_dataset, collect_inputs
from kg.namespaces import PEEL, RDF, report_iri
from kg.parser import parse_file
from tests.kg.test_parser import CORPUS


@pytest.fixture(scope="module")
def built() -> Built:
    return build_dataset(collect_inputs([]))


def graph_of(built: Built) -> Dataset:
    return built.dataset


def subjects(ds: Dataset, predicate: URIRef, obj: URIRef | None = None) -> list[URIRef]:
    return [s for s, _, _, _ in ds.quads((None, predicate, obj, None))]  # type: ignore[misc]


def value(ds: Dataset, subject: URIRef, predicate: URIRef) -> object:
    found = [o for _, _, o, _ in ds.quads((subject, predicate, None, None))]  # type: ignore[misc]
    assert len(found) == 1, (subject, predicate, found)
    return found[0]


def test_theme_is_on_statements_only_so_counts_are_not_doubled(built: Built) -> None:
    """Was: peel:theme on each statement and on its theme tag, so /themes and SPARQL counted twice."""
    ds = graph_of(built)
    carriers = set(subjects(ds, PEEL.theme))
    tags = set(subjects(ds, RDF.type, PEEL.ThemeTag))
    assert carriers and tags and not carriers & tags
    assert len(subjects(ds, PEEL.theme)) == len(subjects(ds, PEEL.taggedTheme)) == len(tags)


def test_repeated_section_is_recorded_with_its_span(built: Built) -> None:
    """Was: the specialist capabilities section's repeat of serious and organised crime left no trace."""
    ds = graph_of(built)
    report = parse_file(CORPUS)
    node = report_iri(2016, "norfolk", "effectiveness")
    duplicates = list(ds.quads((None, PEEL.duplicateOf, None, None)))  # type: ignore[misc]
    assert len(duplicates) == 1
    section, _, original, _ = duplicates[0]
    assert (str(section), str(original)) == (f"{node}#section-5", f"{node}#section-4")
    start = int(str(value(ds, section, PEEL.startOffset)))
    end = int(str(value(ds, section, PEEL.endOffset)))
    repeated = report.questions[5].repeated
    assert (start, end) == (repeated[0].start, repeated[-1].end) and len(repeated) == 4
    assert report.text[start:end].startswith("Norfolk and Suffolk constabularies work together")
    assert int(str(value(ds, section, PEEL.repeatedParagraphs))) == 4
    assert value(ds, section, PEEL.sourceReport) == URIRef(node)
