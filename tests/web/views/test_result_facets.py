"""Result tables sorted and filtered by links (``_sort``, ``_desc``, ``_f.COLUMN``), without JavaScript."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from flask.testing import FlaskClient


def _cells(page: str, column: int) -> list[str]:
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<td>(.*?)</td>", r, re.S)[column] for r in rows]
    return [html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<span class="note">.*?</span>', "", c))).strip()
            for c in cells]


def test_a_canned_answer_has_facets_for_its_force_year_and_pillar_columns(client: FlaskClient) -> None:
    page = client.get("/queries/judgements?force=norfolk").get_data(as_text=True)
    start = page.index('class="facets"')
    facets = page[start:page.index("</nav>", start)]
    assert "<summary>year</summary>" in facets and "<summary>pillar</summary>" in facets
    assert "<summary>force</summary>" not in facets  # one force: nothing to choose
    assert "/queries/judgements?force=norfolk&amp;_f.year=2016" in facets


def test_a_facet_link_filters_the_rows_and_keeps_the_query_parameters(client: FlaskClient) -> None:
    every = _cells(client.get("/queries/judgements?force=norfolk").get_data(as_text=True), 1)
    response = client.get("/queries/judgements?force=norfolk&_f.year=2016")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    years = _cells(page, 1)
    assert years and set(years) == {"2016"} and len(years) < len(every)
    assert f"Showing {len(years)} of them" in page and 'aria-current="true"' in page
    assert "_f.year" not in page[page.index('class="downloads"'):page.index("</p>", page.index('class="downloads"'))]


def test_a_column_heading_sorts_and_a_second_follow_reverses(client: FlaskClient) -> None:
    page = client.get("/queries/forces").get_data(as_text=True)
    assert '<th scope="col" aria-sort="none"><a href="/queries/forces?_sort=onsCode"' in page
    up = client.get("/queries/forces?_sort=onsCode").get_data(as_text=True)
    codes = _cells(up, 3)
    assert codes == sorted(codes) and codes != _cells(page, 3)
    assert 'aria-sort="ascending"><a href="/queries/forces?_sort=onsCode&amp;_desc=1"' in up
    down = _cells(client.get("/queries/forces?_sort=onsCode&_desc=1").get_data(as_text=True), 3)
    assert down == codes[::-1]


def test_an_unknown_column_is_a_readable_400(client: FlaskClient) -> None:
    response = client.get("/queries/forces?_sort=colour")
    assert response.status_code == 400
    assert "no column &#39;colour&#39;" in response.get_data(as_text=True)
    assert client.get("/queries/forces.csv?_sort=label").status_code == 200  # downloads are the whole answer


def test_the_sparql_page_sorts_and_filters_too(client: FlaskClient) -> None:
    query = "SELECT ?force ?year WHERE { VALUES (?force ?year) { ('b' 2016) ('a' 2015) ('a' 2016) } }"
    base = "/sparql?query=" + quote(query)
    page = client.get(base + "&_f.force=a&_sort=year&_desc=1", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert _cells(page, 1) == ["2016", "2015"] and set(_cells(page, 0)) == {"a"}


def test_the_query_page_opens_with_a_short_query_that_runs(client: FlaskClient) -> None:
    """Regression: the default query opened with a PREFIX line for every prefix the dataset knows (14)."""
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    query = html.unescape(page[page.index('name="query"'):page.index("</textarea>")].split(">", 1)[1])
    assert query.count("PREFIX") == 2
    answer = client.get("/sparql?query=" + quote(query), headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and len(answer.get_json()["results"]["bindings"]) == 43
