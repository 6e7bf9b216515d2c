"""Human labels for IRIs: what a person reads instead of an identifier.

A label comes from the data when it has one (``skos:prefLabel``, then ``rdfs:label``, then
``dcterms:title``; English or untagged), else from ``WELL_KNOWN`` (the terms of W3C and
community vocabularies the data reuses, ``kg.terms``), else it is made from the IRI itself by
:func:`fallback_label`.  :func:`fetch_texts` reads labels and definitions of many IRIs in one
query, the IRIs bound as its many values (``Store.select(…, values=…)``), never pasted into its text.

>>> fallback_label("https://w3id.org/peelkg/def/peel#startOffset")
'start offset'
>>> fallback_label("http://statistics.data.gov.uk/id/statistical-geography/E23000024")
'ONS area E23000024'
>>> WELL_KNOWN[str(SKOS.altLabel)]
'also known as'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from rdflib import Literal, URIRef

from kg.namespaces import BASE, DCTERMS, ONS_GEOGRAPHY, PEEL, POLICE_UK_FORCE, RDFS, SKOS
from kg.query.internal import internal_query
from kg.sparql.binding import bindable_iri
from kg.store.local import Store, Term
from kg.terms import WELL_KNOWN

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

# A statement quoted from a report has no label: the start of its text stands in for one.
LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, PEEL.text)
EXCERPT = 90
DEFINITION_PROPERTIES = (SKOS.definition, DCTERMS.description, RDFS.comment)

_CHUNK = 200


@dataclass(frozen=True)
class Texts:
    """The label and definition the data gives one IRI (either may be missing)."""

    label: str | None = None
    definition: str | None = None


def fallback_label(iri: str) -> str:
    """A readable name made from an IRI that has no label: a known pattern, else its last part in words."""
    for prefix, name in ((str(ONS_GEOGRAPHY), "ONS area"), (str(POLICE_UK_FORCE), "police.uk force"),
                         (WIKIDATA_ENTITY, "Wikidata item")):
        if iri.startswith(prefix) and len(iri) > len(prefix):
            return f"{name} {unquote(iri[len(prefix):])}"
    return _humanised(iri)


def _humanised(iri: str) -> str:
    local = unquote(re.split(r"[#/]", iri.rstrip("/#"))[-1]) if iri else iri
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("-", " ").replace("_", " ").strip()
    if not words:
        return iri
    return words if words[0].isupper() else words.lower()


def _rank(prop: str, value: Literal) -> tuple[int, int]:
    order = [str(p) for p in (*LABEL_PROPERTIES, *DEFINITION_PROPERTIES)]
    return (order.index(prop), 0 if not value.language else 1)


def fetch_texts(store: Store, iris: Iterable[str]) -> dict[str, Texts]:
    """Labels and definitions the store holds for ``iris`` (IRIs it has none for are left out, as are texts that
    cannot be IRIs: no store holds them)."""
    wanted = sorted({i for i in iris if i and bindable_iri(i)})
    found: dict[str, dict[str, tuple[tuple[int, int], str]]] = {}
    properties: list[Term] = [*LABEL_PROPERTIES, *DEFINITION_PROPERTIES]
    labels = {str(p) for p in LABEL_PROPERTIES}
    for start in range(0, len(wanted), _CHUNK):
        chunk: list[Term] = [URIRef(i) for i in wanted[start:start + _CHUNK]]
        for row in store.select(internal_query("label-texts"), values={"iri": chunk, "property": properties}):
            iri, prop, value = str(row["iri"]), str(row["property"]), row["value"]
            if not isinstance(value, Literal):
                continue
            slot = "label" if prop in labels else "definition"
            rank = _rank(prop, value)
            best = found.setdefault(iri, {}).get(slot)
            if best is None or rank < best[0] or (rank == best[0] and str(value) < best[1]):
                found[iri][slot] = (rank, excerpt(str(value)) if prop == str(PEEL.text) else str(value))
    return {iri: Texts(slots["label"][1] if "label" in slots else None,
                       slots["definition"][1] if "definition" in slots else None)
            for iri, slots in found.items()}


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """``text`` cut at a word boundary to about ``limit`` characters, with an ellipsis if cut.

    >>> excerpt("The force should reduce the backlog of crimes", 30)
    'The force should reduce the…'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def label_for(iri: str, texts: Mapping[str, Texts]) -> str:
    """The label of ``iri``: from the data, else a well-known term's, else :func:`fallback_label`."""
    known = texts.get(iri)
    if known is not None and known.label:
        return known.label
    return WELL_KNOWN.get(iri) or fallback_label(iri)


def value_text(iri: str, texts: Mapping[str, Texts]) -> str:
    """What a page shows for ``iri`` as a value: its label, or, for a web address elsewhere that
    has no label and no known pattern, the address itself (a person can read and follow it).

    A well-known term keeps its name even when that name is also what its IRI's last part reads as
    (regression: skos:Concept was shown as its raw address at the top of every theme and grade page):

    >>> value_text(str(SKOS.Concept), {})
    'Term'
    >>> value_text("https://example.org/things/Widget", {})
    'https://example.org/things/Widget'
    """
    label = label_for(iri, texts)
    if iri in WELL_KNOWN:
        return label
    if (label == fallback_label(iri) and not iri.startswith(BASE) and iri.startswith(("http://", "https://"))
            and label == _humanised(iri)):
        return iri
    return label
