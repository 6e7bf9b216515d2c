"""Data extension of ``/reconcile``: property proposals and values, as OpenRefine asks for them.

The expected values come from the reference tables, not from the service.
"""

from __future__ import annotations

import csv
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from flask.testing import FlaskClient

from kg.resources import reference_dir
from tests.web.views.test_reconcile import conforms

FORM = {"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"}
# Names as a partner agency's spreadsheet spells them (none is a label of the dataset).
LOOSE = {"Norfolk police": "norfolk", "the avon & somerset constabulary": "avon-and-somerset",
         "Dyfed Powys": "dyfed-powys", "SUFFOLK POLICE": "suffolk", "Met Police": "metropolitan",
         "Hants Constabulary": "hampshire"}


def _table(name: str) -> list[dict[str, str]]:
    with (reference_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _expected(pid: str) -> dict[str, str]:
    """ONS code and 2016 overall grades of a force, from the reference tables."""
    force = next(r for r in _table("forces.csv") if r["police_uk_id"] == pid)
    grades = {f"grade-2016-{r['pillar'].lower()}": r["grade"] for r in _table("peel_grades.csv")
              if r["force_short_name"] == force["short_name"] and r["year"] == "2016" and r["question"] == "overall"}
    return {"onsCode": force["ons_pfa_code"], **grades}


def _post(client: FlaskClient, **form: str) -> Any:
    response = client.post("/reconcile", data=form, headers=FORM)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_schemas_refuse_what_the_spec_forbids() -> None:
    with pytest.raises(AssertionError):
        conforms({"ids": ["force/norfolk"]}, "data-extension-request")
    with pytest.raises(AssertionError):
        conforms({"meta": [], "rows": {"force/norfolk": {"onsCode": ["E23000024"]}}}, "data-extension-response")
    with pytest.raises(AssertionError):
        conforms({"meta": [{"id": "x", "name": "X"}], "rows": {"a": {"x": [{"str": 1}]}}}, "data-extension-response")
    with pytest.raises(AssertionError):
        conforms({"properties": [{"id": "x", "name": "X"}]}, "propose-properties")


def test_manifest_offers_extension_and_proposals_per_type(client: FlaskClient) -> None:
    manifest = client.get("/reconcile").get_json()
    conforms(manifest, "manifest")
    propose = manifest["extend"]["propose_properties"]
    assert propose["service_path"] == "/reconcile/properties"
    proposals = {}
    for type_id in ("Force", "PartnerOrganisation", "Theme"):
        answer = client.get(propose["service_path"], query_string={"type": type_id}).get_json()
        conforms(answer, "propose-properties")
        assert answer["type"] == type_id
        proposals[type_id] = [p["id"] for p in answer["properties"]]
    assert {"onsCode", "policeUkId", "wikidataId", "region", "page", "grade-latest-effectiveness",
            "grade-latest-legitimacy", "grade-2016-effectiveness", "grade-2017-efficiency"} <= set(proposals["Force"])
    assert not [p for p in proposals["Force"] if "leadership" in p]  # 2015 leadership was ungraded: not a grade
    assert {"page", "organisationType"} <= set(proposals["PartnerOrganisation"])
    assert "onsCode" not in proposals["PartnerOrganisation"] and "broaderTheme" in proposals["Theme"]
    limited = client.get(propose["service_path"], query_string={"type": "Force", "limit": "3"}).get_json()
    conforms(limited, "propose-properties")
    assert len(limited["properties"]) == 3 and limited["limit"] == 3


def test_reconcile_then_extend_as_openrefine_does(client: FlaskClient) -> None:
    # 1. reconcile the column (OpenRefine sends type_strict and a limit), take the matched ids
    queries = {f"q{i}": {"query": name, "type": "Force", "type_strict": "should", "limit": 3}
               for i, name in enumerate(LOOSE)}
    batch = _post(client, queries=json.dumps(queries))
    conforms(batch, "reconciliation-result-batch")
    tops = [batch[f"q{i}"]["result"][0] for i in range(len(LOOSE))]
    assert all(top["match"] for top in tops)  # OpenRefine extends matched cells only
    ids = [top["id"] for top in tops]
    assert ids == [f"force/{pid}" for pid in LOOSE.values()]
    # 2. add columns: ONS code and the 2016 grades
    wanted = ["onsCode", "grade-2016-effectiveness", "grade-2016-efficiency", "grade-2016-legitimacy"]
    request = {"ids": ids, "properties": [{"id": p} for p in wanted]}
    conforms(request, "data-extension-request")
    answer = _post(client, extend=json.dumps(request))
    conforms(answer, "data-extension-response")
    assert [m["id"] for m in answer["meta"]] == wanted
    assert answer["meta"][0]["name"] == "ONS code"
    for pid in LOOSE.values():
        got = {p: [v["str"] for v in values] for p, values in answer["rows"][f"force/{pid}"].items()}
        assert got == {p: [v] for p, v in _expected(pid).items()}, pid


def test_other_properties_and_entities(client: FlaskClient) -> None:
    request = {"ids": ["force/norfolk", "theme/domestic-abuse", "force/nowhere"],
               "properties": [{"id": "wikidataId"}, {"id": "region"}, {"id": "page"},
                              {"id": "grade-latest-effectiveness", "settings": {}}, {"id": "broaderTheme"}]}
    answer = _post(client, extend=json.dumps(request))
    conforms(answer, "data-extension-response")
    norfolk, theme = answer["rows"]["force/norfolk"], answer["rows"]["theme/domestic-abuse"]
    assert norfolk["wikidataId"] == [{"str": "Q7051007"}] and norfolk["region"] == [{"str": "East"}]
    assert norfolk["page"] == [{"str": "https://w3id.org/peelkg/doc/force/norfolk"}]
    latest = [r for r in _table("peel_grades.csv") if r["force_short_name"] == "Norfolk"
              and r["pillar"] == "Effectiveness" and r["question"] == "overall"]
    assert norfolk["grade-latest-effectiveness"] == [{"str": max(latest, key=lambda r: r["year"])["grade"]}]
    assert norfolk["broaderTheme"] == [] and theme["region"] == [] and theme["page"]
    assert all(v == [] for v in answer["rows"]["force/nowhere"].values())
    assert client.get("/doc/force/norfolk").status_code == 200


def test_forces_are_found_under_the_partner_type(client: FlaskClient) -> None:
    queries = {"q0": {"query": "Suffolk Constabulary", "type": "PartnerOrganisation", "type_strict": "should"}}
    top = _post(client, queries=json.dumps(queries))["q0"]["result"][0]
    assert top["id"] == "force/suffolk" and top["match"]
    assert {t["id"] for t in top["type"]} == {"Force", "PartnerOrganisation"}
    suggested = client.get("/reconcile/suggest/entity", query_string={"prefix": "suff", "type": "PartnerOrganisation"})
    assert "force/suffolk" in [r["id"] for r in suggested.get_json()["result"]]
    plain = _post(client, queries=json.dumps({"q0": {"query": "Suffolk Constabulary"}}))["q0"]["result"][0]
    assert plain["type"] == [{"id": "Force", "name": "Police force"}]


def test_suggest_property_finds_extension_properties(client: FlaskClient) -> None:
    found = client.get("/reconcile/suggest/property", query_string={"prefix": "grade 2016"}).get_json()
    conforms(found, "suggest-properties")
    ids = {p["id"] for p in found["result"]}
    assert {"grade-2016-effectiveness", "grade-2016-efficiency", "grade-2016-legitimacy"} <= ids


@pytest.mark.parametrize("extend", [
    "not json", "[]", json.dumps({"ids": ["force/norfolk"]}), json.dumps({"ids": "force/norfolk", "properties": []}),
    json.dumps({"ids": ["force/norfolk"], "properties": [{"id": "shoeSize"}]}),
    json.dumps({"ids": ["force/norfolk"], "properties": ["onsCode"]}),
    json.dumps({"ids": [5], "properties": [{"id": "onsCode"}]}),
    json.dumps({"ids": [f"force/{i}" for i in range(101)], "properties": [{"id": "onsCode"}]}),
])
def test_bad_extension_requests_get_a_json_400(client: FlaskClient, extend: str) -> None:
    response = client.post("/reconcile", data={"extend": extend})
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert "Traceback" not in response.get_json()["message"]


def test_bad_proposal_requests_get_a_json_400(client: FlaskClient) -> None:
    for args in ({"type": "Spaceship"}, {"type": "Force", "limit": "many"}):
        response = client.get("/reconcile/properties", query_string=args)
        assert response.status_code == 400 and "Traceback" not in response.get_json()["message"]


def _http(url: str, form: dict[str, str] | None = None) -> Any:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers=FORM if data else {})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def test_openrefine_requests_against_a_live_server(live_server: str) -> None:
    manifest = _http(live_server + "/reconcile")
    conforms(manifest, "manifest")
    propose = manifest["extend"]["propose_properties"]
    assert propose["service_url"] == "https://w3id.org/peelkg"  # the persistent base; OpenRefine
    proposals = _http(live_server + propose["service_path"] + "?type=Force&limit=50")  # asks what it redirects to
    conforms(proposals, "propose-properties")
    assert "grade-2016-effectiveness" in [p["id"] for p in proposals["properties"]]
    queries = {f"q{i}": {"query": name, "type": "Force", "type_strict": "should"} for i, name in enumerate(LOOSE)}
    batch = _http(live_server + "/reconcile", {"queries": json.dumps(queries)})
    ids = [batch[f"q{i}"]["result"][0]["id"] for i in range(len(LOOSE))]
    request = {"ids": ids, "properties": [{"id": "onsCode"}, {"id": "grade-2016-efficiency"}]}
    answer = _http(live_server + "/reconcile", {"extend": json.dumps(request)})
    conforms(answer, "data-extension-response")
    for pid in LOOSE.values():
        expected = _expected(pid)
        assert answer["rows"][f"force/{pid}"] == {"onsCode": [{"str": expected["onsCode"]}],
                                                  "grade-2016-efficiency": [{"str": expected["grade-2016-efficiency"]}]}
    with pytest.raises(urllib.error.HTTPError) as refused:
        _http(live_server + "/reconcile", {"extend": json.dumps({"ids": ids, "properties": [{"id": "x"}]})})
    refused.value.close()
    assert refused.value.code == 400

