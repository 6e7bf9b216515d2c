"""A bounded load test on the live server (Granian, 127.0.0.1): 32 clients mixing pages, documents,
canned queries, search and SPARQL for a fixed number of requests.  No answer may be a 5xx, and
every answer must equal the one the same request got when sent alone.  It measures nothing:
speed figures live in ``bench/``."""

from __future__ import annotations

import urllib.parse
from concurrent.futures import ThreadPoolExecutor, as_completed

from tests.web.support import fetch

CLIENTS = 32
ROUNDS = 6  # each client sends every request of the mix this many times, in its own order
DEADLINE = 240  # seconds for the whole concurrent phase; a wedged server fails the test, never hangs it

_QUERY = ("PREFIX peel: <https://w3id.org/peelkg/def/peel#> SELECT ?j ?g WHERE { ?j a peel:Judgement ; "
          "peel:force <https://w3id.org/peelkg/id/force/norfolk> ; peel:grade ?g } ORDER BY ?j")
MIX: tuple[tuple[str, str], ...] = (
    ("/doc/force/norfolk", "text/html"),
    ("/doc/inspection/2016/norfolk/effectiveness", "text/html"),
    ("/doc/theme/domestic-abuse", "text/html"),
    ("/doc/force/norfolk.nt", "application/n-triples"),
    ("/queries/judgements.json?force=norfolk", "application/json"),
    ("/queries/forces.csv", "text/csv"),
    ("/search.json?q=domestic+abuse", "application/json"),
    ("/sparql?" + urllib.parse.urlencode({"query": _QUERY}), "application/sparql-results+json"),
    ("/sparql?" + urllib.parse.urlencode({"query": "DESCRIBE <https://w3id.org/peelkg/id/grade/good>"}),
     "application/n-triples"),
)


def _get(base: str, path: str, accept: str) -> tuple[str, int, bytes]:
    status, _headers, body = fetch(base, path, {"Accept": accept})
    return path, status, body


def test_mixed_load_gives_the_serial_answers(live_server: str) -> None:
    serial = {path: _get(live_server, path, accept) for path, accept in MIX}
    assert {path: status for path, (_p, status, _b) in serial.items()} == {path: 200 for path, _a in MIX}

    jobs = [MIX[(client + k) % len(MIX)] for client in range(CLIENTS) for k in range(ROUNDS * len(MIX))]
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        futures = [pool.submit(_get, live_server, path, accept) for path, accept in jobs]
        answers = [future.result() for future in as_completed(futures, timeout=DEADLINE)]

    assert len(answers) == len(jobs) == CLIENTS * ROUNDS * len(MIX)
    failures = [(path, status) for path, status, _body in answers if status >= 500]
    assert failures == []
    differing = sorted({path for path, status, body in answers if (status, body) != serial[path][1:]})
    assert differing == []
