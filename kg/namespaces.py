"""Namespaces and the identifier scheme of the dataset (DESIGN.md, "URI contract").

Every IRI the dataset mints is ``BASE`` + a path from the URI contract.  ``BASE`` is a
persistent-identifier namespace, so the data never depends on the host that serves it;
the web layer maps request paths onto it (see ``docs/decisions/0001-base-iri.md``).

>>> force_iri("norfolk")
rdflib.term.URIRef('https://w3id.org/peelkg/id/force/norfolk')
>>> doc_path(force_iri("norfolk"))
'/doc/force/norfolk'
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, VOID, XSD

BASE = "https://w3id.org/peelkg/"
PEEL = Namespace(BASE + "def/peel#")
ONTOLOGY = URIRef(BASE + "def/peel")
SHAPES = URIRef(BASE + "def/shapes")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

ONS_GEOGRAPHY = Namespace("http://statistics.data.gov.uk/id/statistical-geography/")
POLICE_UK_FORCE = Namespace("https://data.police.uk/api/forces/")
OGL = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
OGL_ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."

# Named graphs: one per report, one for the reference facts, one for vocabularies,
# one for derived analytics.
REFERENCE_GRAPH = GRAPH["reference"]
VOCABULARY_GRAPH = GRAPH["vocabulary"]
ANALYTICS_GRAPH = GRAPH["analytics"]

PREFIXES: dict[str, str] = {
    "peel": str(PEEL),
    "org": str(ORG),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "void": str(VOID),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "foaf": str(FOAF),
    "sh": str(SH),
    "schema": str(SDO),
}

__all__ = [
    "ANALYTICS_GRAPH",
    "BASE",
    "DCAT",
    "DCTERMS",
    "FOAF",
    "GRAPH",
    "ID",
    "OGL",
    "OGL_ATTRIBUTION",
    "ONS_GEOGRAPHY",
    "ONTOLOGY",
    "ORG",
    "OWL",
    "PEEL",
    "POLICE_UK_FORCE",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "REFERENCE_GRAPH",
    "SDO",
    "SH",
    "SHAPES",
    "SKOS",
    "VOCABULARY_GRAPH",
    "VOID",
    "XSD",
]


def slugify(text: str) -> str:
    """Lower-case ASCII slug: ``"Requires improvement"`` → ``"requires-improvement"``.

    >>> slugify("Clare’s Law & DVPOs")
    'clares-law-dvpos'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def force_iri(police_uk_id: str) -> URIRef:
    return ID[f"force/{police_uk_id}"]


def organisation_iri(slug: str) -> URIRef:
    return ID[f"organisation/{slug}"]


def inspection_iri(year: int, force: str, pillar: str) -> URIRef:
    return ID[f"inspection/{year}/{force}/{pillar}"]


def report_iri(year: int, force: str, pillar: str) -> URIRef:
    return ID[f"report/{year}/{force}/{pillar}"]


def question_iri(year: int | str, pillar: str, n: int) -> URIRef:
    return ID[f"question/{year}/{pillar}/{n}"]


def judgement_iri(year: int, force: str, pillar: str, n: int) -> URIRef:
    return ID[f"judgement/{year}/{force}/{pillar}/{n}"]


def finding_iri(year: int | str, force: str, pillar: str, n: int, k: int) -> URIRef:
    return ID[f"finding/{year}/{force}/{pillar}/{n}/{k}"]


def improvement_iri(year: int | str, force: str, pillar: str, n: int, k: int) -> URIRef:
    return ID[f"improvement/{year}/{force}/{pillar}/{n}/{k}"]


def cause_of_concern_iri(year: int | str, force: str, pillar: str, n: int, k: int) -> URIRef:
    return ID[f"concern/{year}/{force}/{pillar}/{n}/{k}"]


def recommendation_iri(year: int | str, force: str, pillar: str, n: int, k: int) -> URIRef:
    return ID[f"recommendation/{year}/{force}/{pillar}/{n}/{k}"]


def theme_iri(slug: str) -> URIRef:
    return ID[f"theme/{slug}"]


def grade_iri(slug: str) -> URIRef:
    return ID[f"grade/{slug}"]


def pillar_iri(slug: str) -> URIRef:
    return ID[f"pillar/{slug}"]


def scheme_iri(slug: str) -> URIRef:
    return ID[f"scheme/{slug}"]


def report_graph(year: int, force: str, pillar: str) -> URIRef:
    return GRAPH[f"report/{year}/{force}/{pillar}"]


def doc_path(iri: str) -> str | None:
    """The local ``/doc/…`` path of an entity IRI minted here, or ``None`` for other IRIs."""
    prefix = str(ID)
    if not iri.startswith(prefix):
        return None
    return "/doc/" + iri[len(prefix) :]


def local_path(iri: str) -> str | None:
    """The local path (``/id/…``, ``/def/peel#Force`` …) of any IRI under ``BASE``."""
    if not iri.startswith(BASE):
        return None
    return "/" + iri[len(BASE) :]


def sparql_prefixes(*only: str) -> str:
    """``PREFIX`` lines for the prefixes named (every prefix of ``PREFIXES`` when none is), to put before a query.

    >>> sparql_prefixes("rdfs")
    'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\\n'
    """
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if not only or p in only)
