"""The one table of formats: what each is called, its media types, its URL suffix and its serialisers.

Every surface picks its formats from ``FORMATS`` by kind: entity documents (``web.http.negotiation``)
offer the page and the ``GRAPH`` formats, Triple Pattern Fragments the ``DATASET`` and ``GRAPH``
formats, the SPARQL endpoint (``web.http.sparql_formats``, ``kg.query.execute``) the ``RESULTS`` and
``GRAPH`` formats; the downloads, VoID/DCAT, the service description and ``peelkg query`` name
formats from here too.  A format knows:

- ``key``: its URL suffix and its ``?format=``/``--format`` value (unique within its kind);
- ``media_type`` (the registered type answered) and ``accept_aliases`` (other types that ask for it);
- ``aliases``: other ``?format=`` values;
- its writers: ``rdflib`` (the serializer name) and ``oxigraph`` (pyoxigraph's format, from the media type);
- the names two vocabularies give it: ``w3c`` (``http://www.w3.org/ns/formats/``) and ``eu_file_type``
  (the EU file-type authority table, for DCAT).

>>> find("ttl", GRAPH).media_type
'text/turtle'
>>> [f.key for f in of_kind(RESULTS)]
['json', 'xml', 'csv', 'tsv']
>>> find("json", RESULTS).name, SPARQL_JSON.content_type
('JSON', 'application/sparql-results+json; charset=utf-8')
>>> by_media_type("application/n-quads").w3c
'N-Quads'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

W3C_FORMATS = "http://www.w3.org/ns/formats/"
PAGE, GRAPH, DATASET, RESULTS, QUERY, OTHER = "page", "graph", "dataset", "results", "query", "other"


@dataclass(frozen=True)
class Format:
    key: str
    kind: str  # PAGE, GRAPH (triples), DATASET (quads), RESULTS (SPARQL results), QUERY (SPARQL text), OTHER
    media_type: str
    name: str
    aliases: tuple[str, ...] = ()  # other ?format= values
    accept_aliases: tuple[str, ...] = ()  # other media types that ask for it
    rdflib: str | None = None  # rdflib's serializer name
    w3c: str | None = None  # its name under http://www.w3.org/ns/formats/
    eu_file_type: str | None = None  # its code in the EU file-type authority table

    @property
    def suffix(self) -> str:
        return self.key

    @property
    def is_rdf(self) -> bool:
        """Whether it writes RDF (a graph or a dataset)."""
        return self.kind in (GRAPH, DATASET)

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` to send: the media type, with ``charset=utf-8`` when it is text."""
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type

    @property
    def w3c_iri(self) -> str:
        """Its IRI under ``http://www.w3.org/ns/formats/`` (a format without one has none to give)."""
        assert self.w3c is not None, f"{self.name} has no W3C format name"
        return W3C_FORMATS + self.w3c

    @property
    def rdf_format(self) -> ox.RdfFormat:
        """pyoxigraph's writer of this RDF format."""
        found = ox.RdfFormat.from_media_type(self.media_type)
        assert found is not None, f"pyoxigraph has no RDF format {self.media_type}"
        return found

    @property
    def results_format(self) -> ox.QueryResultsFormat:
        """pyoxigraph's writer of this SPARQL results format."""
        found = ox.QueryResultsFormat.from_media_type(self.media_type)
        assert found is not None, f"pyoxigraph has no results format {self.media_type}"
        return found


HTML = Format("html", PAGE, "text/html", "HTML", (), ("application/xhtml+xml",))
TURTLE = Format("ttl", GRAPH, "text/turtle", "Turtle", ("turtle", "n3"),
                ("application/x-turtle", "application/turtle", "text/n3"), "turtle", "Turtle", "RDF_TURTLE")
JSON_LD = Format("jsonld", GRAPH, "application/ld+json", "JSON-LD", ("json-ld", "json"), ("application/json",),
                 "json-ld", "JSON-LD", "JSON_LD")
RDF_XML = Format("rdf", GRAPH, "application/rdf+xml", "RDF/XML", ("rdfxml", "rdf+xml", "xml"),
                 ("application/xml", "text/xml"), "xml", "RDF_XML")
N_TRIPLES = Format("nt", GRAPH, "application/n-triples", "N-Triples", ("ntriples", "n-triples"), ("text/plain",),
                   "nt", "N-Triples")
TRIG = Format("trig", DATASET, "application/trig", "TriG", (), (), "trig", "TriG")
N_QUADS = Format("nq", DATASET, "application/n-quads", "N-Quads", (), (), "nquads", "N-Quads", "RDF_N_QUADS")
SPARQL_JSON = Format("json", RESULTS, "application/sparql-results+json", "JSON", ("srj",), ("application/json",),
                     "json", "SPARQL_Results_JSON")
SPARQL_XML = Format("xml", RESULTS, "application/sparql-results+xml", "XML", ("srx",), ("application/xml", "text/xml"),
                    "xml", "SPARQL_Results_XML")
SPARQL_CSV = Format("csv", RESULTS, "text/csv", "CSV", (), (), "csv", "SPARQL_Results_CSV", "CSV")
SPARQL_TSV = Format("tsv", RESULTS, "text/tab-separated-values", "TSV", (), (), None, "SPARQL_Results_TSV")
SPARQL_QUERY = Format("rq", QUERY, "application/sparql-query", "SPARQL query")
SPARQL_UPDATE = Format("ru", QUERY, "application/sparql-update", "SPARQL update")
FORM = Format("form", OTHER, "application/x-www-form-urlencoded", "HTML form")
JSON = Format("json", OTHER, "application/json", "JSON")
XML = Format("xml", OTHER, "application/xml", "XML")
TEXT = Format("txt", OTHER, "text/plain", "Plain text")
GZIP = Format("gz", OTHER, "application/gzip", "gzip")
ATOM = Format("atom", OTHER, "application/atom+xml", "Atom feed")

# In order of preference within a kind (the first is its default).
FORMATS: tuple[Format, ...] = (HTML, SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV, TURTLE, JSON_LD, RDF_XML,
                               N_TRIPLES, TRIG, N_QUADS, SPARQL_QUERY, SPARQL_UPDATE, FORM, JSON, XML, TEXT, GZIP, ATOM)


def of_kind(*kinds: str) -> list[Format]:
    """The formats of ``kinds``, kind by kind, each in the table's order."""
    return [f for kind in kinds for f in FORMATS if f.kind == kind]


def find(key: str, *kinds: str) -> Format | None:
    """The format of one of ``kinds`` whose key is ``key``, or ``None``."""
    return next((f for f in of_kind(*kinds) if f.key == key), None)


def keys(formats: Iterable[Format]) -> list[str]:
    return [f.key for f in formats]


def by_media_type(media_type: str) -> Format:
    """The format registered under ``media_type`` (parameters such as ``charset`` ignored)."""
    bare = media_type.split(";")[0].strip().lower()
    found = next((f for f in FORMATS if f.media_type == bare), None)
    if found is None:
        raise KeyError(f"no format has media type {bare!r}")
    return found
