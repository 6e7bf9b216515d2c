"""The SPARQL endpoint's service description (SPARQL 1.1 Service Description vocabulary).

https://www.w3.org/TR/sparql11-service-description/ — what the endpoint speaks (SPARQL 1.1
Query, no Update), its result formats, its dataset (the default graph is the union of the
named graphs) and, since that vocabulary has no terms for them, its limits with terms of
this project's small endpoint vocabulary ``LIMITS`` (``<…/def/endpoint#>``), plus a sentence
saying the same for people.

>>> from kg.query.guard import Limits
>>> g = describe("http://localhost/sparql", ["https://w3id.org/peelkg/graph/reference"], Limits(),
...              query_timeout=10.0, max_rows=10000)
>>> g.value(URIRef("http://localhost/sparql"), LIMITS.maxRows).toPython()
10000
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from kg.formats import GRAPH, RESULTS, W3C_FORMATS, of_kind
from kg.namespaces import BASE
from kg.query.guard import Limits

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace(W3C_FORMATS)
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
LIMITS = Namespace(BASE + "def/endpoint#")



def summary(limits: Limits, *, query_timeout: float, max_rows: int) -> str:
    """The limits in one paragraph, for people (also shown on the query page)."""
    services = ", ".join(limits.service_allowlist) if limits.service_allowlist else "none"
    return (f"Read-only SPARQL 1.1 Query endpoint. A query may run for at most {query_timeout:g} s; "
            f"an answer of more than {max_rows} rows (or triples) is refused with 400 (a LIMIT of at most {max_rows} "
            "keeps it within; the query page shows the first rows with a notice); "
            f"queries are at most {limits.max_query_bytes} bytes, nest at most {limits.max_nesting} deep "
            f"and hold at most {limits.max_triple_patterns} triple patterns. SPARQL Update is refused. "
            f"SERVICE endpoints allowed: {services}. FROM, FROM NAMED and the graph parameters select among "
            "this dataset's own named graphs; nothing is ever fetched.")


def describe(endpoint: str, graphs: Sequence[str], limits: Limits, *, query_timeout: float,
             max_rows: int) -> Graph:
    """The description of the endpoint at ``endpoint`` serving the named ``graphs``."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", FORMATS)
    g.bind("limits", LIMITS)
    g.bind("dcterms", DCTERMS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if limits.service_allowlist:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    g.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    for fmt in of_kind(RESULTS, GRAPH):
        g.add((service, SD.resultFormat, URIRef(fmt.w3c_iri)))
    g.add((service, DCTERMS.title, Literal("PEEL inspection findings: SPARQL endpoint", lang="en")))
    g.add((service, RDFS.comment, Literal(summary(limits, query_timeout=query_timeout, max_rows=max_rows),
                                          lang="en")))

    dataset, default = BNode(), BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal("The union of the named graphs.", lang="en")))
    for name in graphs:
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))

    g.add((service, LIMITS.queryTimeout, Literal(f"{query_timeout:g}", datatype=XSD.decimal)))
    g.add((service, LIMITS.maxRows, Literal(max_rows)))
    g.add((service, LIMITS.maxQueryBytes, Literal(limits.max_query_bytes)))
    g.add((service, LIMITS.maxNesting, Literal(limits.max_nesting)))
    g.add((service, LIMITS.maxTriplePatterns, Literal(limits.max_triple_patterns)))
    for allowed in limits.service_allowlist:
        g.add((service, LIMITS.allowedService, URIRef(allowed)))
    return g


ENDPOINT_VOCABULARY = URIRef(BASE + "def/endpoint")
_TERMS = (  # name, kind, range, label, definition
    ("queryTimeout", OWL.DatatypeProperty, XSD.decimal, "query timeout",
     "Wall-clock seconds a query may run before the service stops it and answers 503."),
    ("maxRows", OWL.DatatypeProperty, XSD.integer, "maximum rows",
     "Most result rows (or triples) an answer holds; a larger answer is refused with 400."),
    ("maxQueryBytes", OWL.DatatypeProperty, XSD.integer, "maximum query size",
     "Longest query text accepted, in bytes (413 beyond)."),
    ("maxNesting", OWL.DatatypeProperty, XSD.integer, "maximum nesting",
     "Deepest nesting of groups, brackets and sub-queries accepted (400 beyond)."),
    ("maxTriplePatterns", OWL.DatatypeProperty, XSD.integer, "maximum triple patterns",
     "Most triple patterns accepted in one query (400 beyond)."),
    ("allowedService", OWL.ObjectProperty, None, "allowed SERVICE endpoint",
     "A SPARQL endpoint that a SERVICE clause of a query sent to this service may call."),
)


def endpoint_vocabulary() -> Graph:
    """The terms of ``LIMITS`` as a small OWL vocabulary, what ``/def/endpoint`` answers.

    >>> sorted(str(t).rsplit("#")[1] for t in endpoint_vocabulary().subjects(RDFS.domain, SD.Service))[:2]
    ['allowedService', 'maxNesting']
    """
    g = Graph()
    g.bind("limits", LIMITS)
    g.bind("sd", SD)
    g.bind("owl", OWL)
    g.add((ENDPOINT_VOCABULARY, RDF.type, OWL.Ontology))
    g.add((ENDPOINT_VOCABULARY, DCTERMS.title, Literal("PEEL endpoint limits vocabulary", lang="en")))
    g.add((ENDPOINT_VOCABULARY, DCTERMS.description, Literal(
        "Terms for the limits of a SPARQL service, which the SPARQL 1.1 Service Description vocabulary lacks; "
        "the service description of this dataset's endpoint states its limits with them.", lang="en")))
    vann = Namespace("http://purl.org/vocab/vann/")
    g.add((ENDPOINT_VOCABULARY, vann.preferredNamespacePrefix, Literal("limits")))
    g.add((ENDPOINT_VOCABULARY, vann.preferredNamespaceUri, Literal(str(LIMITS))))
    g.add((ENDPOINT_VOCABULARY, RDFS.seeAlso, URIRef("https://www.w3.org/TR/sparql11-service-description/")))
    for name, kind, range_, label, definition in _TERMS:
        iri = LIMITS[name]
        g.add((iri, RDF.type, kind))
        g.add((iri, RDFS.isDefinedBy, ENDPOINT_VOCABULARY))
        g.add((iri, RDFS.label, Literal(label, lang="en")))
        g.add((iri, RDFS.comment, Literal(definition, lang="en")))
        g.add((iri, RDFS.domain, SD.Service))
        if range_ is not None:
            g.add((iri, RDFS.range, range_))
    return g
