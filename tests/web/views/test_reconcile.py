"""``/reconcile``: responses checked against JSON schemas written from the Reconciliation API v0.2."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask.testing import FlaskClient

SCHEMAS = Path(__file__).parents[1] / "schemas"
NAMES = {"q0": {"query": "Norfolk Constabulary"}, "q1": {"query": "Avon & Somerset"}, "q2": {"query": "Met Police"}}


def conforms(document: Any, schema: str) -> None:
    validator = jsonschema.Draft202012Validator(json.loads((SCHEMAS / f"{schema}.json").read_text(encoding="utf-8")))
    jsonschema.Draft202012Validator.check_schema(validator.schema)
    errors = [e.message for e in validator.iter_errors(document)]
    assert not errors, errors


def test_schemas_reject_what_the_spec_forbids() -> None:
    with pytest.raises(AssertionError):
        old = {"versions": ["0.1"], "name": "x", "identifierSpace": "http://e/", "schemaSpace": "http://e/"}
        conforms(old, "manifest")
    with pytest.raises(AssertionError):
        conforms({"q0": {"result": [{"id": "a", "name": "A", "score": 1}]}}, "reconciliation-result-batch")


def test_manifest(client: FlaskClient) -> None:
    response = client.get("/reconcile")
    assert response.status_code == 200 and response.mimetype == "application/json"
    manifest = response.get_json()
    conforms(manifest, "manifest")
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == "https://w3id.org/peelkg/id/"
    assert manifest["schemaSpace"] == "https://w3id.org/peelkg/def/peel#"
    assert {t["id"] for t in manifest["defaultTypes"]} == {"Force", "PartnerOrganisation", "Theme"}
    view = manifest["view"]["url"].replace("{{id}}", "force/norfolk").removeprefix("https://w3id.org/peelkg")
    assert client.get(view).status_code == 200


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_batch_resolves_name_variants(client: FlaskClient, method: str) -> None:
    data = {"queries": json.dumps(NAMES)}
    response = client.get("/reconcile", query_string=data) if method == "GET" else client.post("/reconcile", data=data)
    assert response.status_code == 200
    batch = response.get_json()
    conforms(batch, "reconciliation-result-batch")
    top = {key: batch[key]["result"][0] for key in NAMES}
    assert {k: v["id"] for k, v in top.items()} == {
        "q0": "force/norfolk", "q1": "force/avon-and-somerset", "q2": "force/metropolitan"}
    assert all(v["match"] and v["score"] == 100 and v["type"] == [{"id": "Force", "name": "Police force"}]
               for v in top.values())


def test_types_limits_and_properties(client: FlaskClient) -> None:
    queries = {
        "theme": {"query": "domestic abuse", "type": "Theme", "limit": 1},
        "typo": {"query": "Norflok", "type": ["Force"], "properties": [{"pid": "onsCode", "v": "E23000024"}]},
        "none": {"query": "zebra crossing"},
    }
    batch = client.get("/reconcile", query_string={"queries": json.dumps(queries)}).get_json()
    conforms(batch, "reconciliation-result-batch")
    assert [r["id"] for r in batch["theme"]["result"]] == ["theme/domestic-abuse"]
    assert batch["typo"]["result"][0]["id"] == "force/norfolk"
    assert batch["none"]["result"] == []


@pytest.mark.parametrize("queries", [
    "not json", "[]", "{}", json.dumps({"q0": {"limit": 3}}), json.dumps({"q0": {"query": 5}}),
    json.dumps({"q0": {"query": "x", "limit": -1}}), json.dumps({"q0": {"query": "x" * 400}}),
    json.dumps({f"q{i}": {"query": "x"} for i in range(51)}),
])
def test_bad_batches_get_a_json_400(client: FlaskClient, queries: str) -> None:
    response = client.post("/reconcile", data={"queries": queries})
    assert response.status_code == 400 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == 400 and "Traceback" not in body["message"] and "/" not in body["message"][:1]


def test_suggest_services(client: FlaskClient) -> None:
    entities = client.get("/reconcile/suggest/entity", query_string={"prefix": "norf"}).get_json()
    conforms(entities, "suggest-entities")
    assert entities["result"][0]["id"] == "force/norfolk"
    themes = client.get("/reconcile/suggest/entity", query_string={"prefix": "dom", "type": "Theme"}).get_json()
    assert themes["result"] and all(r["notable"][0]["id"] == "Theme" for r in themes["result"])
    types = client.get("/reconcile/suggest/type", query_string={"prefix": "part"}).get_json()
    conforms(types, "suggest-types")
    assert [t["id"] for t in types["result"]] == ["PartnerOrganisation"]
    properties = client.get("/reconcile/suggest/property", query_string={"prefix": "ons"}).get_json()
    conforms(properties, "suggest-properties")
    assert [p["id"] for p in properties["result"]] == ["onsCode"]
    assert client.get("/reconcile/suggest/entity", query_string={"prefix": "n", "cursor": "x"}).status_code == 400


def test_preview_is_a_small_frameable_page(client: FlaskClient) -> None:
    response = client.get("/reconcile/preview", query_string={"id": "force/metropolitan"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "Metropolitan Police Service" in text and "Met Police" in text and 'href="/doc/force/metropolitan"' in text
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert client.get("/reconcile/preview", query_string={"id": "force/nowhere"}).status_code == 404


def test_cross_origin_clients_may_read_it(client: FlaskClient) -> None:
    response = client.get("/reconcile", headers={"Origin": "https://refine.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_live_server_answers_a_batch_over_http(live_server: str) -> None:
    body = urllib.parse.urlencode({"queries": json.dumps(NAMES)}).encode()
    with urllib.request.urlopen(urllib.request.Request(live_server + "/reconcile", data=body), timeout=30) as reply:
        batch = json.loads(reply.read())
    conforms(batch, "reconciliation-result-batch")
    assert batch["q2"]["result"][0]["id"] == "force/metropolitan"
    with urllib.request.urlopen(live_server + "/reconcile", timeout=30) as reply:
        manifest = json.loads(reply.read())
    conforms(manifest, "manifest")
    # no public_base_url here: the manifest names the persistent base IRI, never the Host it was asked on
    assert manifest["preview"]["url"].startswith("https://w3id.org/peelkg/reconcile/preview")
