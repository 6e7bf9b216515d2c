"""The dataset description and the files crawlers read.

- ``/dataset`` (and ``/dataset.{ttl,jsonld,rdf,nt}``): the release's VoID + DCAT description,
  as a page or, by negotiation or suffix, as RDF; ``/id/dataset`` answers 303 to it.
- ``/.well-known/void``: the same description for programs (RFC 8615, VoID § 7): RDF only,
  Turtle unless the ``Accept`` header prefers another RDF format of the table.
- ``/sitemap.xml``: the site's pages and every entity page (a sitemap index of several
  files when there are more than ``SITEMAP_LIMIT``); ``/robots.txt`` points to it.  Both name
  the host they were asked on, so they stay out of the shared render cache.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, render_template, request
from rdflib import Graph
from werkzeug.exceptions import NotAcceptable

from kg.errors import NotFound
from kg.formats import TEXT, XML
from kg.namespaces import doc_path
from kg.release.search import INDEX_FILE, iris
from web.context import absolute_url, memo, peel, public_url
from web.http.caching import finish
from web.http.negotiation import BY_SUFFIX, FORMATS, HTML, Format, alternates, choose, serialise, vary_on_accept
from web.present.dataset_summary import downloads, load_description, schema_org, summarise

bp = Blueprint("dataset", __name__)
bp.after_request(vary_on_accept)

SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org)
SITE_PAGES = ("/", "/dataset", "/download/", "/def/peel", "/def/shapes", "/validation", "/forces", "/themes",
              "/releases")
RDF_FORMATS = [f for f in FORMATS if f.is_rdf]


def description() -> Graph:
    graph: Graph = memo("void", lambda: load_description(peel().release.path))
    return graph


def rdf_response(graph: Graph, fmt: Format, path: str) -> Response:
    response = Response(memo(f"void.{fmt.suffix}", lambda: serialise(graph, fmt)), mimetype=fmt.media_type)
    response.headers["Link"] = alternates(path)
    return finish(response, fmt.suffix)


@bp.get("/dataset")
@bp.get("/dataset.<suffix>")
def dataset(suffix: str | None = None) -> Response:
    if suffix is not None and suffix not in BY_SUFFIX:
        raise NotFound(f"no format .{suffix}; try " + ", ".join(f".{f.suffix}" for f in FORMATS))
    fmt = choose(BY_SUFFIX.get(suffix or ""), request.accept_mimetypes)
    if fmt is None:
        raise NotAcceptable("The description is available as " + ", ".join(f.media_type for f in FORMATS) + ".")
    if fmt.is_rdf:
        return rdf_response(description(), fmt, "/dataset")
    release = peel().release
    summary = memo("dataset.summary", lambda: summarise(description()))
    files = memo("dataset.files", lambda: downloads(release.path, release.manifest))
    page = render_template("dataset.html", d=summary, files=files, formats=RDF_FORMATS,
                           jsonld=schema_org(summary, files, public_url("/download/")))
    response = Response(page, mimetype=HTML.media_type)
    response.headers["Link"] = alternates("/dataset")
    return finish(response, HTML.suffix)


@bp.get("/.well-known/void")
def well_known_void() -> Response:
    fmt = choose(None, request.accept_mimetypes)
    return rdf_response(description(), fmt if fmt is not None and fmt.is_rdf else BY_SUFFIX["ttl"], "/dataset")


@bp.get("/id/dataset")
def dataset_identifier() -> Response:
    """The dataset's IRI: 303 See Other to its description, like every ``/id/`` IRI."""
    return finish(redirect("/dataset", code=303), "see-other")  # type: ignore[arg-type]


def entity_urls() -> list[str]:
    """The entity pages of the release: those of the entities its search index holds."""
    index = peel().release.path / INDEX_FILE
    urls: list[str] = memo("sitemap", lambda: [p for iri in (iris(index) if index.is_file() else [])
                                               if (p := doc_path(iri))])
    return urls


def xml(template: str, **data: Any) -> Response:
    return finish(Response(render_template(template, **data), mimetype=XML.media_type), XML.key)


@bp.get("/sitemap.xml")
@bp.get("/sitemap-<int:part>.xml")
def sitemap(part: int | None = None) -> Response:
    paths = [*SITE_PAGES, *entity_urls()]
    parts = (len(paths) + SITEMAP_LIMIT - 1) // SITEMAP_LIMIT
    root, modified = absolute_url(""), str(peel().release.manifest.get("created", ""))[:10]
    if part is None and parts > 1:
        return xml("sitemap.xml", index=[f"{root}/sitemap-{n}.xml" for n in range(1, parts + 1)], modified=modified)
    number = part or 1
    if not 1 <= number <= parts:
        raise NotFound(f"no sitemap part {number}")
    chunk = paths[(number - 1) * SITEMAP_LIMIT : number * SITEMAP_LIMIT]
    return xml("sitemap.xml", urls=[root + p for p in chunk], modified=modified)


@bp.get("/robots.txt")
def robots() -> Response:
    text = render_template("robots.txt", sitemap=absolute_url("/sitemap.xml"))
    return finish(Response(text, mimetype=TEXT.media_type), TEXT.key)
