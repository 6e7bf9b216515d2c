"""Triple Pattern Fragments (Linked Data Fragments, TPF 2016 specification) over the store.

A fragment is the set of distinct triples of the default graph (the union of the named
graphs) that match one pattern of subject, predicate and object, each either a term or a
variable.  :func:`parse_term` reads a term in the syntax of Hydra's explicit representation,
the one the TPF specification uses: an IRI as it is (``http://e/x``), a literal in double
quotes with an optional language (``"Norfolk"@en``) or datatype (``"3"^^http://…#integer``),
a variable as ``?name`` or an empty value.  Anything else (a blank node, a relative IRI, a
stray quote) is refused with a message naming the parameter.

:func:`fragment` pages through a pattern's triples in a fixed order and returns them with
their count: values reach the store as bindings, never as query text.  :func:`document`
builds the fragment's RDF: the triples in the default graph and the hypermedia controls
(``hydra:search`` with its ``hydra:IriTemplate``, counts, paging links) in a separate
metadata graph that names the fragment as its ``foaf:primaryTopic``, as the specification
lays out.

>>> parse_term("subject", '"Norfolk Constabulary"@en')
rdflib.term.Literal('Norfolk Constabulary', lang='en')
>>> parse_term("object", '"43"^^http://www.w3.org/2001/XMLSchema#integer').toPython()
43
>>> parse_term("predicate", "?p") is None
True
>>> parse_term("subject", "_:b0")
Traceback (most recent call last):
...
kg.errors.BadQuery: subject: blank nodes cannot be asked for (use a variable, an IRI or a literal)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from rdflib import BNode, Dataset, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, VOID, XSD

from kg.errors import BadQuery
from kg.query.internal import paged
from kg.store.local import Store, Term

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPEC = URIRef("https://linkeddatafragments.org/specification/triple-pattern-fragments/")
POSITIONS = ("subject", "predicate", "object")
_VARIABLES = {"subject": "s", "predicate": "p", "object": "o"}
_PROPERTIES = {"subject": RDF.subject, "predicate": RDF.predicate, "object": RDF.object}

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_VARIABLE = re.compile(r"\?[A-Za-z_][A-Za-z0-9_]*")


def _iri(name: str, text: str, what: str) -> URIRef:
    if not _IRI.fullmatch(text):
        raise BadQuery(f"{name}: {what} {text[:80]!r} is not an absolute IRI")
    return URIRef(text)


def parse_term(name: str, text: str) -> Term | None:
    """The term parameter ``name`` holds; ``None`` for a variable or an empty value; ``BadQuery`` otherwise."""
    if text == "":
        return None
    if text.startswith("?"):
        if not _VARIABLE.fullmatch(text):
            raise BadQuery(f"{name}: {text[:80]!r} is not a variable (?name: letters, digits, underscore)")
        return None
    if text.startswith("_:"):
        raise BadQuery(f"{name}: blank nodes cannot be asked for (use a variable, an IRI or a literal)")
    if not text.startswith('"'):
        return _iri(name, text, "IRI")
    if len(text) >= 2 and text.endswith('"'):
        return Literal(text[1:-1])
    quote = text.rfind('"')
    value, rest = text[1:quote], text[quote + 1:]
    if quote > 0 and rest.startswith("@") and _LANGUAGE.fullmatch(rest[1:]):
        return Literal(value, lang=rest[1:])
    if quote > 0 and rest.startswith("^^"):
        datatype = _iri(name, rest[2:], "datatype")
        return Literal(value) if datatype == XSD.string else Literal(value, datatype=datatype)
    raise BadQuery(f'{name}: {text[:80]!r} is not a literal ("text", "text"@lang or "text"^^datatype-IRI)')


def write_term(term: Term) -> str:
    """The explicit representation of ``term``, as a fragment URL carries it (the inverse of :func:`parse_term`).

    >>> write_term(Literal("3", datatype=XSD.integer))
    '"3"^^http://www.w3.org/2001/XMLSchema#integer'
    """
    if isinstance(term, Literal):
        if term.language:
            return f'"{term}"@{term.language}'
        if term.datatype and URIRef(term.datatype) != XSD.string:
            return f'"{term}"^^{term.datatype}'
        return f'"{term}"'
    return str(term)


@dataclass(frozen=True)
class Pattern:
    """A triple pattern: ``None`` in a position is a variable."""

    subject: Term | None = None
    predicate: Term | None = None
    object: Term | None = None

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Pattern:
        """The pattern of a request's ``subject``, ``predicate`` and ``object`` parameters (missing = variable)."""
        terms = {name: parse_term(name, params.get(name, "")) for name in POSITIONS}
        if isinstance(terms["subject"], Literal):
            raise BadQuery("subject: a literal cannot be a subject")
        if terms["predicate"] is not None and not isinstance(terms["predicate"], URIRef):
            raise BadQuery("predicate: only an IRI can be a predicate")
        return cls(**terms)

    def bindings(self) -> dict[str, Term]:
        return {_VARIABLES[n]: t for n in POSITIONS if (t := getattr(self, n)) is not None}

    def query(self) -> dict[str, str]:
        """The request parameters that name this pattern (its bound positions only)."""
        return {n: write_term(t) for n in POSITIONS if (t := getattr(self, n)) is not None}


def _count_query(bound: list[str]) -> str:
    """``COUNT(DISTINCT *)`` of the pattern; the bound variables are projected (and grouped), as bindings require.

    Written here, not in a ``.rq`` file: which of ?s ?p ?o the projection names depends on the pattern (eight
    shapes of one query), and only those fixed names are ever added.
    """
    if not bound:
        return "SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?s ?p ?o }"
    names = " ".join(f"?{v}" for v in bound)
    return f"SELECT {names} (COUNT(DISTINCT *) AS ?n) WHERE {{ ?s ?p ?o }} GROUP BY {names}"


def count(store: Store, pattern: Pattern) -> int:
    """How many distinct triples match ``pattern``."""
    bindings = pattern.bindings()
    rows = store.select(_count_query(sorted(bindings)), bindings).rows
    return int(rows[0]["n"]) if rows else 0


@dataclass(frozen=True)
class Fragment:
    pattern: Pattern
    page: int                  # 1-based
    page_size: int
    total: int
    triples: list[tuple[Term, Term, Term]]

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.page_size))


def fragment(store: Store, pattern: Pattern, *, page: int, page_size: int,
             counted: Callable[[Pattern], int] | None = None) -> Fragment:
    """Page ``page`` of the triples matching ``pattern``; ``counted`` gives the count (a cache, say)."""
    if page < 1:
        raise BadQuery("page: pages are numbered from 1")
    total = counted(pattern) if counted is not None else count(store, pattern)
    last = max(1, -(-total // page_size))
    if page > last:
        raise BadQuery(f"page: this fragment has {last} page{'s' if last > 1 else ''} of {page_size} triples",
                       status=404)
    bindings = pattern.bindings()
    rows = store.select(paged("fragment-page", limit=page_size, offset=(page - 1) * page_size), bindings).rows
    triples = [(r.get("s", bindings.get("s")), r.get("p", bindings.get("p")), r.get("o", bindings.get("o")))
               for r in rows]
    return Fragment(pattern, page, page_size, total, triples)  # type: ignore[arg-type]


def page_url(endpoint: str, pattern: Pattern, page: int) -> URIRef:
    """The address of page ``page`` of ``pattern``'s fragment at ``endpoint`` (page 1 carries no ``page``)."""
    params = pattern.query()
    if page > 1:
        params["page"] = str(page)
    return URIRef(endpoint + ("?" + urlencode(params) if params else ""))


def document(frag: Fragment, endpoint: str, *, dataset: URIRef, title: str) -> tuple[Dataset, URIRef]:
    """The fragment page as RDF (data in the default graph, controls in a metadata graph) and that graph's IRI."""
    here = page_url(endpoint, frag.pattern, frag.page)
    whole = page_url(endpoint, frag.pattern, 1)
    collection = URIRef(endpoint + "#dataset")
    meta = URIRef(str(here) + "#metadata")
    ds = Dataset()
    for prefix, ns in (("hydra", HYDRA), ("void", VOID), ("dcterms", DCTERMS), ("foaf", FOAF)):
        ds.bind(prefix, ns)
    data = ds.default_graph
    for triple in frag.triples:
        data.add(triple)
    g = ds.graph(meta)
    g.add((meta, FOAF.primaryTopic, here))
    g.add((collection, RDF.type, VOID.Dataset))
    g.add((collection, RDF.type, HYDRA.Collection))
    g.add((collection, VOID.subset, here))
    g.add((collection, DCTERMS.source, dataset))
    g.add((collection, DCTERMS.conformsTo, SPEC))
    g.add((collection, VOID.uriLookupEndpoint, Literal(endpoint + "?subject=")))
    search = BNode()
    g.add((collection, HYDRA.search, search))
    g.add((search, RDF.type, HYDRA.IriTemplate))
    g.add((search, HYDRA.template, Literal(endpoint + "{?subject,predicate,object}")))
    g.add((search, HYDRA.variableRepresentation, HYDRA.ExplicitRepresentation))
    for name in POSITIONS:
        mapping = BNode()
        g.add((search, HYDRA.mapping, mapping))
        g.add((mapping, RDF.type, HYDRA.IriTemplateMapping))
        g.add((mapping, HYDRA.variable, Literal(name)))
        g.add((mapping, HYDRA.property, _PROPERTIES[name]))
        g.add((mapping, HYDRA.required, Literal(False)))
    g.add((here, RDF.type, HYDRA.PartialCollectionView))
    g.add((here, DCTERMS.title, Literal(title, lang="en")))
    g.add((here, DCTERMS.source, collection))
    for prop in (HYDRA.totalItems, VOID.triples):
        g.add((here, prop, Literal(frag.total, datatype=XSD.integer)))
    g.add((here, HYDRA.itemsPerPage, Literal(frag.page_size, datatype=XSD.integer)))
    g.add((here, HYDRA.first, whole))
    g.add((here, HYDRA.last, page_url(endpoint, frag.pattern, frag.last_page)))
    if frag.page > 1:
        g.add((here, HYDRA.previous, page_url(endpoint, frag.pattern, frag.page - 1)))
    if frag.page < frag.last_page:
        g.add((here, HYDRA.next, page_url(endpoint, frag.pattern, frag.page + 1)))
    return ds, meta
