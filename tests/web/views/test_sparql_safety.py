"""/sparql is safe to expose: it fetches nothing a query names, stops runaway queries, refuses
what would crash the engine, and says when it cut an answer.

Runs against a real server (Granian, ``peelkg serve``) on 127.0.0.1 whose time limit is set low
(``PEELKG_QUERY_TIMEOUT=3``), so the bounds below test the timeout mechanism, not speed.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import ClassVar

import pytest

from kg.namespaces import REFERENCE_GRAPH
from tests.smuggling_corpus import smuggling_corpus
from tests.web.conftest import start_server, stop_server

TIMEOUT = 3
JSON = "application/sparql-results+json"
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
LIGHT = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[str]:
    process, base = start_server(data_dir, env={"PEELKG_QUERY_TIMEOUT": str(TIMEOUT)})
    try:
        yield base
    finally:
        stop_server(process)


def get(base: str, params: list[tuple[str, str]], *, accept: str = JSON, timeout: float = 60
        ) -> tuple[int, Message, bytes]:
    url = f"{base}/sparql?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def post(base: str, body: bytes, content_type: str, *, timeout: float = 60) -> tuple[int, bytes]:
    request = urllib.request.Request(f"{base}/sparql", data=body, headers={"Content-Type": content_type,
                                                                           "Accept": JSON})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def readable_error(body: bytes) -> str:
    message = json.loads(body)["message"]
    assert message and "Traceback" not in message and ".py" not in message and "/tmp" not in message
    return str(message)


# -- nothing is fetched ------------------------------------------------------------------------

class Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b"<http://e/s> <http://e/p> <http://e/o> .\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def listener() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request made to it."""
    Recorder.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", Recorder.hits
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def test_the_listener_records_what_reaches_it(listener: tuple[str, list[str]]) -> None:
    url, hits = listener
    with urllib.request.urlopen(url + "/probe", timeout=10):
        pass
    assert hits == ["/probe"]


def test_service_from_and_graph_parameters_fetch_nothing(server: str, listener: tuple[str, list[str]]) -> None:
    url, hits = listener
    status, _, body = get(server, [("query", f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}")])
    assert status == 400 and "SERVICE" in readable_error(body)
    status, _, body = get(server, [("query", f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}")])
    assert status == 400
    for query, graphs in [
        (f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}", []),
        (f"SELECT * FROM NAMED <{url}/named.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", []),
        (f"SELECT * WHERE {{ GRAPH <{url}/graph.ttl> {{ ?s ?p ?o }} }}", []),
        ("SELECT * WHERE { ?s ?p ?o }", [("default-graph-uri", f"{url}/default.ttl")]),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", [("named-graph-uri", f"{url}/named-param.ttl")]),
    ]:
        status, _, body = get(server, [("query", query), *graphs])
        assert status == 200, body
        assert json.loads(body)["results"]["bindings"] == []
    status, body = post(server, f"SELECT * FROM <{url}/posted.ttl> WHERE {{ ?s ?p ?o }}".encode(),
                        "application/sparql-query")
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    time.sleep(0.5)  # a fetch, had one been started, would have arrived by now
    assert hits == []


def test_from_a_local_file_leaks_nothing(server: str) -> None:
    for query in ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
                  "SELECT * WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }",
                  "CONSTRUCT { ?s ?p ?o } FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"):
        status, _, body = get(server, [("query", query)], accept=f"{JSON}, text/turtle")
        assert status == 200
        assert b"root:" not in body and b"/bin/" not in body
    status, _, body = get(server, [("query", "SELECT * WHERE { ?s ?p ?o }"),
                                   ("default-graph-uri", "file:///etc/passwd")])
    assert status == 200 and json.loads(body)["results"]["bindings"] == []


# -- runaway and crashing queries --------------------------------------------------------------

def test_a_cross_product_is_stopped_while_a_light_query_is_answered(server: str) -> None:
    heavy: dict[str, object] = {}

    def run_heavy() -> None:
        started = time.monotonic()
        heavy["status"], _, heavy["body"] = get(server, [("query", CROSS_PRODUCT)], timeout=60)
        heavy["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_heavy)
    thread.start()
    try:
        time.sleep(0.5)
        started = time.monotonic()
        status, _, body = get(server, [("query", LIGHT)], timeout=30)
        light_seconds = time.monotonic() - started
        light_done_while_heavy_ran = thread.is_alive()
    finally:
        thread.join(timeout=60)
    assert status == 200 and json.loads(body)["boolean"] is True
    assert light_done_while_heavy_ran, "the light query waited for the heavy one"
    assert light_seconds < 3
    assert heavy["status"] == 503
    assert "time limit" in readable_error(heavy["body"])  # type: ignore[arg-type]
    assert heavy["seconds"] < 20  # type: ignore[operator]


@pytest.mark.parametrize("content_type", ["application/sparql-query", "application/x-www-form-urlencoded"])
def test_a_query_nested_5000_deep_is_refused_and_the_endpoint_lives_on(server: str, content_type: str) -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    body = deep.encode() if content_type.endswith("query") else urllib.parse.urlencode({"query": deep}).encode()
    status, answer = post(server, body, content_type)
    assert status == 400
    assert "5000 deep" in readable_error(answer)
    status, _, answer = get(server, [("query", LIGHT)], timeout=30)
    assert status == 200 and json.loads(answer)["boolean"] is True


def test_a_query_nested_5000_deep_by_get_is_refused_too(server: str) -> None:
    # Refused, by the front end's request-line limit or by the guard's nesting limit, never answered.
    status, _, _ = get(server, [("query", "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000)])
    assert 400 <= status < 500
    status, _, answer = get(server, [("query", LIGHT)], timeout=30)
    assert status == 200 and json.loads(answer)["boolean"] is True


# -- the row cap -----------------------------------------------------------------------------

def test_a_20000_row_request_is_refused_naming_the_cap_and_the_page_shows_its_start(server: str) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20000"  # more than 10,000 statements
    for accept in ("text/csv", "application/sparql-results+json"):
        status, headers, body = get(server, [("query", query)], accept=accept)
        assert status == 400, accept
        assert b"more than 10000 rows" in body and b"LIMIT 10000" in body
    status, headers, page = get(server, [("query", query)], accept="text/html")
    assert headers["X-SPARQL-MaxRows"] == "10000" and b"cut at 10,000 rows" in page


def test_a_page_of_the_same_query_within_the_cap_is_answered_whole(server: str) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10000"
    status, headers, body = get(server, [("query", query)], accept="text/csv")
    assert status == 200 and "X-SPARQL-MaxRows" not in headers
    assert body.count(b"\r\n") == 1 + 10000


def test_an_answer_under_the_cap_has_no_notice(server: str) -> None:
    status, headers, body = get(server, [("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 10"),
                                         ("default-graph-uri", str(REFERENCE_GRAPH))])
    assert status == 200 and "X-SPARQL-MaxRows" not in headers
    assert len(json.loads(body)["results"]["bindings"]) == 10


# -- the smuggling corpus against the running endpoint -------------------------------------------

def test_every_spelling_of_service_gets_a_400_naming_it_and_fetches_nothing(
        server: str, listener: tuple[str, list[str]]) -> None:
    url, hits = listener
    for name, query in smuggling_corpus(f"{url}/sparql").items():
        status, _, body = get(server, [("query", query)])
        assert status == 400 and "SERVICE" in readable_error(body), name
        for content_type, data in [("application/sparql-query", query.encode()),
                                   ("application/x-www-form-urlencoded",
                                    urllib.parse.urlencode({"query": query}).encode())]:
            status, body = post(server, data, content_type)
            assert status == 400 and "SERVICE" in readable_error(body), (name, content_type)
    time.sleep(0.5)  # a fetch, had one been started, would have arrived by now
    assert hits == []


def test_dataset_clauses_and_load_behind_lexical_tricks_fetch_nothing(
        server: str, listener: tuple[str, list[str]]) -> None:
    url, hits = listener
    escaped = url.replace(":", "\\u003A", 1)
    for query, graphs in [
        (f"SELECT * #\rFROM <{url}/cr.ttl> WHERE {{ ?s ?p ?o }}", []),
        (f"select * from named <{url}/lower.ttl> where {{ graph ?g {{ ?s ?p ?o }} }}", []),
        (f"SELECT * FROMNAMED<{url}/together.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", []),
        (f"SELECT * FROM <{escaped}/escaped.ttl> WHERE {{ ?s ?p ?o }}", []),
        ("SELECT * WHERE { ?s ?p ?o }", [("default-graph-uri", f"{url}/d.ttl"), ("named-graph-uri", f"{url}/n")]),
    ]:
        status, _, body = get(server, [("query", query), *graphs])
        assert status in (200, 400), (query, body)
    for update in (f"LOAD <{url}/load.ttl>", f"#\rLOAD SILENT <{url}/load.ttl> INTO GRAPH <http://e/g>",
                   f"load<{url}/load.ttl>"):
        status, _, body = get(server, [("query", update)])
        assert status == 400, update
        status, body = post(server, urllib.parse.urlencode({"update": update}).encode(),
                            "application/x-www-form-urlencoded")
        assert 400 <= status < 500, update
    time.sleep(0.5)
    assert hits == []


def test_an_allowlisted_service_still_reaches_nothing_from_the_query_workers(
        data_dir: Path, listener: tuple[str, list[str]]) -> None:
    """Past the guard (the endpoint allows it), the query still runs where no network is reachable."""
    url, hits = listener
    process, base = start_server(data_dir, env={"PEELKG_SERVICE_ALLOWLIST": f"{url}/sparql"})
    try:
        status, _, body = get(base, [("query", f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}")])
        assert status == 200 and json.loads(body)["results"]["bindings"] == [{}]
        status, _, body = get(base, [("query", f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}")])
        assert status == 500 and "no network access" in readable_error(body)
    finally:
        stop_server(process)
    time.sleep(0.5)
    assert hits == []
