"""Identifiers the data uses that are documents of their own, so that none of them answers 404:

- ``/def/peel/{version}``: the ontology's ``owl:versionIRI``; the ontology document of that version;
- ``/def/endpoint``: the vocabulary of the service description's limit terms (``limits:maxRows`` …);
- ``/graph/{name}``: each named graph of the release; its statements in the RDF format asked for,
  or, for a browser, ``303 See Other`` to the dataset description that lists the graphs.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from kg.errors import NotFound
from kg.formats import HTML
from kg.namespaces import GRAPH, ONTOLOGY
from kg.query.internal import internal_query
from kg.query.service_description import ENDPOINT_VOCABULARY, endpoint_vocabulary
from kg.release.definitions import ONTOLOGY_FILE, describe_ontology
from web.context import memo, peel
from web.http.caching import finish
from web.http.negotiation import alternates, serialise, split_suffix, vary_on_accept
from web.views.ontology_docs import RDF_FORMATS, graph_of, negotiated, ontology

bp = Blueprint("identifiers", __name__)
bp.after_request(vary_on_accept)


@bp.get("/def/peel/<version>")
def ontology_version(version: str) -> Response:
    stem, fmt = split_suffix(version)
    stated = graph_of(ONTOLOGY_FILE).value(ONTOLOGY, OWL.versionIRI)
    if stated is None or str(stated) != f"{ONTOLOGY}/{stem}":
        raise NotFound(f"no version {stem!r} of the ontology; the current one is {stated}")
    return ontology(fmt.suffix if fmt else None)


@bp.get("/def/endpoint")
@bp.get("/def/endpoint.<suffix>")
def endpoint_terms(suffix: str | None = None) -> Response:
    fmt = negotiated("/def/endpoint", suffix)
    graph: Graph = memo("endpoint-vocabulary", endpoint_vocabulary)
    if fmt.is_rdf:
        response = Response(memo(f"endpoint-vocabulary.{fmt.suffix}", lambda: serialise(graph, fmt)),
                            mimetype=fmt.media_type)
    else:
        doc = memo("endpoint-vocabulary:o", lambda: describe_ontology(graph, URIRef(ENDPOINT_VOCABULARY)))
        response = Response(render_template("ontology.html", formats=RDF_FORMATS, path="/def/endpoint", o=doc),
                            mimetype=HTML.media_type)
    response.headers["Link"] = alternates("/def/endpoint")
    return finish(response, fmt.suffix)


@bp.get("/graph/<path:name>")
def named_graph(name: str) -> Response:
    iri = GRAPH[name]
    if str(iri) not in peel().release.manifest.get("graphs", []):
        raise NotFound(f"no named graph {name!r} in this release; see /dataset")
    fmt = negotiated(f"/graph/{name}", None)
    if not fmt.is_rdf:
        return Response(status=303, headers={"Location": "/dataset"})
    body = memo(f"graph:{name}.{fmt.suffix}",
                lambda: serialise(peel().store.construct(internal_query("named-graph"), {"g": iri}), fmt))
    return finish(Response(body, mimetype=fmt.media_type), fmt.suffix)
