"""Downloads: ``/download/`` lists the release's files (size, SHA-256, count); ``/download/{file}`` serves one.

Files are sent from the release folder with ``send_from_directory``: streamed (the server's
``sendfile`` where it has one), with ``ETag``/``Last-Modified``, conditional GET and byte
ranges, and a ``Repr-Digest`` header (RFC 9530) carrying the file's SHA-256.  Only the
names of ``kg.release.dumps.DOWNLOADS`` and ``SHA256SUMS`` are served; anything else is 404.
``dump.nq.gz`` is ``application/gzip`` with no ``Content-Encoding``: the bytes sent are the
file's, so any client saves what ``SHA256SUMS`` lists, and ``Accept-Encoding`` changes nothing.
"""

from __future__ import annotations

import base64

from flask import Blueprint, Response, render_template, send_from_directory

from kg.errors import NotFound
from kg.formats import HTML, TEXT
from kg.release.dumps import CHECKSUMS, download, read_checksums
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
    release = peel().release
    entry = download(name)
    if entry is None and name != CHECKSUMS:
        raise NotFound(f"no download named {name!r}; see /download/")
    if not (release.path / name).is_file():
        raise NotFound(f"this release has no {name}")
    response = send_from_directory(release.path, name, conditional=True, etag=True)
    response.headers["Content-Type"] = entry.media_type if entry else TEXT.content_type
    # send_file guesses "gzip" from the .gz name and sends it as Content-Encoding, which tells
    # every client to undo it: a gzip file is the representation itself, not a transfer coding.
    response.headers.pop("Content-Encoding", None)
    digest = read_checksums(release.path).get(name)
    if digest:
        response.headers["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"
    return response
