"""With a remote store that does not answer, the endpoint says so with a 502 and keeps its address private."""

from __future__ import annotations

import socket
from pathlib import Path

from kg.release.layout import Release
from kg.store.remote import RemoteStore
from web.app import create_app
from web.settings import Settings


def test_unreachable_remote_store_gives_502_without_its_address(data_dir: Path, release: Release) -> None:
    with socket.socket() as sock:  # a loopback port with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/query"
    store = RemoteStore(url, timeout=3)  # the app's one store: pages and /sparql both go through it
    app = create_app(Settings(data_dir=data_dir, store_url=url, query_timeout=3), store, release=release)
    response = app.test_client().post("/sparql", data={"query": "ASK { ?s ?p ?o }"},
                                      headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 502
    body = response.get_data(as_text=True)
    assert "did not answer" in body
    assert str(port) not in body and "Traceback" not in body
