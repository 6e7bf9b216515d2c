"""The ontology, its shapes and the release's validation report, for people and programs.

- ``/def/peel``: the ontology documented from its RDF (every class and property, with
  anchors ``/def/peel#Force`` …), or by negotiation or suffix (``/def/peel.ttl`` …) the RDF;
- ``/def/shapes``: the SHACL shapes the release was validated against, likewise;
- ``/validation``: the release's SHACL validation report, summarised; ``/validation.ttl``
  (or negotiation) the report graph, ``/validation.txt`` pySHACL's text.

The definitions are those the release holds (``kg.release.definitions.write_definitions``), so the
documentation matches the data served.  Parsed graphs are kept per process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template, request, send_from_directory
from rdflib import Graph
from werkzeug.exceptions import NotAcceptable

from kg.errors import DamagedRelease, NotFound
from kg.formats import HTML, TEXT
from kg.release.definitions import ONTOLOGY_FILE, SHAPES_COPY, describe_ontology, load_definition
from kg.release.publish import VALIDATION_TTL, VALIDATION_TXT
from web.context import memo, peel
from web.http.caching import finish
from web.http.negotiation import BY_SUFFIX, FORMATS, Format, alternates, choose, serialise, vary_on_accept
from web.present.shape_docs import describe_shapes, summarise_validation

bp = Blueprint("ontology_docs", __name__)
bp.after_request(vary_on_accept)

RDF_FORMATS = [f for f in FORMATS if f.is_rdf]


def validation_report(file: Path) -> Graph:
    """The release's validation report graph; DamagedRelease when the file is missing or not Turtle."""
    try:
        return Graph().parse(file, format="turtle")
    except (OSError, SyntaxError, ValueError, AssertionError) as exc:  # BadSyntax is a SyntaxError; rdflib asserts too
        raise DamagedRelease(f"this release's validation report ({VALIDATION_TTL}) cannot be read: "
                             f"{type(exc).__name__}; rebuild the release") from None


def graph_of(name: str) -> Graph:
    if name == VALIDATION_TTL:
        return memo(name, lambda: validation_report(peel().release.file(VALIDATION_TTL)))
    return memo(name, lambda: load_definition(peel().release.path, name))


def negotiated(path: str, suffix: str | None) -> Format:
    """The format ``suffix`` or the ``Accept`` header asks for: 404 for an unknown suffix, 406 if nothing fits."""
    if suffix is not None and suffix not in BY_SUFFIX:
        raise NotFound(f"no format .{suffix} of {path}; try " + ", ".join(f".{f.suffix}" for f in FORMATS))
    fmt = choose(BY_SUFFIX.get(suffix or ""), request.accept_mimetypes)
    if fmt is None:
        raise NotAcceptable(f"{path} is available as " + ", ".join(f.media_type for f in FORMATS) + ".")
    return fmt


def answer(path: str, fmt: Format, graph_name: str, template: str, **data: Callable[[], Any]) -> Response:
    """The RDF of ``graph_name`` in ``fmt``, or ``template`` rendered with ``data``'s values, with validators."""
    file = peel().release.file(graph_name)
    if fmt.suffix == "ttl" and file.is_file():  # the release's file itself, comments included
        response = Response(memo(f"{graph_name}.ttl", file.read_bytes), mimetype=fmt.media_type)
    elif fmt.is_rdf:
        body = memo(f"{graph_name}.{fmt.suffix}", lambda: serialise(graph_of(graph_name), fmt))
        response = Response(body, mimetype=fmt.media_type)
    else:
        values = {k: memo(f"{template}:{k}", make) for k, make in data.items()}
        page = render_template(template, formats=RDF_FORMATS, path=path, **values)
        response = Response(page, mimetype=HTML.media_type)
    response.headers["Link"] = alternates(path)
    return finish(response, fmt.suffix)


@bp.get("/def/peel")
@bp.get("/def/peel.<suffix>")
def ontology(suffix: str | None = None) -> Response:
    fmt = negotiated("/def/peel", suffix)
    return answer("/def/peel", fmt, ONTOLOGY_FILE, "ontology.html",
                  o=lambda: describe_ontology(graph_of(ONTOLOGY_FILE)))


@bp.get("/def/shapes")
@bp.get("/def/shapes.<suffix>")
def shapes(suffix: str | None = None) -> Response:
    fmt = negotiated("/def/shapes", suffix)
    return answer("/def/shapes", fmt, SHAPES_COPY, "shapes.html", s=lambda: describe_shapes(graph_of(SHAPES_COPY)))


@bp.get("/validation")
@bp.get("/validation.<suffix>")
def validation(suffix: str | None = None) -> Response:
    release = peel().release
    if suffix == "txt":
        return send_from_directory(release.path, VALIDATION_TXT, mimetype=TEXT.media_type)
    fmt = negotiated("/validation", suffix)
    return answer("/validation", fmt, VALIDATION_TTL, "validation.html",
                  v=lambda: summarise_validation(graph_of(VALIDATION_TTL)))
