"""What the graph says against what the sources say: counts that are not doubled, repeats that leave a trace."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef

from kg.errors import InputError
from kg.link.themes import ThemeTagger
from kg.namespaces import DCTERMS, PEEL, RDF, grade_iri, judgement_iri, report_iri, theme_iri
from kg.parse.parser import parse_file
from kg.release.build import Built, build_dataset, collect_inputs
from kg.resources import corpus_dir, reference_dir
from kg.vocab import Vocabulary
from tests.kg.parse.test_parser import CORPUS


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
    parts = {o for _, _, o, _ in ds.quads((URIRef(node), DCTERMS.hasPart, None, None))}  # type: ignore[misc]
    assert parts == {section, original}  # hash IRIs of the report: its page and documents include them


def test_a_disagreeing_source_is_its_own_claim_and_not_a_source_of_the_judgement(tmp_path: Path) -> None:
    """Was: the disagreeing reference row's address became a dcterms:source of the report's judgement."""
    bundled = (reference_dir() / "peel_grades.csv").read_text(encoding="utf-8")
    other = "https://example.org/second-hand/norfolk-2016"
    question = "How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?"
    row = f'Norfolk,2016,Effectiveness,"{question}",Good,{other}'
    (tmp_path / "peel_grades.csv").write_text(f"{bundled.rstrip()}\n{row}\n", encoding="utf-8")
    built = build_dataset(collect_inputs([corpus_dir(), tmp_path / "peel_grades.csv"]))
    ds = built.dataset
    judgement = URIRef(str(judgement_iri(2016, "norfolk", "effectiveness", 1)))
    assert value(ds, judgement, PEEL.grade) == URIRef(str(grade_iri("outstanding")))
    cited = {str(o) for _, _, o, _ in ds.quads((judgement, DCTERMS.source, None, None))}  # type: ignore[misc]
    assert other not in cited and cited
    (claim,) = subjects(ds, PEEL.conflictsWith, judgement)
    assert value(ds, judgement, PEEL.conflictingClaim) == claim  # a hash IRI the judgement's page shows
    assert str(claim) == f"{judgement}#claim-1"
    assert str(value(ds, claim, DCTERMS.source)) == other
    assert value(ds, claim, PEEL.claimedGrade) == URIRef(str(grade_iri("good")))
    assert any("conflicting claim" in str(n) for n in built.notices)


EVALUATED = ("force-collaboration", "partnership-working", "offender-management")
THEME_FIXTURE = Path(__file__).parents[1] / "fixtures" / "themes" / "statements.csv"


def precision_recall(tagger: ThemeTagger) -> dict[str, tuple[float, float]]:
    """Per evaluated theme: (precision, recall) of the tagger on the labelled statements of every generation."""
    with THEME_FIXTURE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    scores = {}
    for slug in EVALUATED:
        theme = URIRef(str(theme_iri(slug)))
        tagged = {i for i, row in enumerate(rows) if any(m.theme == theme for m in tagger.tag(row["text"]))}
        truth = {i for i, row in enumerate(rows) if slug in row["themes"].split()}
        hits = len(tagged & truth)
        scores[slug] = (hits / len(tagged) if tagged else 1.0, hits / len(truth))
    return scores


def test_theme_tagging_from_ideas_has_precision_and_recall_on_several_generations() -> None:
    """Was: labels only, which miss forces working together, organisations brought together and managing
    criminals by conditions on their dealings (recall measured below both ways)."""
    vocab = Vocabulary.load()
    labels_only = precision_recall(ThemeTagger(vocab.theme_labels))
    with_cues = precision_recall(ThemeTagger(vocab.theme_labels, cues=vocab.theme_cues))
    for slug in EVALUATED:
        assert with_cues[slug][1] > labels_only[slug][1], (slug, labels_only[slug], with_cues[slug])
        assert with_cues[slug][0] >= 0.85 and with_cues[slug][1] >= 0.85, (slug, with_cues[slug])


def test_the_corpus_sentences_the_labels_missed_are_tagged() -> None:
    vocab = Vocabulary.load()
    tagger = ThemeTagger(vocab.theme_labels, cues=vocab.theme_cues)
    report = parse_file(CORPUS)
    texts = [p.text for q in report.questions for p in q.paragraphs]

    def themes_of(start: str) -> set[str]:
        text = next(t for t in texts if t.startswith(start))
        return {str(m.theme).rsplit("/", 1)[-1] for m in tagger.tag(text)}

    assert "force-collaboration" in themes_of("Norfolk and Suffolk constabularies work together")
    assert "offender-management" in themes_of("The force actively manages criminals")


def test_partner_organisations_cite_the_pages_that_name_them(built: Built) -> None:
    """Was: a partner organisation carried no source at all."""
    ds = built.dataset
    partners = subjects(ds, RDF.type, PEEL.PartnerOrganisation)
    assert partners
    page = "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2016/norfolk/effectiveness/"
    for partner in partners:
        sources = {str(o) for _, _, o, _ in ds.quads((partner, DCTERMS.source, None, None))}  # type: ignore[misc]
        assert sources == {page}, partner


EXTRA = Path(__file__).parents[1] / "fixtures" / "extra_corpus"


def test_adding_to_the_bundled_corpus_and_replacing_it_are_two_choices() -> None:
    """Was: INPUT always replaced the bundled corpus, with no way to add to it."""
    bundled = sorted(p.name for p in corpus_dir().glob("*.txt"))
    replaced = collect_inputs([EXTRA])
    added = collect_inputs([EXTRA], add_to_corpus=True)
    assert [p.name for p in replaced.reports] == ["norfolk-2017-efficiency.txt"]
    assert sorted(p.name for p in added.reports) == sorted([*bundled, "norfolk-2017-efficiency.txt"])


def test_build_add_keeps_the_bundled_report_and_says_nothing_replace_is_noted(peelkg: object, tmp_path: Path) -> None:
    run = peelkg  # the console script (tests/conftest.py)
    added = run("build", str(EXTRA), "--add", "--quiet", "--out", str(tmp_path / "added"))  # type: ignore[operator]
    assert added.returncode == 0, added.stderr
    assert "replace the bundled corpus" not in added.stderr
    graphs = run("query", "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <https://w3id.org/peelkg/def/peel#Report> }",  # type: ignore[operator]
                 "--data", str(tmp_path / "added"), "--format", "csv")
    assert graphs.stdout.split()[-1] == "2", graphs.stdout
    implicit = run("build", str(EXTRA), "--quiet", "--out", str(tmp_path / "implicit"))  # type: ignore[operator]
    assert implicit.returncode == 0, implicit.stderr
    assert "replace the bundled corpus" in implicit.stderr and "--add" in implicit.stderr


def test_the_build_refuses_an_overview_page_saying_where_its_grades_go(tmp_path: Path) -> None:
    page = Path(__file__).parents[1] / "fixtures" / "reports" / "force_overview.txt"
    (tmp_path / "wessex-2017.txt").write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "reports.csv").write_text("file,force,year,pillar,source_url,published\nwessex-2017.txt,Norfolk,"
                                          "2017,Efficiency,https://example.org/peel-2017/wessex/,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"overview page, not a report.*peel_grades\.csv"):
        build_dataset(collect_inputs([tmp_path]))
