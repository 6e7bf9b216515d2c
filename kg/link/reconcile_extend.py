"""Data extension for the reconciliation service: property values of reconciled entities.

Implements the engine behind the *data extension* part of the W3C Reconciliation API v0.2
(served by ``web/views/reconcile.py``): after reconciling a column, OpenRefine asks which properties a
type offers (:meth:`Extension.propose`) and then their values for a batch of entity ids
(:meth:`Extension.extend`), to add them as new columns.

Properties (ids are stable, see ``docs/reconciliation.md``):

- ``onsCode``, ``policeUkId``, ``wikidataId``, ``region`` — a force's identifiers and region;
- ``page`` — the entity's page address (``https://w3id.org/peelkg/doc/…``), for every type;
- ``organisationType`` (partner organisations), ``broaderTheme`` (themes);
- ``grade-latest-{pillar}`` — the force's most recent overall grade of that pillar;
- ``grade-{year}-{pillar}`` — its overall grade of that pillar in that year, one property per
  year and pillar the release holds (``grade-2016-effectiveness``).

Every value comes from the store through queries with the entity bound as a value
(``Store.select(query, {"entity": iri})``); nothing a client sends is pasted into query text.
A property that does not apply to an entity, or an entity without a value, gives an empty list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef

from kg.link.reconcile import _plain, _word_suffixes
from kg.namespaces import BASE, ID
from kg.query.internal import internal_query
from kg.store.local import Store

LATEST = "latest"


@dataclass(frozen=True)
class Property:
    id: str
    name: str
    description: str
    types: tuple[str, ...]  # type ids the property is proposed for

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "description": self.description}


FIXED = (
    Property("onsCode", "ONS code", "The ONS code of the force's police force area, such as E23000026.", ("Force",)),
    Property("policeUkId", "police.uk identifier", "The force's identifier in the police.uk data API, such as "
             "norfolk.", ("Force",)),
    Property("wikidataId", "Wikidata identifier", "The Wikidata item of the organisation, such as Q7051007.",
             ("Force", "PartnerOrganisation")),
    Property("region", "Region", "The region the force belongs to (a convenience grouping).", ("Force",)),
    Property("organisationType", "Organisation type", "The kind of organisation, such as Criminal justice.",
             ("PartnerOrganisation",)),
    Property("broaderTheme", "Broader theme", "The theme this theme is part of.", ("Theme",)),
    Property("page", "Page address", "The address of the entity's page in this dataset.",
             ("Force", "PartnerOrganisation", "Theme")),
)

# The keys of the extend-facts query.
_FACTS = {"onsCode", "policeUkId", "wikidataId", "region", "organisationType", "broaderTheme"}

def _slug(iri: object) -> str:
    return str(iri).rsplit("/", 1)[-1]  # /id/pillar/effectiveness → effectiveness


def grade_property(year: str, pillar: str) -> str:
    """The property id of a pillar's grade in a year (or ``latest``).

    >>> grade_property("2016", "effectiveness")
    'grade-2016-effectiveness'
    """
    return f"grade-{year}-{pillar}"


class Extension:
    """The properties a release offers and their values (one per release, cached by the web layer)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        periods = sorted({(str(r["year"]), _slug(r["pillar"]), str(r["label"]))
                          for r in store.select(internal_query("extend-periods"))})
        pillars = sorted({(slug, label) for _y, slug, label in periods})
        grades = [Property(grade_property(LATEST, slug), f"Latest grade: {label}",
                           f"The force's most recent overall {label.lower()} grade.", ("Force",))
                  for slug, label in pillars]
        grades += [Property(grade_property(year, slug), f"Grade {year}: {label}",
                            f"The force's overall {label.lower()} grade in {year}.", ("Force",))
                   for year, slug, label in periods]
        self.properties = {p.id: p for p in (*FIXED, *grades)}

    def propose(self, type_id: str | None, limit: int | None = None) -> list[Property]:
        """The properties offered for a type (all of them without a type), in a stable order."""
        found = [p for p in self.properties.values() if not type_id or type_id in p.types]
        return found if limit is None else found[:limit]

    def suggest(self, prefix: str) -> list[Property]:
        """The properties with a word of their id or name starting with ``prefix``."""
        start = _plain(prefix)
        return [p for p in self.properties.values()
                if start and any(w.startswith(start) for w in _word_suffixes(_plain(f"{p.id} {p.name}")))]

    def unknown(self, property_ids: Iterable[str]) -> list[str]:
        return [p for p in property_ids if p not in self.properties]

    def meta(self, property_ids: Iterable[str]) -> list[dict[str, str]]:
        return [{"id": p, "name": self.properties[p].name} for p in property_ids]

    def extend(self, entity_ids: Iterable[str], property_ids: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """``rows`` of a data-extension response: entity id → property id → values (``{"str": …}``).

        Ids that name no force, organisation or theme get empty lists, as the API asks.
        """
        rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for entity_id in entity_ids:
            values = self._values(entity_id, property_ids)
            rows[entity_id] = {p: [{"str": v} for v in values.get(p, [])] for p in property_ids}
        return rows

    def _values(self, entity_id: str, property_ids: list[str]) -> dict[str, list[str]]:
        iri = URIRef(str(ID) + entity_id)
        bound = {"entity": iri}
        if not self.store.select(internal_query("extend-entity-type"), bound).rows:
            return {}
        values: dict[str, list[str]] = {"page": [f"{BASE}doc/{entity_id}"]}
        if any(p in _FACTS for p in property_ids):
            for row in self.store.select(internal_query("extend-facts"), bound):
                if isinstance(row["value"], Literal):
                    values.setdefault(str(row["key"]), []).append(str(row["value"]))
        if any(p.startswith("grade-") for p in property_ids):
            latest: dict[str, tuple[int, str]] = {}
            for row in self.store.select(internal_query("extend-grades"), bound):
                year, pillar, grade = str(row["year"]), _slug(row["pillar"]), str(row["grade"])
                values.setdefault(grade_property(year, pillar), []).append(grade)
                if int(year) >= latest.get(pillar, (0, ""))[0]:
                    latest[pillar] = (int(year), grade)
            for pillar, (_year, grade) in latest.items():
                values[grade_property(LATEST, pillar)] = [grade]
        for key in values:
            values[key] = sorted(set(values[key]))
        return values
