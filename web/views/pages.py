"""Dereferencing and entity pages: ``/id/…`` (303), ``/doc/…`` (negotiated), home and indexes.

Each view builds its data from ``kg`` functions and hands it to a renderer: a Jinja template
for HTML, :func:`web.http.negotiation.serialise` for the RDF formats.  Negotiation is in
``web.http.negotiation``, validators and the render cache in ``web.http.caching``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request
from rdflib import URIRef
from werkzeug.exceptions import NotAcceptable

from kg.errors import BadQuery, NotFound
from kg.namespaces import BASE, ORG, PEEL
from kg.store.local import Store
from web.context import peel
from web.http.caching import finish
from web.http.negotiation import FORMATS, HTML, alternates, choose, serialise, split_suffix, vary_on_accept
from web.present import comparison, profiles, schemaorg
from web.present.describe import describe, entity_iri, exists, own_graph
from web.present.overview import force_index, overview, theme_index

bp = Blueprint("pages", __name__)
bp.after_request(vary_on_accept)

NAME = "PEEL inspection findings"
DESCRIPTION = ("HMICFRS PEEL inspection findings for the 43 police forces of England and Wales as linked open "
               "data: graded judgements 2015–2017, findings and areas for improvement quoted from the reports, "
               "themes and partner organisations, each with its source.")
NAVIGATION = (
    ("/", "Home"), ("/forces", "Forces"), ("/themes", "Themes"), ("/search", "Search"), ("/sparql", "SPARQL"),
    ("/queries/", "Queries"), ("/analytics", "Analytics"), ("/download/", "Downloads"), ("/dataset", "Dataset"),
    ("/def/peel", "Ontology"), ("/compare", "Compare"),
)
# Entity kinds with a page of their own: (class, template, profile of the entity).
KINDS: tuple[tuple[URIRef, str, Callable[[Store, URIRef], Any]], ...] = (
    (PEEL.Force, "force.html", profiles.force_profile),
    (PEEL.Inspection, "inspection.html", profiles.inspection_profile),
    (PEEL.Question, "question.html", profiles.question_profile),
    (PEEL.Judgement, "judgement.html", profiles.judgement_profile),
    (PEEL.Theme, "theme.html", profiles.theme_profile),
    (PEEL.Grade, "grade.html", profiles.grade_profile),
    (PEEL.PartnerOrganisation, "organisation.html", profiles.organisation_profile),
    (ORG.Organization, "organisation.html", profiles.organisation_profile),
)


@bp.app_context_processor
def site() -> dict[str, Any]:
    release = peel().release
    return {"navigation": NAVIGATION, "release_id": release.id, "release_created": release.manifest.get("created")}


def html(template: str, **data: Any) -> Response:
    return Response(render_template(template, **data), mimetype=HTML.media_type)


@bp.get("/")
def home() -> Response:
    summary = overview(peel().store, peel().release.manifest)
    jsonld = schemaorg.dataset(summary, BASE, name=NAME, description=DESCRIPTION)
    return finish(html("home.html", overview=summary, jsonld=jsonld, description=DESCRIPTION), "html")


@bp.get("/forces")
def forces() -> Response:
    index = force_index(peel().store)
    jsonld = schemaorg.item_list("Police forces of England and Wales", [f.link for f in index.forces])
    return finish(html("forces.html", index=index, jsonld=jsonld), "html")


@bp.get("/compare")
def compare_forces() -> Response:
    """Forces side by side: ``/compare?force=norfolk&force=suffolk`` (police.uk ids, in the order shown)."""
    index = force_index(peel().store)
    known = {f.link.iri.rsplit("/", 1)[-1]: f.link for f in index.forces}
    asked = [v for v in request.args.getlist("force") if v]
    unknown = [v for v in asked if v not in known]
    if unknown:
        raise BadQuery(f"force {unknown[0]!r} is not a force of this dataset: give a police.uk id such as "
                       f"'norfolk' (the choices are on /compare)")
    if len(asked) > comparison.MAX_FORCES:
        raise BadQuery(f"force: at most {comparison.MAX_FORCES} forces compare side by side")
    chosen = list(dict.fromkeys(asked))
    found = (comparison.compare(peel().store, [(URIRef(known[v].iri), known[v]) for v in chosen])
             if len(chosen) >= 2 else None)
    return finish(html("compare.html", index=index, chosen=chosen, comparison=found,
                       slots=max(3, len(chosen) + 1) if len(chosen) < comparison.MAX_FORCES else len(chosen)),
                  "html")


@bp.get("/accessibility")
def accessibility() -> Response:
    """The accessibility statement: how far the site meets WCAG 2.2 AA, how that is checked, what is known not to."""
    return finish(html("accessibility.html"), "html")


@bp.get("/themes")
def themes() -> Response:
    tree = theme_index(peel().store)
    jsonld = schemaorg.item_list("PEEL themes", [t.link for t in tree])
    return finish(html("themes.html", themes=tree, jsonld=jsonld), "html")


@bp.get("/id/<path:identifier>", merge_slashes=False)
def identifier(identifier: str) -> Response:
    """303 See Other to the entity's document, which negotiates its format."""
    if not exists(peel().store, entity_iri(identifier)):
        raise NotFound(f"no such identifier: /id/{identifier}")
    response = redirect("/doc/" + identifier, code=303)
    return finish(response, "see-other")  # type: ignore[arg-type]


@bp.get("/doc/<path:identifier>", merge_slashes=False)
def document(identifier: str) -> Response:
    stem, suffix = split_suffix(identifier)
    iri = entity_iri(stem)
    if not exists(peel().store, iri):
        raise NotFound(f"no such identifier: /id/{stem}")
    fmt = choose(suffix, request.accept_mimetypes)
    if fmt is None:
        raise NotAcceptable("This document is available as " + ", ".join(f.media_type for f in FORMATS) + ".")
    if fmt.is_rdf:
        response = Response(serialise(own_graph(peel().store, iri), fmt), mimetype=fmt.media_type)
    else:
        template, data = entity_page(iri, page_number())
        response = html(template, **data)
    response.headers["Link"] = alternates("/doc/" + stem)
    response.headers["Content-Location"] = f"/doc/{stem}.{fmt.suffix}"
    return finish(response, fmt.suffix, cacheable=set(request.args) <= {"page"})


def page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 0 < int(raw) < 1_000_000:
        raise BadQuery("page must be a whole number from 1")
    return int(raw)


def entity_page(iri: URIRef, page: int) -> tuple[str, dict[str, Any]]:
    """The template and data of an entity's HTML page."""
    store = peel().store
    described = describe(store, iri, page=page, page_size=peel().settings.page_size)
    template, profile = "entity.html", None
    for cls, name, build in KINDS:
        if described.has_type(cls):
            template, profile = name, build(store, iri)
            break
    return template, {"d": described, "profile": profile, "formats": [f for f in FORMATS if f is not HTML],
                      "doc": "/doc/" + str(iri)[len(BASE + "id/"):], "jsonld": schemaorg.entity(described, str(iri)),
                      "origin_numbers": {o.graph: n for n, o in enumerate(described.provenance.origins, start=1)}}
