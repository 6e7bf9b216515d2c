"""Entity pages, home and indexes: what a person reads, and what search engines get."""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from kg.namespaces import ID
from kg.store.local import LocalStore
from web.http.caching import RenderCache

NAV = ("/download/", "/dataset", "/sparql", "/queries/", "/search", "/def/peel", "/analytics", "/forces", "/themes")


class Page(HTMLParser):
    """A parsed page: visible text, links, table cells, JSON-LD blocks, every tag's attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.jsonld: list[str] = []
        self.cells: list[tuple[str, str]] = []      # (class of a td, its text)
        self.row_headers: list[str] = []            # text of th scope=row
        self._script: str | None = None
        self._cell: tuple[str, list[str]] | None = None
        self._row_header: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        if tag == "script":
            self._script = found.get("type") or ""
            self.jsonld.append("") if self._script == "application/ld+json" else None
        if tag == "td":
            self._cell = (found.get("class") or "", [])
        if tag == "th" and found.get("scope") == "row":
            self._row_header = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None
        if tag == "td" and self._cell is not None:
            self.cells.append((self._cell[0], " ".join("".join(self._cell[1]).split())))
            self._cell = None
        if tag == "th" and self._row_header is not None:
            self.row_headers.append(" ".join("".join(self._row_header).split()))
            self._row_header = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            if self._script == "application/ld+json":
                self.jsonld[-1] += data
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell[1].append(data)
        if self._row_header is not None:
            self._row_header.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def get(client: FlaskClient, path: str, status: int = 200) -> Page:
    response = client.get(path)
    assert response.status_code == status, path
    if status == 200:
        assert response.mimetype == "text/html"
    return Page(response.get_data(as_text=True))


def test_home_says_what_the_dataset_holds_and_where_to_start(client: FlaskClient) -> None:
    page = get(client, "/")
    assert "43 forces" in page.visible
    assert "graded judgements" in page.visible and "areas for improvement" in page.visible
    for path in (*NAV, "/doc/force/norfolk"):
        assert path in page.links, path
    data = json.loads(page.jsonld[0])
    assert data["@type"] == "Dataset"
    assert data["license"].startswith("http://www.nationalarchives.gov.uk/")


def test_force_page_shows_each_area_for_improvement_once(client: FlaskClient) -> None:
    """Regression: areas for improvement were repeated under every theme they carry (8 shown as 11)."""
    body = client.get("/doc/force/norfolk").get_data(as_text=True)
    improvements = [line.removeprefix("- ") for line in
                    (Path(__file__).parents[3] / "data" / "corpus" / "norfolk-2016-effectiveness.txt")
                    .read_text(encoding="utf-8").splitlines() if line.startswith("- ")]
    assert len(improvements) >= 8
    for text in improvements:
        assert body.count(f"<p>{escape(text)}</p></blockquote>") == 1, text  # quoted once, themes as tags


def test_norfolk_page(client: FlaskClient) -> None:
    page = get(client, "/doc/force/norfolk")
    assert "Norfolk Constabulary" in page.visible
    headers = [t for t, a in page.tags if t == "th"]
    assert headers and {"2015", "2016", "2017"} <= set(page.visible.split())
    grades = {cls.split()[-1] for cls, _text in page.cells if "grade" in cls}
    assert "grade-outstanding" in grades
    assert ("grade grade-outstanding", "Outstanding") in page.cells
    assert "backlog of crimes awaiting closure" in page.visible
    assert "Each inspection: grades and why" in page.visible
    assert "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2016/norfolk/effectiveness/" \
        in page.links
    assert "http://statistics.data.gov.uk/id/statistical-geography/E23000024" in page.links
    assert "https://data.police.uk/api/forces/norfolk" in page.links
    assert "/doc/force/suffolk" in page.links  # a partner
    data = json.loads(page.jsonld[0])
    assert data["@type"] == "GovernmentOrganization"
    assert data["@id"] == str(ID["force/norfolk"]) and data["name"] == "Norfolk Constabulary"


def test_properties_have_human_labels_never_raw_iris(client: FlaskClient) -> None:
    for path in ("/doc/force/norfolk", "/doc/improvement/2016/norfolk/effectiveness/2/1", "/doc/grade/good",
                 "/doc/judgement/2016/norfolk/effectiveness/3"):
        page = get(client, path)
        assert page.row_headers, path
        for label in page.row_headers:
            assert "://" not in label and "#" not in label, (path, label)
    assert "ONS code" in get(client, "/doc/force/norfolk").row_headers


def test_statement_page_points_each_value_at_its_source(client: FlaskClient) -> None:
    page = get(client, "/doc/improvement/2016/norfolk/effectiveness/2/1")
    assert any(href.startswith("#origin-") for href in page.links)  # each value points at its source
    data = json.loads(page.jsonld[0])
    assert data["@type"] == "Quotation" and "backlog" in data["text"]


# What a page of each kind shows (texts a reader sees, links it follows), by page.
REPORT_2016_NORFOLK = "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2016/norfolk/effectiveness/"
PAGES_SHOW = {
    "statement with its provenance": ("/doc/improvement/2016/norfolk/effectiveness/2/1",
                                      ["The force should reduce the backlog of crimes awaiting closure",
                                       "Where this comes from", "Norfolk PEEL 2016: Effectiveness", "line 16",
                                       "characters"],
                                      ["/doc/report/2016/norfolk/effectiveness", REPORT_2016_NORFOLK]),
    "judgement with the statements behind it": (
        "/doc/judgement/2016/norfolk/effectiveness/2",
        ["The grade and why", "Norfolk Constabulary is good at investigating crime and managing offenders.",
         "The force should reduce the backlog of crimes awaiting closure"],
        ["/doc/finding/2016/norfolk/effectiveness/2/1", "/doc/improvement/2016/norfolk/effectiveness/2/1",
         REPORT_2016_NORFOLK]),
    "inspection": ("/doc/inspection/2016/norfolk/effectiveness",
                   ["How effective is the force at investigating crime and reducing re-offending?", "Findings",
                    "Areas for improvement", "backlog of crimes awaiting closure"],
                   ["/doc/judgement/2016/norfolk/effectiveness/*"]),
    "theme across forces": ("/doc/theme/domestic-abuse",
                            ["Domestic abuse", "Areas for improvement",
                             "domestic abuse cases which are waiting for an officer"], ["/doc/force/norfolk"]),
    "grade counts judgements": ("/doc/grade/outstanding", ["Judgements with this grade"],
                                ["/doc/judgement/2015/norfolk/efficiency/0"]),
    "organisation names its forces": ("/doc/organisation/schools",
                                      ["Forces that work with it", "Where reports mention it"], ["/doc/force/norfolk"]),
}


@pytest.mark.parametrize("kind", sorted(PAGES_SHOW))
def test_a_page_shows_what_it_is_about(client: FlaskClient, kind: str) -> None:
    path, texts, links = PAGES_SHOW[kind]
    page = get(client, path)
    assert [t for t in texts if t not in page.visible] == []
    # a link ending in * stands for any link that starts with what comes before it
    assert [link for link in links if not any(h == link or (link.endswith("*") and h.startswith(link[:-1]))
                                              for h in page.links)] == []


def test_question_page_lists_every_forces_grade(client: FlaskClient, store: LocalStore) -> None:
    page = get(client, "/doc/question/2016/effectiveness/0")
    forces = {link for link in page.links if link.startswith("/doc/force/")}
    assert len(forces) == 43
    assert any("grade-" in cls for cls, _ in page.cells)


def test_themes_index_counts_each_statement_once(client: FlaskClient) -> None:
    """Regression: /themes counted a statement and its theme tag node (both carry peel:theme), doubling counts."""
    import re

    index = client.get("/themes").get_data(as_text=True)
    shown = re.search(r'href="/doc/theme/domestic-abuse">[^<]*</a> <span class="count">\((\d+) statements?\)', index)
    assert shown is not None
    theme_page = client.get("/doc/theme/domestic-abuse").get_data(as_text=True)
    quoted = theme_page.count("<blockquote")
    assert quoted > 0 and int(shown.group(1)) == quoted


def test_every_class_gets_a_page(client: FlaskClient, store: LocalStore) -> None:
    rows = store.select("SELECT ?type (MIN(STR(?s)) AS ?sample) WHERE { ?s a ?type "
                        "FILTER(STRSTARTS(STR(?s), 'https://w3id.org/peelkg/id/') && !CONTAINS(STR(?s), '#')) } "
                        "GROUP BY ?type")
    assert len(rows) >= 10
    for row in rows:
        path = "/doc/" + str(row["sample"])[len(str(ID)):]
        page = get(client, path)
        assert "Where this comes from" in page.visible, path
        assert "This entity as data" in page.visible, path
        assert any(tag == "h1" for tag, _ in page.tags), path
        assert json.loads(page.jsonld[0])["@id"] == str(row["sample"]), path


def test_incoming_links_are_paged(client: FlaskClient, app: Flask) -> None:
    first = get(client, "/doc/grade/good")
    assert "page 1 of" in first.visible
    assert "/doc/grade/good?page=2" in first.links
    second = get(client, "/doc/grade/good?page=2")
    assert "/doc/grade/good?page=1" in second.links
    assert set(first.links) != set(second.links)
    get(client, "/doc/grade/good?page=999", status=404)
    get(client, "/doc/grade/good?page=abc", status=400)
    get(client, "/doc/grade/good?page=0", status=400)


def test_indexes(client: FlaskClient) -> None:
    forces = get(client, "/forces")
    assert len({link for link in forces.links if link.startswith("/doc/force/")}) == 43
    assert any("grade-" in cls for cls, _ in forces.cells)
    themes = get(client, "/themes")
    assert "/doc/theme/domestic-abuse" in themes.links
    assert "/doc/theme/vulnerability" in themes.links
    listed = json.loads(forces.jsonld[0])
    assert listed["@type"] == "ItemList" and len(listed["itemListElement"]) == 43


def test_pages_link_to_their_data(client: FlaskClient) -> None:
    response = client.get("/doc/force/norfolk")
    page = Page(response.get_data(as_text=True))
    for suffix in ("ttl", "jsonld", "rdf", "nt"):
        assert f"/doc/force/norfolk.{suffix}" in page.links
    alternates = [a for t, a in page.tags if t == "link" and a.get("rel") == "alternate"]
    assert {a["type"] for a in alternates} == {"text/turtle", "application/ld+json", "application/rdf+xml",
                                                "application/n-triples"}


def test_repeated_page_comes_from_the_render_cache(client: FlaskClient, app: Flask) -> None:
    cache = app.wsgi_app
    assert isinstance(cache, RenderCache)
    first = client.get("/doc/theme/vulnerability")
    hits = cache.hits
    second = client.get("/doc/theme/vulnerability")
    assert cache.hits == hits + 1
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    client.get("/doc/theme/vulnerability?utm=x")
    hits = cache.hits
    client.get("/doc/theme/vulnerability?utm=x")
    assert cache.hits == hits, "a URL with parameters the page does not use is not kept"


def test_render_cache_keeps_to_its_budget() -> None:
    body = b"x" * 1000

    def app(environ: dict[str, object], start_response: object) -> list[bytes]:
        environ["peelkg.cacheable"] = True
        start_response("200 OK", [("Content-Type", "text/plain")])  # type: ignore[operator]
        return [body]

    cache = RenderCache(app, budget=5000)
    for n in range(20):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/{n}", "QUERY_STRING": ""}
        assert b"".join(cache(environ, lambda status, headers, exc=None: None)) == body
    assert cache.used <= 5000
    assert 0 < len(cache) < 20


@pytest.mark.parametrize("path", ["/", "/forces", "/themes", "/doc/force/norfolk"])
def test_pages_carry_validators(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    assert client.get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_a_missing_page_suggests_what_the_reader_may_have_meant(client: FlaskClient) -> None:
    page = get(client, "/doc/force/norfok", status=404)
    assert "Did you mean" in page.visible
    assert "/doc/force/norfolk" in page.links
    nothing = get(client, "/doc/force/qqqqqqqq", status=404)
    assert "Did you mean" not in nothing.visible and "/forces" in nothing.links
    as_json = client.get("/doc/force/norfok", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and as_json.get_json()["status"] == 404


def test_every_page_links_to_the_accessibility_statement(client: FlaskClient) -> None:
    for path in ("/", "/doc/force/norfolk", "/search?q=norfolk"):
        assert "/accessibility" in get(client, path).links, path
    statement = get(client, "/accessibility")
    assert "Accessibility statement" in statement.visible
    assert "WCAG" in statement.visible and "Equality and Human Rights Commission" in statement.visible


def test_forces_side_by_side_at_a_stable_address(client: FlaskClient) -> None:
    page = get(client, "/compare?force=norfolk&force=suffolk")
    assert "/doc/force/norfolk" in page.links and "/doc/force/suffolk" in page.links
    assert "Headline grades by pillar and year" in page.visible and "Themes they share" in page.visible
    graded = [text for cls, text in page.cells if cls.startswith("grade ")]
    assert len(graded) >= 2 * 9  # two forces × the pillars of three years
    assert ("grade grade-outstanding", "Outstanding") in page.cells  # Norfolk, efficiency 2015
    choices = get(client, "/compare")
    assert "Choose two or more forces" in choices.visible and "Headline grades" not in choices.visible


@pytest.mark.parametrize("query, says", [
    ("force=norfolk&force=nowhere", "'nowhere' is not a force of this dataset"),
    ("&".join(["force=norfolk"] * 7), "at most 6 forces"),
])
def test_a_comparison_of_unknown_forces_says_why(client: FlaskClient, query: str, says: str) -> None:
    response = client.get("/compare?" + query)
    assert response.status_code == 400
    assert says in html.unescape(response.get_data(as_text=True))


def test_a_judgement_page_without_report_text_says_so(client: FlaskClient) -> None:
    without = get(client, "/doc/judgement/2016/suffolk/effectiveness/0")
    assert "not the report text behind it" in without.visible


def test_forces_a_to_z_jumps_to_each_letter(client: FlaskClient) -> None:
    body = client.get("/forces").get_data(as_text=True)
    page = Page(body)
    letters = [link.removeprefix("#forces-") for link in page.links if link.startswith("#forces-")]
    assert letters[:3] == ["A", "B", "C"] and "N" in letters
    for letter in letters:
        assert f'id="forces-{letter}"' in body, letter
    assert "/compare" in page.links
