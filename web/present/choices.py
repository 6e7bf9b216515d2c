"""The values a canned query's parameter can take, for forms that offer choices instead of free text.

Each parameter type (``force``, ``pillar``, ``theme``, ``grade``, ``organisation``, ``year``) has the values the
release holds, as (value to send, label to show) pairs, in label order (years newest first). The value is what
:meth:`kg.query.canned.Parameter.term` accepts: the identifier's last part, or the year.
"""

from __future__ import annotations

from kg.namespaces import sparql_prefixes
from kg.store.local import Store
from web.present.labels import fetch_texts, label_for

Choice = tuple[str, str]  # value, label

_OF_TYPE = {  # parameter type → the pattern that finds its entities (?e) — fixed text, chosen by key
    "force": "?e a peel:Force .",
    "pillar": "?j peel:pillar ?e .",
    "theme": "?e a peel:Theme .",
    "grade": "?j peel:grade ?e .",
    "organisation": "?e a peel:PartnerOrganisation .",
}
_YEARS = sparql_prefixes() + "SELECT DISTINCT ?year WHERE { ?i a peel:Inspection ; peel:year ?year }"


def choices(store: Store, kind: str) -> list[Choice]:
    """The values of parameter type ``kind`` in the release; empty for a type with no fixed set."""
    if kind == "year":
        years = sorted({int(str(r["year"])) for r in store.select(_YEARS)}, reverse=True)
        return [(str(y), str(y)) for y in years]
    if kind not in _OF_TYPE:
        return []
    rows = store.select(sparql_prefixes() + f"SELECT DISTINCT ?e WHERE {{ {_OF_TYPE[kind]} FILTER(isIRI(?e)) }}")
    iris = [str(r["e"]) for r in rows]
    texts = fetch_texts(store, iris)
    found = [(iri.rstrip("/").rsplit("/", 1)[-1], label_for(iri, texts)) for iri in iris]
    return sorted(found, key=lambda c: (c[1].casefold(), c[0]))
