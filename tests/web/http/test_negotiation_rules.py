"""Content negotiation as RFC 9110 §12 has it, through a real server: the type answered is one the
``Accept`` header accepts (or 406), and every answer chosen by ``Accept`` — errors too — says
``Vary: Accept``.  JSON-LD answered for ``application/json`` is read by PyLD.

Regressions: ``application/*`` was answered as Turtle (via the ``application/x-turtle`` alias, a
type not accepted); ``application/json`` got 406; negotiated 404s and SPARQL 400s had no ``Vary``.
"""

from __future__ import annotations

import json

import pytest
from pyld import jsonld
from rdflib import Graph
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from tests.web.support import fetch

DOC = "/doc/force/norfolk"
ACCEPTS = ["application/*", "application/json", "text/*", "*/*", "application/x-turtle", "text/turtle;q=0.5, */*;q=0.1",
           "application/n-triples", "application/rdf+xml, application/*;q=0.2", "text/html", "image/png",
           "application/json;q=0.9, text/turtle"]


@pytest.mark.parametrize("accept", ACCEPTS)
def test_the_type_answered_is_accepted(live_server: str, accept: str) -> None:
    status, headers, _ = fetch(live_server, DOC, {"Accept": accept})
    if status == 406:
        return
    assert status == 200
    answered = headers["Content-Type"].split(";")[0].strip()
    assert parse_accept_header(accept, MIMEAccept).quality(answered) > 0, answered
    assert "Accept" in headers.get("Vary", "")


def test_application_wildcard_is_answered_in_a_registered_type(live_server: str) -> None:
    status, headers, _ = fetch(live_server, DOC, {"Accept": "application/*"})
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json")


def test_application_json_gets_json_ld_that_pyld_reads(live_server: str) -> None:
    status, headers, body = fetch(live_server, DOC, {"Accept": "application/json"})
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    quads = jsonld.to_rdf(json.loads(body), {"format": "application/n-quads"})
    _, _, turtle = fetch(live_server, DOC + ".ttl")
    assert len(Graph().parse(data=quads, format="nt")) == len(Graph().parse(data=turtle, format="turtle")) > 0


@pytest.mark.parametrize(("path", "accept", "status"), [
    ("/doc/force/no-such-force", "text/turtle", 404),
    ("/id/force/no-such-force", "application/ld+json", 404),
    ("/sparql?query=SELECT", "application/sparql-results+json", 400),
    ("/sparql?query=SELECT", "text/html", 400),
])
def test_errors_chosen_by_accept_vary_on_it(live_server: str, path: str, accept: str, status: int) -> None:
    answered, headers, _ = fetch(live_server, path, {"Accept": accept})
    assert answered == status
    assert "Accept" in [v.strip() for v in headers.get("Vary", "").split(",")]
