"""What the dataset says about one entity: the data behind its RDF documents and its page.

:func:`describe` reads, for an entity IRI minted under ``kg.namespaces.ID``:

- its *own statements*: every triple whose subject is the entity, and those of the hash
  IRIs it links to (``…/finding/…/1#theme-domestic-abuse``: the theme tags), each with the
  named graphs that hold it.  They make the RDF documents (``Description.graph``) and the
  property table of the page;
- the label and definition of every IRI those statements mention, so a page never shows an
  identifier where a name belongs;
- one page of *incoming links* (subject, property) and their total, in a stable order;
- its *provenance*: the named graphs its statements come from (a report, with its title and
  web address, or the reference data), and the quoted passage when it is a statement from a
  report.

The entity IRI is passed to the store as a bound value, never as query text.  An IRI about
which the store holds no statement raises :class:`~kg.errors.NotFound`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from kg.errors import NotFound
from kg.namespaces import (
    ANALYTICS_GRAPH,
    DCTERMS,
    GRAPH,
    ID,
    PEEL,
    PREFIXES,
    PROV,
    RDF,
    REFERENCE_GRAPH,
    SKOS,
    VOCABULARY_GRAPH,
)
from kg.query.internal import internal_query, paged
from kg.store.local import Store, Term
from web.present.labels import Texts, fetch_texts, label_for, value_text

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*$")

_HEAD_PROPERTIES = (str(SKOS.prefLabel), str(DCTERMS.title), "http://www.w3.org/2000/01/rdf-schema#label",
                    str(RDF.type))
# Statements that record how the data was made (where a passage sits, which words matched a theme), not
# what it says: a page shows them apart, behind a "data" disclosure.
TECHNICAL_PROPERTIES = (str(PEEL.themeTag), str(PEEL.startOffset), str(PEEL.endOffset), str(PEEL.ordinal),
                        str(PEEL.line))


@dataclass(frozen=True)
class Value:
    """One object of a statement: its term, the text a person reads, and where it came from."""

    term: Term
    text: str
    graphs: tuple[str, ...]

    @property
    def iri(self) -> str | None:
        return str(self.term) if isinstance(self.term, URIRef) else None

    @property
    def language(self) -> str | None:
        return self.term.language if isinstance(self.term, Literal) else None


@dataclass(frozen=True)
class Property:
    """The values of one property, under its human label."""

    iri: str
    label: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class IncomingLink:
    subject: str
    subject_label: str
    property: str
    property_label: str


@dataclass(frozen=True)
class Origin:
    """A named graph the entity's statements come from, as a person would name it."""

    graph: str
    label: str
    report: str | None = None
    url: str | None = None
    statements: int = 0


@dataclass(frozen=True)
class Provenance:
    origins: tuple[Origin, ...]
    sources: tuple[str, ...]            # the entity's own dcterms:source web addresses
    report: str | None = None           # the report a statement or judgement was taken from
    report_title: str | None = None
    report_url: str | None = None
    passage: str | None = None          # the quoted text (peel:text)
    start: int | None = None
    end: int | None = None
    line: int | None = None


@dataclass(frozen=True)
class Description:
    iri: str
    label: str
    definition: str | None
    types: tuple[Value, ...]
    properties: tuple[Property, ...]              # own statements, label and type excepted
    parts: dict[str, tuple[Property, ...]]        # hash IRIs → their statements
    graph: Graph                                  # own statements, for the RDF documents
    incoming: tuple[IncomingLink, ...]
    incoming_total: int
    page: int
    page_size: int
    provenance: Provenance
    texts: dict[str, Texts] = field(default_factory=dict)
    technical: tuple[Property, ...] = ()          # how the data was made (TECHNICAL_PROPERTIES)
    part_technical: dict[str, tuple[Property, ...]] = field(default_factory=dict)  # the same, of each hash IRI

    def label_of(self, iri: str) -> str:
        return label_for(iri, self.texts)

    def objects(self, predicate: URIRef) -> list[Term]:
        """The objects of the entity's own statements with ``predicate``, sorted."""
        return sorted((o for o in self.graph.objects(URIRef(self.iri), predicate)), key=str)  # type: ignore[misc]

    def first(self, predicate: URIRef) -> Term | None:
        found = self.objects(predicate)
        return found[0] if found else None

    def has_type(self, cls: URIRef) -> bool:
        return any(v.term == cls for v in self.types)

    @property
    def pages(self) -> int:
        return max(1, -(-self.incoming_total // self.page_size))


def entity_iri(identifier: str) -> URIRef:
    """The IRI of ``/id/{identifier}``; ``NotFound`` when the text cannot be an identifier here.

    >>> entity_iri("force/norfolk")
    rdflib.term.URIRef('https://w3id.org/peelkg/id/force/norfolk')
    >>> entity_iri("/evil.example")
    Traceback (most recent call last):
    ...
    kg.errors.NotFound: no such identifier: /id//evil.example
    """
    if not IDENTIFIER.match(identifier):
        raise NotFound(f"no such identifier: /id/{identifier}")
    return ID[identifier]


def exists(store: Store, iri: URIRef) -> bool:
    """Whether the store holds a statement about ``iri``."""
    return store.ask("ASK { ?entity ?p ?o }", {"entity": iri})


def own_graph(store: Store, iri: URIRef) -> Graph:
    """The entity's own statements (with those of its hash IRIs): the triples of its RDF documents."""
    graph, _ = _own(store, iri)
    if not len(graph):
        raise NotFound(f"no such identifier: {_path(iri)}")
    return graph


def describe(store: Store, iri: URIRef, *, page: int = 1, page_size: int = 50) -> Description:
    """Everything a page or document of ``iri`` shows; ``page`` counts incoming links from 1."""
    graph, graphs_of = _own(store, iri)
    if not len(graph):
        raise NotFound(f"no such identifier: {_path(iri)}")
    if page < 1:
        raise NotFound(f"{_path(iri)} has no page {page}")
    binding: dict[str, Term] = {"entity": iri, "idns": Literal(str(ID))}
    count_rows = store.select(internal_query("entity-incoming-count"), binding).rows
    total = int(count_rows[0]["n"]) if count_rows else 0
    if page > 1 and (page - 1) * page_size >= total:
        raise NotFound(f"{_path(iri)} has no page {page} of incoming links")
    incoming_rows = store.select(paged("entity-incoming", limit=page_size, offset=(page - 1) * page_size), binding).rows
    origins = _origins(store, graphs_of)
    mentioned = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    mentioned |= {str(r[k]) for r in incoming_rows for k in ("s", "p")}
    texts = fetch_texts(store, mentioned)
    own = texts.get(str(iri), Texts())

    def values(subject: URIRef, predicate: URIRef) -> tuple[Value, ...]:
        objects = sorted(graph.objects(subject, predicate), key=lambda t: (str(t), getattr(t, "language", "") or ""))
        return tuple(Value(o, value_text(str(o), texts) if isinstance(o, URIRef) else str(o),  # type: ignore[arg-type]
                           tuple(sorted(graphs_of[(subject, predicate, o)]))) for o in objects)

    def properties(subject: URIRef, skip: Iterable[str]) -> tuple[Property, ...]:
        predicates = {p for p in graph.predicates(subject, None) if str(p) not in skip}
        rows = [Property(str(p), label_for(str(p), texts), values(subject, p)) for p in predicates]  # type: ignore[arg-type]
        return tuple(sorted(rows, key=lambda r: (r.label.lower(), r.iri)))

    hashed = sorted(set(graph.subjects()) - {iri}, key=str)
    parts = {str(s): properties(s, TECHNICAL_PROPERTIES) for s in hashed}  # type: ignore[arg-type]
    part_technical = {str(s): tuple(p for p in properties(s, ()) if p.iri in TECHNICAL_PROPERTIES)  # type: ignore[arg-type]
                      for s in hashed}
    incoming = tuple(IncomingLink(str(r["s"]), label_for(str(r["s"]), texts),
                                  str(r["p"]), label_for(str(r["p"]), texts)) for r in incoming_rows)
    definition = own.definition
    return Description(
        iri=str(iri),
        label=label_for(str(iri), texts),
        definition=definition,
        types=values(iri, RDF.type),
        properties=properties(iri, _HEAD_PROPERTIES + TECHNICAL_PROPERTIES),
        technical=tuple(p for p in properties(iri, _HEAD_PROPERTIES) if p.iri in TECHNICAL_PROPERTIES),
        parts=parts,
        part_technical={k: v for k, v in part_technical.items() if v},
        graph=graph,
        incoming=incoming,
        incoming_total=total,
        page=page,
        page_size=page_size,
        provenance=_provenance(store, graph, iri, origins),
        texts=texts,
    )


def _path(iri: URIRef) -> str:
    return "/id/" + str(iri)[len(str(ID)):] if str(iri).startswith(str(ID)) else str(iri)


Triple = tuple[object, object, object]


def _own(store: Store, iri: URIRef) -> tuple[Graph, dict[Triple, set[str]]]:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graphs_of: dict[Triple, set[str]] = defaultdict(set)
    for row in store.select(internal_query("entity-own"), {"entity": iri}):
        subject = row.get("s", iri)
        triple = (subject, row["p"], row["o"])
        graph.add(triple)
        graphs_of[triple].add(str(row["g"]))
    return graph, graphs_of


def _origins(store: Store, graphs_of: dict[Triple, set[str]]) -> tuple[Origin, ...]:
    counts: dict[str, int] = defaultdict(int)
    for graphs in graphs_of.values():
        for g in graphs:
            counts[g] += 1
    reports: dict[str, tuple[str, str | None, str | None]] = {}
    for g in (g for g in counts if g.startswith(str(GRAPH["report/"]))):
        for row in store.select(internal_query("entity-report-in-graph"), {"g": URIRef(g)}):
            title, url = row.get("title"), row.get("url")
            reports[g] = (str(row["report"]), str(title) if title else None, str(url) if url else None)
    named = {str(REFERENCE_GRAPH): "Reference data: forces and graded judgements",
             str(VOCABULARY_GRAPH): "PEEL vocabularies: grades, pillars, questions, themes",
             str(ANALYTICS_GRAPH): "Analytics derived from the data"}
    origins = []
    for g in sorted(counts, key=lambda g: (g not in reports, g)):
        if g in reports:
            report, report_title, report_url = reports[g]
            origins.append(Origin(g, report_title or "Inspection report", report, report_url, counts[g]))
        else:
            origins.append(Origin(g, named.get(g, "Other data"), None, None, counts[g]))
    return tuple(origins)


def _provenance(store: Store, graph: Graph, iri: URIRef, origins: tuple[Origin, ...]) -> Provenance:
    sources = tuple(sorted(str(o) for o in graph.objects(iri, DCTERMS.source)))
    report = graph.value(iri, PEEL.sourceReport) or graph.value(iri, PROV.wasDerivedFrom)
    if report is None and (iri, RDF.type, PEEL.Report) in graph:
        report = iri
    title: str | None = None
    url: str | None = None
    if report is not None:
        for origin in origins:
            if origin.report == str(report):
                title, url = origin.label, origin.url
        if url is None:
            rows = store.select(internal_query("entity-report"), {"report": report})  # type: ignore[dict-item]
            if rows.rows:
                url = str(rows.rows[0]["url"])
                title = str(rows.rows[0]["title"]) if "title" in rows.rows[0] else None

    def integer(predicate: URIRef) -> int | None:
        value = graph.value(iri, predicate)
        return int(value) if isinstance(value, Literal) else None

    passage = graph.value(iri, PEEL.text)
    return Provenance(
        origins=origins, sources=sources, report=str(report) if report is not None else None,
        report_title=title, report_url=url, passage=str(passage) if passage is not None else None,
        start=integer(PEEL.startOffset), end=integer(PEEL.endOffset), line=integer(PEEL.line),
    )
