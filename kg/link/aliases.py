"""Name variants for linking: ``data/reference/aliases.csv`` → ``skos:hiddenLabel``.

Partner agencies spell names their own way ("Met Police", "Hants", "CPS").  The alias table
lists such variants, each with the kind and identifier of the entity it names and a
``source`` saying where the variant is used.  A build adds each alias as a
``skos:hiddenLabel`` of its entity in the reference graph (SKOS: a label for matching, not
for display), so the reconciliation service (``kg.link.reconcile``) and SPARQL users find them.
An alias of an entity the dataset does not hold is skipped.

>>> [a.alias for a in read_aliases() if a.id == "metropolitan"][:2]
['Met', 'Met Police']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Literal, URIRef

from kg.errors import InputError
from kg.link.reference import csv_rows
from kg.namespaces import ID, RDF, REFERENCE_GRAPH, SKOS, XSD
from kg.resources import reference_dir

ALIASES_CSV = "aliases.csv"
KINDS = ("force", "organisation", "theme")


@dataclass(frozen=True)
class Alias:
    alias: str
    kind: str  # force, organisation or theme
    id: str  # police.uk id or slug
    source: str

    @property
    def iri(self) -> URIRef:
        return ID[f"{self.kind}/{self.id}"]


def read_aliases(path: Path | None = None) -> list[Alias]:
    """The alias table (``InputError`` naming the line for a bad row)."""
    path = path or reference_dir() / ALIASES_CSV
    aliases = []
    for line, row in csv_rows(path, ("alias", "type", "id", "source")):
        if row["type"] not in KINDS:
            raise InputError(str(path), line, f"type {row['type']!r} is not one of {', '.join(KINDS)}")
        if not row["alias"] or not row["id"]:
            raise InputError(str(path), line, "alias and id are required")
        if not row["source"]:
            raise InputError(str(path), line, "every alias needs a source")
        aliases.append(Alias(row["alias"], row["type"], row["id"], row["source"]))
    return aliases


def derive_aliases(dataset: Dataset) -> None:
    """Add the aliases of the entities ``dataset`` holds as ``skos:hiddenLabel`` (a build derivation)."""
    reference = dataset.graph(REFERENCE_GRAPH)
    typed = {s for s, _p, _o, _g in dataset.quads((None, RDF.type, None, None))}
    for alias in read_aliases():
        if alias.iri in typed:
            reference.add((alias.iri, SKOS.hiddenLabel, Literal(alias.alias, datatype=XSD.string)))
