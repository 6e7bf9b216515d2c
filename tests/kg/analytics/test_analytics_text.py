"""TF-IDF cosine of areas for improvement: the documented formula, the pairing rule, exactness."""

from __future__ import annotations

import math
import random

import pytest
from rdflib import URIRef

from kg.analytics.facts import StatementFact
from kg.analytics.text import THRESHOLD, dot, similar_documents, similar_improvements, tfidf, words


def improvement(name: str, force: str, year: int, text: str) -> StatementFact:
    return StatementFact(URIRef(f"x:{name}"), "improvement", URIRef(f"f:{force}"), year, text, frozenset(), frozenset())


def test_words_drop_function_words_and_fold_plurals() -> None:
    assert words("The force should ensure that victims' cases and inquiries are reviewed") == [
        "victim", "case", "inquiry", "reviewed"]


def test_cosine_follows_the_documented_weights() -> None:
    d0, d1, _d2 = tfidf([["backlog", "crime"], ["backlog", "victim"], ["victim", "care"]])
    common, rare = math.log(4 / 3) + 1, math.log(4 / 2) + 1  # idf of a word in 2 and in 1 of 3 documents
    expected = common * common / (math.hypot(common, rare) * math.hypot(common, common))
    assert dot(d0, d1) == pytest.approx(expected)
    assert round(expected, 4) == 0.428


def test_repeated_words_count_logarithmically() -> None:
    (vector, _other) = tfidf([["crime", "crime", "crime", "victim"], ["care"]])
    ratio = vector["crime"] / vector["victim"]
    assert ratio == pytest.approx(1 + math.log(3))


def test_pairs_come_from_other_forces_or_other_years() -> None:
    text = "The force should reduce the backlog of crimes awaiting closure"
    items = [
        improvement("a", "norfolk", 2016, text),
        improvement("b", "norfolk", 2016, text),    # same report: not "other forces asked the same"
        improvement("c", "norfolk", 2017, text),    # same force, another year
        improvement("d", "suffolk", 2016, text + " in its crime recording unit"),
        improvement("e", "kent", 2016, "Improve the care given to victims of domestic abuse"),
    ]
    pairs = {(p.improvement.split(":")[1], p.other.split(":")[1]) for p in similar_improvements(items)}
    assert ("a", "b") not in pairs and ("b", "a") not in pairs
    assert {("a", "c"), ("c", "a"), ("a", "d"), ("d", "a")} <= pairs
    assert not any("e" in pair for pair in pairs)
    scores = {(p.improvement.split(":")[1], p.other.split(":")[1]): p.score for p in similar_improvements(items)}
    assert scores[("a", "c")] == pytest.approx(1.0)
    assert THRESHOLD <= scores[("a", "d")] < 1.0


def test_each_improvement_keeps_its_best_few() -> None:
    items = [improvement(str(i), f"force{i}", 2016, "Reduce the backlog of crimes awaiting closure") for i in range(9)]
    pairs = similar_improvements(items, keep=3)
    assert len(pairs) == 9 * 3
    assert [p.rank for p in pairs if p.improvement == URIRef("x:0")] == [1, 2, 3]


def test_the_pruned_search_finds_exactly_what_comparing_every_pair_finds() -> None:
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(60)]
    documents = [[rng.choice(vocabulary[: rng.randint(5, 60)]) for _ in range(rng.randint(2, 12))] for _ in range(150)]
    vectors = tfidf(documents)
    for threshold in (0.3, 0.5, 0.8):
        brute = {(i, j) for i in range(len(vectors)) for j in range(i + 1, len(vectors))
                 if dot(vectors[i], vectors[j]) >= threshold - 1e-12}
        found = similar_documents(vectors, threshold, lambda i, j: True)
        assert set(found) == brute, threshold
        assert brute, "the random corpus should hold some similar pairs"
