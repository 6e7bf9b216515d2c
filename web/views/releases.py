"""Versions of the dataset: the list of releases, each one's changelog, and an Atom feed of them.

- ``/releases``: every version up to the served one, newest first (HTML);
- ``/releases.atom``: the same as an Atom feed (RFC 4287), one entry per release;
- ``/releases/{release-id}``: what that release changed since its previous version (HTML), with
  ``/releases/{release-id}/changes.csv`` beside it; a release no longer kept answers 404 saying so;
- ``/id/release/{release-id}``: the version's IRI, 303 See Other to its page.

The data are the release's ``changes.json`` (``kg.release.history``); the same changelog is in RDF in
the dataset description (``/dataset``).  Each version's downloads are under ``/download/{release-id}/``
(``web.views.downloads``).
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, send_from_directory

from kg.errors import NotFound
from kg.formats import ATOM, HTML
from kg.namespaces import OGL_ATTRIBUTION, doc_path
from kg.release.dumps import CSV_TABLE
from kg.release.history import CHANGES_CSV, SERIES, Version, read_history, version_folder, versions
from web.context import absolute_url, peel
from web.http.caching import finish

bp = Blueprint("releases", __name__)



def _version(release: str) -> Version:
    """The version ``release`` of the served release's history (kept or not), else 404."""
    found = next((v for v in versions(peel().release.path) if v.release == release), None)
    if found is None:
        raise NotFound(f"no release {release!r}; /releases lists every version")
    return found


@bp.get("/releases")
def index() -> Response:
    page = render_template("releases.html", versions=versions(peel().release.path), current=peel().release.id)
    return finish(Response(page, content_type=HTML.content_type), "html")


@bp.get("/releases.atom")
def feed() -> Response:
    found = versions(peel().release.path)
    body = render_template("releases-feed.xml", versions=found, feed_id=str(SERIES), root=absolute_url(""),
                           updated=found[0].issued if found else None, rights=OGL_ATTRIBUTION)
    return finish(Response(body, content_type=ATOM.content_type), "atom")


@bp.get("/releases/<release>")
def changes(release: str) -> Response:
    version = _version(release)
    folder = version_folder(peel().release.path, release)
    changelog = read_history(folder).get("changelog") if folder is not None else None
    page = render_template("changes.html", version=version, changelog=changelog, link=doc_path,
                           csv_name=CHANGES_CSV)
    return finish(Response(page, content_type=HTML.content_type), "html")


@bp.get("/releases/<release>/changes.csv")
def changes_csv(release: str) -> Response:
    folder = version_folder(peel().release.path, release) if _version(release).kept else None
    if folder is None or not (folder / CHANGES_CSV).is_file():
        raise NotFound(f"release {release} is no longer kept here, nor its changelog; /releases says which are")
    response = send_from_directory(folder, CHANGES_CSV)
    response.headers["Content-Type"] = CSV_TABLE
    return response


@bp.get("/id/release/<release>")
def release_identifier(release: str) -> Response:
    """A version's IRI: 303 See Other to its page, like every ``/id/`` IRI."""
    _version(release)
    return finish(redirect(f"/releases/{release}", code=303), "see-other")  # type: ignore[arg-type]
