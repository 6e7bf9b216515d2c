"""The names people read for the terms of W3C and community vocabularies the data reuses: one table, read by the
pages (``web.present.labels``) and by the search index (``kg.release.search``) for what the data does not label.

>>> WELL_KNOWN[str(SKOS.Concept)], WELL_KNOWN[str(ORG.Organization)]
('Term', 'Organisation')
"""

from __future__ import annotations

from kg.namespaces import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID

WELL_KNOWN: dict[str, str] = {
    str(k): v
    for k, v in {
        RDF.type: "type",
        RDFS.label: "label",
        RDFS.comment: "comment",
        RDFS.seeAlso: "see also",
        RDFS.isDefinedBy: "defined by",
        RDFS.subClassOf: "subclass of",
        RDFS.domain: "domain",
        RDFS.range: "range",
        SKOS.prefLabel: "name",
        SKOS.altLabel: "also known as",
        SKOS.hiddenLabel: "hidden label",
        SKOS.definition: "definition",
        SKOS.scopeNote: "scope note",
        SKOS.note: "note",
        SKOS.notation: "notation",
        SKOS.inScheme: "in scheme",
        SKOS.topConceptOf: "top concept of",
        SKOS.hasTopConcept: "top concept",
        SKOS.broader: "broader",
        SKOS.narrower: "narrower",
        SKOS.related: "related",
        SKOS.exactMatch: "same as (exact match)",
        SKOS.closeMatch: "close match",
        SKOS.broadMatch: "broader match",
        SKOS.narrowMatch: "narrower match",
        SKOS.relatedMatch: "related match",
        SKOS.Concept: "Term",  # plain words: "concept" and "concept scheme" are SKOS's own
        SKOS.ConceptScheme: "List of terms",
        DCTERMS.title: "title",
        DCTERMS.description: "description",
        DCTERMS.source: "source",
        DCTERMS.issued: "published",
        DCTERMS.modified: "last updated",
        DCTERMS.created: "created",
        DCTERMS.publisher: "publisher",
        DCTERMS.creator: "creator",
        DCTERMS.license: "licence",
        DCTERMS.spatial: "area (ONS geography)",
        DCTERMS.subject: "subject",
        OWL.sameAs: "same as",
        OWL.Ontology: "Ontology",
        OWL.Class: "Class",
        OWL.ObjectProperty: "Object property",
        OWL.DatatypeProperty: "Data property",
        PROV.wasDerivedFrom: "derived from",
        PROV.Entity: "Entity",
        PROV.Activity: "Activity",
        ORG.Organization: "Organisation",
        FOAF.Organization: "Organisation",
        FOAF.Document: "Document",
        DCAT.Dataset: "Dataset",
        DCAT.Distribution: "Distribution",
        VOID.Dataset: "Dataset",
    }.items()
}
