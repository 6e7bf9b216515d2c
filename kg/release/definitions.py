"""Documentation of the ontology, read from its RDF: what ``/def/peel`` shows.

A build writes the ontology (every description of a ``peel:`` term, from whichever
vocabulary file it comes, with the ontology header and its disjointness axioms) and the
shapes it validated against into the release (``write_definitions``, an artefact), so the
documentation served always matches the data served.  ``describe_ontology`` turns the
ontology graph into plain records (classes and properties with their labels, definitions,
hierarchy, domains and ranges) for a template.

Every term is a ``Term``: its IRI, a compact name (``peel:Force``) and, for the terms of the
ontology and of the shapes, the fragment that is its anchor on the documentation page.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.namespaces import DCTERMS, ONTOLOGY, OWL, PEEL, PREFIXES, RDF, RDFS, SHAPES, SKOS, VOCABULARY_GRAPH, local_path
from kg.vocab import load_graph, shapes_file, vocabulary_files

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kg.release.built import Built

ONTOLOGY_FILE, SHAPES_COPY = "ontology.ttl", "shapes.ttl"
SHAPES_NS = str(SHAPES) + "#"
VANN = "http://purl.org/vocab/vann/"


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the dataset's prefixes (and ``peelsh:``, ``vann:``) in ``graph``, for compact names; return it."""
    for prefix, namespace in {**PREFIXES, "peelsh": SHAPES_NS, "vann": VANN}.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


def ontology_graph(vocabulary: Graph) -> Graph:
    """The ontology out of a vocabulary graph: the concise bounded description of the ontology
    node and of every ``peel:`` term, and the ``owl:AllDisjointClasses`` axioms."""
    out = bind_prefixes(Graph())
    subjects: set[Node] = {ONTOLOGY, *(s for s in vocabulary.subjects() if str(s).startswith(str(PEEL)))}
    subjects |= set(vocabulary.subjects(RDF.type, OWL.AllDisjointClasses))
    for subject in subjects:
        out += vocabulary.cbd(subject)
    return out


def write_definitions(built: Built, store: ox.Store, folder: Path) -> dict[str, Any]:
    """Artefact: write the ontology of the build's vocabulary graph and a copy of the SHACL shapes
    it was validated against into the release (``ontology.ttl``, ``shapes.ttl``)."""
    ontology = ontology_graph(built.dataset.graph(VOCABULARY_GRAPH))
    (folder / ONTOLOGY_FILE).write_bytes(ontology.serialize(format="turtle", encoding="utf-8"))
    shutil.copyfile(shapes_file(), folder / SHAPES_COPY)
    return {"definitions": {"ontology": ONTOLOGY_FILE, "shapes": SHAPES_COPY}}


def load_definition(folder: Path, name: str) -> Graph:
    """Parse ``name`` (``ONTOLOGY_FILE`` or ``SHAPES_COPY``) of the release ``folder``.

    A release built before these files existed gets the installed package's definitions.
    """
    path = folder / name
    if path.is_file():
        return bind_prefixes(Graph().parse(path, format="turtle"))
    if name == ONTOLOGY_FILE:
        return ontology_graph(load_graph(vocabulary_files()))
    return bind_prefixes(Graph().parse(shapes_file(), format="turtle"))


@dataclass(frozen=True)
class Term:
    """A named thing on a documentation page: IRI, compact name, and anchor when it is ours."""

    iri: str
    name: str
    anchor: str | None = None


def term(graph: Graph, iri: URIRef) -> Term:
    """The ``Term`` of an IRI, compacted with the graph's prefixes.

    >>> g = Graph(); g.bind("peel", str(PEEL))
    >>> term(g, PEEL.Force)
    Term(iri='https://w3id.org/peelkg/def/peel#Force', name='peel:Force', anchor='Force')
    """
    text = str(iri)
    name = graph.namespace_manager.normalizeUri(iri)
    for namespace in (str(PEEL), SHAPES_NS):
        if text.startswith(namespace):
            return Term(text, name, text[len(namespace):])
    return Term(text, name if not name.startswith("<") else local_path(text) or text)


def node_text(graph: Graph, node: Node) -> str:
    """A readable rendering of any node: a compact IRI, a literal's text, a list, or a blank node's properties."""
    if isinstance(node, URIRef):
        return term(graph, node).name
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode):
        if graph.value(node, RDF.first) is not None:
            return "( " + " ".join(node_text(graph, item) for item in Collection(graph, node)) + " )"
        parts = [f"{node_text(graph, p)} {node_text(graph, o)}" for p, o in sorted(graph.predicate_objects(node))
                 if p != RDF.type]
        return "[ " + " ; ".join(parts) + " ]"
    return str(node)


def text_of(graph: Graph, subject: Node, *predicates: URIRef) -> str:
    """The first value of the first of ``predicates`` that ``subject`` has (English preferred), or ``""``."""
    for predicate in predicates:
        values = list(graph.objects(subject, predicate))
        english = [v for v in values if isinstance(v, Literal) and v.language in (None, "en")]
        if english or values:
            return str((english or values)[0])
    return ""


def class_terms(graph: Graph, node: Node) -> list[Term]:
    """The named classes ``node`` stands for: itself, or the members of an ``owl:unionOf``."""
    if isinstance(node, URIRef):
        return [term(graph, node)]
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return [term(graph, m) for m in Collection(graph, union) if isinstance(m, URIRef)]
    return []


@dataclass
class PropertyDoc:
    term: Term
    kind: str  # "object" or "datatype"
    label: str
    definition: str
    domains: list[Term]
    ranges: list[Term]
    parents: list[Term]


@dataclass
class ClassDoc:
    term: Term
    label: str
    definition: str
    parents: list[Term]
    children: list[Term] = field(default_factory=list)
    disjoint: list[Term] = field(default_factory=list)
    properties: list[Term] = field(default_factory=list)  # properties whose domain includes the class
    used_by: list[Term] = field(default_factory=list)  # properties whose range is the class


@dataclass
class OntologyDoc:
    iri: str
    title: str
    description: str
    version: str
    created: str
    license: str
    prefix: str
    namespace: str
    classes: list[ClassDoc]
    properties: list[PropertyDoc]


def _property(graph: Graph, iri: URIRef, kind: str) -> PropertyDoc:
    return PropertyDoc(
        term=term(graph, iri), kind=kind, label=text_of(graph, iri, RDFS.label),
        definition=text_of(graph, iri, SKOS.definition, RDFS.comment),
        domains=[t for d in graph.objects(iri, RDFS.domain) for t in class_terms(graph, d)],
        ranges=[t for r in graph.objects(iri, RDFS.range) for t in class_terms(graph, r)],
        parents=[term(graph, p) for p in graph.objects(iri, RDFS.subPropertyOf) if isinstance(p, URIRef)],
    )


def describe_ontology(graph: Graph, meta: URIRef = ONTOLOGY) -> OntologyDoc:
    """Every named ``owl:Class`` and object/datatype property of ``graph``, sorted by name, cross-referenced;
    ``meta`` is the ontology's own IRI (title, version, licence)."""
    properties = sorted(
        [_property(graph, p, "object") for p in graph.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)]
        + [_property(graph, p, "datatype") for p in graph.subjects(RDF.type, OWL.DatatypeProperty)
           if isinstance(p, URIRef)],
        key=lambda p: p.term.name.lower())
    classes = {}
    for iri in sorted((c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)), key=str):
        classes[str(iri)] = ClassDoc(
            term=term(graph, iri), label=text_of(graph, iri, RDFS.label),
            definition=text_of(graph, iri, SKOS.definition, RDFS.comment),
            parents=[term(graph, p) for p in graph.objects(iri, RDFS.subClassOf) if isinstance(p, URIRef)])
    for doc in classes.values():
        for parent in doc.parents:
            if parent.iri in classes:
                classes[parent.iri].children.append(doc.term)
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        head = graph.value(group, OWL.members)
        members = [m for m in Collection(graph, head) if isinstance(m, URIRef)] if head is not None else []
        for member in members:
            if str(member) in classes:
                classes[str(member)].disjoint += [term(graph, m) for m in members if m != member]
    for prop in properties:
        for domain in prop.domains:
            if domain.iri in classes:
                classes[domain.iri].properties.append(prop.term)
        for range_ in prop.ranges:
            if range_.iri in classes:
                classes[range_.iri].used_by.append(prop.term)
    return OntologyDoc(
        iri=str(meta), title=text_of(graph, meta, DCTERMS.title, RDFS.label),
        description=text_of(graph, meta, DCTERMS.description, RDFS.comment),
        version=text_of(graph, meta, OWL.versionInfo), created=text_of(graph, meta, DCTERMS.created),
        license=text_of(graph, meta, DCTERMS.license),
        prefix=text_of(graph, meta, URIRef(VANN + "preferredNamespacePrefix")) or "peel",
        namespace=text_of(graph, meta, URIRef(VANN + "preferredNamespaceUri")) or str(PEEL),
        classes=sorted(classes.values(), key=lambda c: c.term.name.lower()),
        properties=properties,
    )


__all__ = [
    "ONTOLOGY_FILE",
    "SHAPES_COPY",
    "ClassDoc",
    "OntologyDoc",
    "PropertyDoc",
    "Term",
    "bind_prefixes",
    "class_terms",
    "describe_ontology",
    "load_definition",
    "node_text",
    "ontology_graph",
    "term",
    "text_of",
    "write_definitions",
]
