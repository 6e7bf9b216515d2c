"""Content negotiation for entity documents, in one place.

``FORMATS`` are the formats of ``kg.formats`` a document has (URL suffix ↔ media type ↔ serializer).  :func:`choose`
picks a format from an explicit suffix or, without one, from the request's ``Accept`` header
(werkzeug's parser, so q-values count; no header means HTML; nothing acceptable means
``None``, which the caller answers with 406).  A negotiated answer carries ``Vary: Accept``,
added by :func:`vary_on_accept` to whatever response the request ends with, errors included;
every document carries a ``Link`` header to each of its formats (:func:`alternates`).
"""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox
from flask import Response, g
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from werkzeug.datastructures import MIMEAccept

from kg.formats import DATASET, GRAPH, HTML, PAGE, Format, of_kind
from kg.store.local import to_oxigraph

__all__ = ["BY_SUFFIX", "DATASET_FORMATS", "FORMATS", "HTML", "Format", "alternates", "choose", "negotiate",
           "serialise", "serialise_dataset", "split_suffix", "vary_on_accept"]

# A document's formats: its page, then the graph formats of ``kg.formats``.
FORMATS: tuple[Format, ...] = tuple(of_kind(PAGE, GRAPH))
# Documents of several graphs (a Triple Pattern Fragment: its data and a metadata graph): the
# quad formats first, then the graph formats (JSON-LD keeps the graphs; the others hold
# triples, so every graph's triples are sent together, as the TPF specification allows).
DATASET_FORMATS: tuple[Format, ...] = tuple(of_kind(DATASET, GRAPH))
BY_SUFFIX = {f.suffix: f for f in FORMATS}


def split_suffix(path: str) -> tuple[str, Format | None]:
    """``"force/norfolk.ttl"`` → ``("force/norfolk", Turtle)``; a path without a known suffix is kept whole.

    >>> split_suffix("force/norfolk.ttl")[1].media_type
    'text/turtle'
    >>> split_suffix("force/norfolk")
    ('force/norfolk', None)
    """
    stem, dot, suffix = path.rpartition(".")
    if dot and suffix in BY_SUFFIX and "/" not in suffix:
        return stem, BY_SUFFIX[suffix]
    return path, None


def negotiate(accept: MIMEAccept, formats: tuple[Format, ...] = FORMATS) -> Format | None:
    """The best of ``formats`` (a document's, by default) for an ``Accept`` header; the first of them when
    there is none (HTML), ``None`` when nothing fits.  On a tie, the earlier format wins.

    >>> from werkzeug.http import parse_accept_header
    >>> negotiate(parse_accept_header("text/turtle;q=0.9, application/ld+json;q=0.5", MIMEAccept)).suffix
    'ttl'
    >>> negotiate(parse_accept_header("image/png", MIMEAccept)) is None
    True

    A wildcard matches only the registered types, never an alias (``application/*`` is not
    answered as ``application/x-turtle``); an alias named outright is answered in its own
    type: ``application/json`` gets JSON-LD labelled ``application/json`` (RFC 9110 §12.5.1:
    the type answered is one the request accepts).

    >>> negotiate(parse_accept_header("application/*", MIMEAccept)).media_type
    'application/ld+json'
    >>> negotiate(parse_accept_header("application/json", MIMEAccept)).media_type
    'application/json'
    >>> negotiate(parse_accept_header("application/x-turtle", MIMEAccept)).suffix
    'ttl'

    A document of several graphs offers ``DATASET_FORMATS`` (TriG when there is no header):

    >>> negotiate(parse_accept_header("application/n-quads,text/turtle;q=0.6", MIMEAccept), DATASET_FORMATS).suffix
    'nq'
    >>> negotiate(parse_accept_header("text/html", MIMEAccept), DATASET_FORMATS) is None
    True
    """
    if not accept:
        return formats[0]
    best = accept.best_match([f.media_type for f in formats])
    if best:
        return next(f for f in formats if f.media_type == best)
    aliases = {m: f for f in formats if f.is_rdf for m in f.accept_aliases}
    named = sorted(((q, m) for m, q in accept if q > 0 and m in aliases), reverse=True)
    if not named:
        return None
    return replace(aliases[named[0][1]], media_type=named[0][1])


def choose(suffix_format: Format | None, accept: MIMEAccept) -> Format | None:
    """The explicit suffix's format, else the negotiated one (and then the answer varies on Accept)."""
    if suffix_format is not None:
        return suffix_format
    g.peelkg_negotiated = True
    return negotiate(accept)


def vary_on_accept(response: Response) -> Response:
    """``after_request`` hook: ``Vary: Accept`` on every answer whose format was negotiated."""
    if g.get("peelkg_negotiated"):
        response.vary.add("Accept")
    return response


def alternates(path: str) -> str:
    """A ``Link`` header value naming each format of the document at ``path`` (``/doc/force/norfolk``)."""
    return ", ".join(f'<{path}.{f.suffix}>; rel="alternate"; type="{f.media_type}"' for f in FORMATS)


def serialise(graph: Graph, fmt: Format) -> bytes:
    """``graph`` in an RDF format of the table, as UTF-8 bytes."""
    assert fmt.rdflib is not None and fmt.is_rdf, "HTML is rendered from templates"
    if fmt.rdflib == "json-ld":
        used = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
        context = {prefix: str(ns) for prefix, ns in graph.namespaces()
                   if prefix and any(iri.startswith(str(ns)) for iri in used)}
        return graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")


def serialise_dataset(ds: Dataset, fmt: Format) -> bytes:
    """``ds`` in a format of ``DATASET_FORMATS`` (by Oxigraph's serialisers, which keep the graphs);
    a triples-only format gets every graph's triples together."""
    target = fmt.rdf_format
    prefixes = {p: str(ns) for p, ns in ds.namespaces() if p}
    ordered = sorted(ds.quads((None, None, None, None)),  # the default graph first, each graph in one block
                     key=lambda q: (q[3] != DATASET_DEFAULT_GRAPH_ID, str(q[3]), str(q[0]), str(q[1]), str(q[2])))
    if target.supports_datasets:
        quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o),  # type: ignore[arg-type]
                         ox.DefaultGraph() if c == DATASET_DEFAULT_GRAPH_ID else to_oxigraph(c))  # type: ignore[arg-type]
                 for s, p, o, c in ordered]
        return bytes(ox.serialize(quads, format=target,
                                  prefixes=None if target == ox.RdfFormat.N_QUADS else prefixes) or b"")
    triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
               for s, p, o, _ in ordered]
    return bytes(ox.serialize(triples, format=target,
                              prefixes=None if target == ox.RdfFormat.N_TRIPLES else prefixes) or b"")
