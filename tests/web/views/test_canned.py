"""/queries/: the canned queries listed, run with bound parameters, as HTML, JSON and CSV —
the same answers as `peelkg query NAME`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg.query.canned import load_queries
from tests.conftest import run_peelkg

QUERIES = load_queries()
# DESIGN.md, "Canned queries": the contract's names and columns, in order.
CONTRACT = {
    "forces": ["force", "label", "policeUkId", "onsCode"],
    "judgements": ["force", "year", "pillar", "question", "grade", "source"],
    "areas-for-improvement": ["force", "year", "pillar", "question", "text", "themes"],
    "partners": ["force", "partner", "mentions"],
    "themes": ["theme", "label", "broader", "findings"],
    "grade-changes": ["force", "pillar", "question", "fromYear", "fromGrade", "toYear", "toGrade", "change"],
}


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def test_the_list_shows_every_query_by_its_header(client: FlaskClient) -> None:
    page = client.get("/queries/").get_data(as_text=True)
    for query in QUERIES.values():
        assert f'href="/queries/{query.name}"' in page
        assert query.title in page
        for parameter in query.parameters:
            assert f"<code>{parameter.name}</code>" in page


def test_the_list_as_json(client: FlaskClient) -> None:
    response = client.get("/queries/", headers={"Accept": "application/json"})
    listed = {q["name"]: q for q in response.get_json()["queries"]}
    assert set(listed) == set(QUERIES)
    judgements = listed["judgements"]
    assert [p["name"] for p in judgements["parameters"]] == ["force", "year", "pillar"]
    assert judgements["url"] == "/queries/judgements"


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_contract_queries_answer_with_their_columns(client: FlaskClient, name: str) -> None:
    body = client.get(f"/queries/{name}.csv")
    assert body.status_code == 200 and body.mimetype == "text/csv"
    assert csv_rows(body.data)[0] == CONTRACT[name]
    results = client.get(f"/queries/{name}.json")
    assert results.mimetype == "application/sparql-results+json"
    assert json.loads(results.data)["head"]["vars"] == CONTRACT[name]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_has_a_page_with_a_table_and_downloads(client: FlaskClient, name: str) -> None:
    response = client.get(f"/queries/{name}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert QUERIES[name].title in page and "<table" in page
    assert f"/queries/{name}.json" in page and f"/queries/{name}.csv" in page
    assert 'rel="alternate"' in response.headers["Link"]


def test_parameters_are_bound(client: FlaskClient) -> None:
    rows = csv_rows(client.get("/queries/judgements.csv?force=norfolk&year=2016&pillar=effectiveness").data)
    assert len(rows) > 1
    assert {(r[0], r[1], r[2]) for r in rows[1:]} == {("Norfolk Constabulary", "2016", "Effectiveness")}
    page = client.get("/queries/judgements?force=norfolk&year=2016&pillar=").get_data(as_text=True)
    assert 'value="norfolk"' in page and "Norfolk Constabulary" in page  # an empty field means any


def test_the_html_page_matches_the_csv(client: FlaskClient) -> None:
    rows = csv_rows(client.get("/queries/forces.csv").data)
    page = client.get("/queries/forces").get_data(as_text=True)
    assert f"{len(rows) - 1:,} rows" in page
    assert all(row[1] in page for row in rows[1:])


@pytest.mark.parametrize("query_string", ["force=norfolk%3E%20%7D%20%3B%20DROP", "year=20166", "colour=blue"])
def test_bad_parameters_are_400_and_never_query_text(client: FlaskClient, query_string: str) -> None:
    data = client.get(f"/queries/judgements.json?{query_string}")
    assert data.status_code == 400 and data.get_json()["message"]
    page = client.get(f"/queries/judgements?{query_string}")
    assert page.status_code == 400 and "was not run" in page.get_data(as_text=True)


def test_an_unknown_query_is_404(client: FlaskClient) -> None:
    assert client.get("/queries/nope").status_code == 404
    assert client.get("/queries/nope.csv").status_code == 404
    assert client.get("/queries/forces.xlsx").status_code == 404


def test_the_web_and_the_command_line_give_the_same_answer(client: FlaskClient, data_dir: Path) -> None:
    web = client.get("/queries/judgements.csv?force=norfolk&year=2016").data
    cli = run_peelkg("query", "judgements", "--data", str(data_dir), "--param", "force=norfolk",
                     "--param", "year=2016", "--format", "csv", check=True)
    assert csv_rows(web) == csv_rows(cli.stdout.encode())


def test_canned_queries_allow_cross_origin_reads(client: FlaskClient) -> None:
    response = client.get("/queries/forces.json", headers={"Origin": "https://notebook.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_every_parameter_offers_its_choices(client: FlaskClient) -> None:
    page = client.get("/queries/areas-for-improvement").get_data(as_text=True)
    for name in ("force", "year", "theme"):
        assert f'<select id="p-{name}" name="{name}"' in page, name
    assert '<option value="norfolk">Norfolk Constabulary</option>' in page
    assert '<option value="2016">2016</option>' in page
    assert '<option value="domestic-abuse">' in page


def test_a_value_that_matches_nothing_says_so(client: FlaskClient) -> None:
    """Regression: a wrong theme value silently gave 0 rows."""
    response = client.get("/queries/areas-for-improvement?theme=domestic-abus")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "parameter theme: &#39;domestic-abus&#39; matches no theme in this dataset" in text
    assert client.get("/queries/areas-for-improvement?theme=domestic-abuse").status_code == 200
