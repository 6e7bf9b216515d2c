"""schema.org descriptions of entities, for the JSON-LD that pages embed for search engines.

:func:`entity` maps a :class:`~web.present.describe.Description` to one schema.org node (``@id`` is the
entity's IRI, ``url`` the page's address): a force is a ``GovernmentOrganization``, a report a
``Report``, a statement a ``Quotation`` of its report, a judgement a ``Review`` of its force whose
``reviewRating`` is the grade (``itemReviewed`` is a property of a review, not of a ``Rating``), a concept
(grade, pillar, question, theme) a ``DefinedTerm`` of its ``DefinedTermSet``, anything else a
``Thing``.  Sources are ``isBasedOn`` of a creative work and ``subjectOf`` of anything else
(``isBasedOn`` belongs to ``CreativeWork``).  :func:`dataset` describes the whole dataset as a
``Dataset``, :func:`item_list` an index.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import URIRef

from kg.namespaces import DCTERMS, OGL, OWL, PEEL, SKOS
from web.present.describe import Description
from web.present.overview import Overview
from web.present.profiles import Link

CONTEXT = "https://schema.org"
CREATIVE_WORKS = {"Report", "Quotation", "Review", "DefinedTermSet", "Dataset"}  # subtypes of CreativeWork
_TYPES = (
    (PEEL.Force, "GovernmentOrganization"),
    (PEEL.PartnerOrganisation, "Organization"),
    (URIRef("http://www.w3.org/ns/org#Organization"), "Organization"),
    (PEEL.Report, "Report"),
    (PEEL.Finding, "Quotation"),
    (PEEL.AreaForImprovement, "Quotation"),
    (PEEL.CauseOfConcern, "Quotation"),
    (PEEL.Recommendation, "Quotation"),
    (PEEL.Judgement, "Review"),
    (PEEL.Inspection, "Event"),
    (SKOS.ConceptScheme, "DefinedTermSet"),
    (SKOS.Concept, "DefinedTerm"),
)


def _web(iri: object) -> bool:
    return isinstance(iri, URIRef) and str(iri).startswith(("http://", "https://"))


def entity(description: Description, page_url: str) -> dict[str, Any]:
    """One schema.org node for the entity of ``description``, whose page is at ``page_url``."""
    d = description
    kind = next((name for cls, name in _TYPES if d.has_type(cls)), "Thing")
    node: dict[str, Any] = {"@context": CONTEXT, "@type": kind, "@id": d.iri, "name": d.label, "url": page_url}
    if d.definition:
        node["description"] = d.definition
    same = [str(o) for p in (OWL.sameAs, SKOS.exactMatch) for o in d.objects(p) if _web(o)]
    if same:
        node["sameAs"] = same
    if kind == "GovernmentOrganization":
        alt = [str(o) for o in d.objects(SKOS.altLabel)]
        if alt:
            node["alternateName"] = alt
        area = d.first(DCTERMS.spatial)
        if _web(area):
            node["areaServed"] = {"@type": "AdministrativeArea", "@id": str(area), "name": d.label_of(str(area))}
    elif kind == "Report":
        source = d.first(DCTERMS.source)
        if _web(source):
            node["mainEntityOfPage"] = str(source)
        node["license"] = str(OGL)
        issued = d.first(DCTERMS.issued)
        if issued is not None:
            node["datePublished"] = str(issued)
        publisher = d.first(DCTERMS.publisher)
        if publisher is not None:
            node["publisher"] = {"@type": "GovernmentOrganization", "@id": str(publisher),
                                 "name": d.label_of(str(publisher))}
    elif kind == "Quotation":
        p = d.provenance
        if p.passage:
            node["text"] = p.passage
        if p.report:
            node["isBasedOn"] = {"@type": "Report", "@id": p.report, "name": p.report_title or "",
                                 **({"url": p.report_url} if p.report_url else {})}
    elif kind == "Review":
        grade = d.first(PEEL.grade)
        if grade is not None:
            node["reviewRating"] = {"@type": "Rating", "ratingValue": d.label_of(str(grade)),
                                    "bestRating": "Outstanding", "worstRating": "Inadequate"}
        force = d.first(PEEL.force)
        if force is not None:
            node["itemReviewed"] = {"@type": "GovernmentOrganization", "@id": str(force),
                                    "name": d.label_of(str(force))}
    elif kind == "DefinedTerm":
        scheme = d.first(SKOS.inScheme)
        if scheme is not None:
            node["inDefinedTermSet"] = {"@type": "DefinedTermSet", "@id": str(scheme), "name": d.label_of(str(scheme))}
        notation = d.first(SKOS.notation)
        if notation is not None:
            node["termCode"] = str(notation)
    sources = [s for s in d.provenance.sources if s.startswith("http")]
    if sources and kind in CREATIVE_WORKS and kind != "Report":
        node["isBasedOn"] = node.get("isBasedOn") or sources
    elif sources and kind not in CREATIVE_WORKS:
        node["subjectOf"] = [{"@type": "CreativeWork", "url": s} for s in sources]
    return node


def item_list(name: str, items: Iterable[Link]) -> dict[str, Any]:
    """An index page's entries as a schema.org ``ItemList``."""
    return {
        "@context": CONTEXT,
        "@type": "ItemList",
        "name": name,
        "itemListElement": [{"@type": "ListItem", "position": n, "item": {"@id": link.iri, "name": link.label}}
                            for n, link in enumerate(items, start=1)],
    }


def dataset(summary: Overview, page_url: str, *, name: str, description: str) -> dict[str, Any]:
    """The dataset as a schema.org ``Dataset`` (what the home page embeds)."""
    return {
        "@context": CONTEXT,
        "@type": "Dataset",
        "name": name,
        "description": description,
        "url": page_url,
        "license": str(OGL),
        "version": summary.release,
        "dateModified": summary.created,
        "creator": {"@type": "Organization", "name": "The peelkg project"},
        "isBasedOn": [url for _link, url, _issued in summary.reports if url],
        "variableMeasured": [name for name, _n in summary.counts],
    }
