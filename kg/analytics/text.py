"""Similar areas for improvement across forces and years: TF-IDF cosine, in pure Python.

Each area for improvement becomes a TF-IDF vector over its words:

- words: lower-cased runs of letters, apostrophes dropped, English function words and the
  words every area for improvement uses (``STOPWORDS``) removed, words shorter than three
  letters removed, a plural ``-s``/``-ies`` folded (``crimes`` → ``crime``);
- ``tf = 1 + ln(count)``, ``idf = ln((1 + N) / (1 + df)) + 1`` (N areas for improvement,
  df the number containing the word), the vector scaled to length 1.

Two areas for improvement are similar when the cosine of their vectors is at least
``THRESHOLD`` and they come from different forces or different years (one report's own
items are not "other forces asked to do the same").  Each keeps its ``MAX_SIMILAR`` best.

The search is exact but avoids comparing every pair: a vector's most common words whose
weights' squares sum to less than ``THRESHOLD²`` cannot make two vectors reach the threshold
alone, so only pairs sharing one of the other words are compared (the *prefix filtering* of
all-pairs similarity search, Bayardo et al., 2007).

>>> words("The force should reduce the backlog of crimes awaiting closure.")
['reduce', 'backlog', 'crime', 'awaiting', 'closure']
>>> vectors = tfidf([["backlog", "crime"], ["backlog", "crime"], ["victim", "care"]])
>>> round(dot(vectors[0], vectors[1]), 4), dot(vectors[0], vectors[2])
(1.0, 0.0)
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import URIRef

from kg.analytics.facts import StatementFact

THRESHOLD = 0.5
MAX_SIMILAR = 5
MIN_LENGTH = 3

STOPWORDS = frozenset("""
about above after again against all also and any are because been before being below between both but can
could did does doing down during each few for from further had has have having here how into its itself more
most much must need needs not now off once only other our out over own same should so some such than that the
their them then there these they this those through too under until upon very was were what when where which
while who whom why will with within would you your force forces force's ensure ensures make makes
""".split())  # noqa: SIM905 - a word list reads best as text

Vector = dict[str, float]


@dataclass(frozen=True)
class SimilarPair:
    improvement: URIRef
    other: URIRef
    rank: int  # 1 for the most similar of ``improvement``'s list
    score: float


def _fold(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The words of ``text`` that count, in order (see the module's description)."""
    text = text.lower().replace("’", "").replace("'", "")
    return [_fold(w) for w in re.findall(r"[a-z]+", text) if len(w) >= MIN_LENGTH and w not in STOPWORDS]


def tfidf(documents: list[list[str]]) -> list[Vector]:
    """Unit-length TF-IDF vectors of tokenised documents (an empty document gives an empty vector)."""
    n = len(documents)
    df: Counter[str] = Counter(w for doc in documents for w in set(doc))
    vectors: list[Vector] = []
    for doc in documents:
        weights = {w: (1.0 + math.log(c)) * (math.log((1 + n) / (1 + df[w])) + 1.0) for w, c in Counter(doc).items()}
        norm = math.sqrt(sum(v * v for v in weights.values()))
        vectors.append({w: v / norm for w, v in weights.items()} if norm else {})
    return vectors


def dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def similar_documents(
    vectors: list[Vector],
    threshold: float,
    comparable: Callable[[int, int], bool],
) -> dict[tuple[int, int], float]:
    """Every pair ``(i, j)``, ``i < j``, with ``dot >= threshold`` and ``comparable(i, j)``.

    Exact: see the module's note on prefix filtering.  For each ``i``, the products over its
    kept words are accumulated from the postings of later documents; a candidate whose sum
    plus the norm of ``i``'s dropped part stays below the threshold cannot reach it, and
    the others get their exact cosine.
    """
    df: Counter[str] = Counter(w for v in vectors for w in v)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for word, weight in vector.items():
            postings[word].append((i, weight))
    floor = threshold - 1e-12
    found: dict[tuple[int, int], float] = {}
    for i, vector in enumerate(vectors):
        # Most common words first: drop them while their squared weights stay below threshold².
        ordered = sorted(vector, key=lambda w: (-df[w], w))
        dropped, cut = 0.0, 0
        while cut < len(ordered) and dropped + vector[ordered[cut]] ** 2 < threshold * threshold:
            dropped += vector[ordered[cut]] ** 2
            cut += 1
        slack = math.sqrt(dropped)
        partial: dict[int, float] = defaultdict(float)
        for word in ordered[cut:]:
            weight = vector[word]
            for j, other in postings[word]:
                if j > i:
                    partial[j] += weight * other
        for j, score in partial.items():
            if score + slack < floor or not comparable(i, j):
                continue
            if cut:
                target = vectors[j]
                score += sum(vector[w] * target.get(w, 0.0) for w in ordered[:cut])
            if score >= floor:
                found[(i, j)] = score
    return found


def similar_improvements(
    statements: list[StatementFact], threshold: float = THRESHOLD, keep: int = MAX_SIMILAR
) -> list[SimilarPair]:
    """For each area for improvement, its most similar ones of other forces or other years."""
    items = sorted((s for s in statements if s.kind == "improvement"), key=lambda s: str(s.iri))
    vectors = tfidf([words(s.text) for s in items])

    def comparable(i: int, j: int) -> bool:
        a, b = items[i], items[j]
        return a.force != b.force or a.year != b.year

    lists: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (i, j), score in similar_documents(vectors, threshold, comparable).items():
        lists[i].append((score, j))
        lists[j].append((score, i))
    pairs: list[SimilarPair] = []
    for i in sorted(lists):
        ranked = sorted(lists[i], key=lambda c: (-round(c[0], 9), str(items[c[1]].iri)))[:keep]
        for rank, (score, j) in enumerate(ranked, start=1):
            pairs.append(SimilarPair(items[i].iri, items[j].iri, rank, min(score, 1.0)))
    return pairs

