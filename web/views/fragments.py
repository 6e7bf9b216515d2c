"""``/fragments``: the release's Triple Pattern Fragments (``kg.query.fragments``), for clients such as Comunica.

``GET /fragments?subject=…&predicate=…&object=…&page=N`` answers one page of the matching
triples with the hypermedia controls, in TriG, N-Quads or JSON-LD (data and metadata graphs) or
in a triples-only format of the table (negotiated; ``406`` when none is acceptable).  A bad
term or page is a ``400`` naming the parameter; a page past the last one is a ``404``.  Counts
are kept per release in a bounded cache; the answer carries the release's validators
(``ETag``, ``Last-Modified``, ``Cache-Control``) like the other data surfaces, but stays out of
the shared render cache because its controls name the host that was asked.  Other sites' pages
may read fragments (CORS, the ``cors_origins`` setting), as they may the SPARQL endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, request
from rdflib import URIRef
from werkzeug.exceptions import NotAcceptable

from kg.errors import BadQuery
from kg.namespaces import BASE
from kg.query import fragments as tpf
from kg.query.cache import ResultCache
from web.context import memo, peel
from web.http.caching import finish
from web.http.cors import allow_cross_origin
from web.http.negotiation import DATASET_FORMATS, negotiate, serialise_dataset

bp = Blueprint("fragments", __name__)
bp.after_request(allow_cross_origin)  # browser clients (Comunica's web client) on other sites

COUNTS_BUDGET = 4 * 1024 * 1024  # bytes of the per-release count cache (about 10,000 patterns)
MAX_PAGE_SIZE = 10_000


@dataclass(frozen=True)
class Count:
    n: int

    def __len__(self) -> int:  # what it holds, for the cache's budget
        return 32


def counted(pattern: tpf.Pattern) -> int:
    cache: ResultCache[Count] = memo("fragments.counts", lambda: ResultCache(COUNTS_BUDGET))
    found = cache.get(pattern)
    if found is None:
        found = Count(tpf.count(peel().store, pattern))
        cache.put(pattern, found)
    return found.n


def page_number(raw: str | None) -> int:
    if raw is None:
        return 1
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise BadQuery(f"page: {raw[:20]!r} is not a page number (1, 2, …)")
    return int(raw)


@bp.get("/fragments")
def fragments() -> Response:
    pattern, page = tpf.Pattern.parse(request.args), page_number(request.args.get("page"))
    fmt = negotiate(request.accept_mimetypes, DATASET_FORMATS)
    if fmt is None:
        raise NotAcceptable("Fragments are available as " + ", ".join(f.media_type for f in DATASET_FORMATS) + ".")
    size = min(max(1, peel().settings.fragment_page_size), MAX_PAGE_SIZE)
    frag = tpf.fragment(peel().store, pattern, page=page, page_size=size,
                        counted=counted)
    endpoint = request.url_root + "fragments"
    ds, _ = tpf.document(frag, endpoint, dataset=URIRef(BASE + "id/dataset"),
                         title=f"Triple Pattern Fragment, page {frag.page} of {frag.last_page}")
    response = Response(serialise_dataset(ds, fmt), mimetype=fmt.media_type)
    response.vary.add("Accept")
    response.headers["Link"] = f'<{tpf.SPEC}>; rel="profile"'
    return finish(response, f"tpf-{fmt.suffix}", cacheable=False)  # the controls name this host
