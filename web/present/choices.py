"""The values a canned query's parameter can take, for forms that offer choices instead of free text.

Each parameter type (``force``, ``pillar``, ``theme``, ``grade``, ``organisation``, ``year``) has the values the
release holds, as (value to send, label to show) pairs, in label order (years newest first). The value is what
:meth:`kg.query.canned.Parameter.term` accepts: the identifier's last part, or the year.
"""

from __future__ import annotations

from kg.namespaces import PEEL
from kg.query.internal import internal_query
from kg.store.local import Store
from web.present.labels import fetch_texts, label_for

Choice = tuple[str, str]  # value, label

_OF_TYPE = {  # parameter type → the internal query that finds its entities (?e) and the value it binds
    "force": ("choices-of-class", {"class": PEEL.Force}),
    "pillar": ("choices-of-property", {"property": PEEL.pillar}),
    "theme": ("choices-of-class", {"class": PEEL.Theme}),
    "grade": ("choices-of-property", {"property": PEEL.grade}),
    "organisation": ("choices-of-class", {"class": PEEL.PartnerOrganisation}),
}


def choices(store: Store, kind: str) -> list[Choice]:
    """The values of parameter type ``kind`` in the release; empty for a type with no fixed set."""
    if kind == "year":
        years = sorted({int(str(r["year"])) for r in store.select(internal_query("choices-years"))}, reverse=True)
        return [(str(y), str(y)) for y in years]
    if kind not in _OF_TYPE:
        return []
    name, bindings = _OF_TYPE[kind]
    rows = store.select(internal_query(name), bindings)
    iris = [str(r["e"]) for r in rows]
    texts = fetch_texts(store, iris)
    found = [(iri.rstrip("/").rsplit("/", 1)[-1], label_for(iri, texts)) for iri in iris]
    return sorted(found, key=lambda c: (c[1].casefold(), c[0]))
