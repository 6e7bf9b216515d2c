"""Downloads: ``/download/`` lists the release's files (size, SHA-256, count); ``/download/{file}`` serves one.

Files are sent from the release folder with ``send_from_directory``: streamed (the server's
``sendfile`` where it has one), with ``ETag``/``Last-Modified``, conditional GET and byte
ranges, and a ``Repr-Digest`` header (RFC 9530) carrying the file's SHA-256.  Only the
names of ``kg.release.dumps.DOWNLOADS`` and ``SHA256SUMS`` are served; anything else is 404.
``/download/{release-id}/{file}`` serves the same files of one version, while its release is kept.
``dump.nq.gz`` is ``application/gzip`` with no ``Content-Encoding``: the bytes sent are the
file's, so any client saves what ``SHA256SUMS`` lists, and ``Accept-Encoding`` changes nothing.
"""

from __future__ import annotations

import base64
from pathlib import Path

from flask import Blueprint, Response, render_template, send_from_directory

from kg.errors import NotFound, ReleaseError
from kg.formats import HTML, TEXT
from kg.release.dumps import CHECKSUMS, download, read_checksums
from kg.release.history import version_folder
from kg.release.layout import open_release
from web.context import peel, public_url
from web.http.caching import finish
from web.present.dataset_summary import downloads

bp = Blueprint("downloads", __name__)


@bp.get("/download/")
def index() -> Response:
    release = peel().release
    files = downloads(release.path, release.manifest)
    page = render_template("downloads.html", files=files, checksums=CHECKSUMS, root=public_url("/"))
    return finish(Response(page, mimetype=HTML.media_type), HTML.key)


@bp.get("/download/<name>")
def file(name: str) -> Response:
    return _send(peel().release.path, name)


@bp.get("/download/<release>/<name>")
def version_file(release: str, name: str) -> Response:
    """A download of one version, at an address that answers for as long as the release is kept."""
    folder = version_folder(peel().release.path, release)
    try:
        leased = open_release(folder) if folder is not None else None  # no build prunes it while leased
    except ReleaseError:
        leased = None
    if folder is None or leased is None:
        raise NotFound(f"release {release!r} is not kept here (any more); /releases lists the versions kept")
    response = _send(folder, name)  # the file is open once the response exists: the lease may go
    del leased
    return response


def _send(folder: Path, name: str) -> Response:
    entry = download(name)
    if entry is None and name != CHECKSUMS:
        raise NotFound(f"no download named {name!r}; see /download/")
    if not (folder / name).is_file():
        raise NotFound(f"this release has no {name}")
    response = send_from_directory(folder, name, conditional=True, etag=True)
    response.headers["Content-Type"] = entry.media_type if entry else TEXT.content_type
    # send_file guesses "gzip" from the .gz name and sends it as Content-Encoding, which tells
    # every client to undo it: a gzip file is the representation itself, not a transfer coding.
    response.headers.pop("Content-Encoding", None)
    digest = read_checksums(folder).get(name)
    if digest:
        response.headers["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"
    return response
