"""/search and /search.json through a real server: they find things, and no input makes them fail."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import quote

import pytest

from kg.release.layout import Release
from tests.web.support import fetch


def result_links(page: str) -> list[str]:
    results = page[page.index('<ol class="results"'):page.index("</ol>", page.index('<ol class="results"'))]
    return re.findall(r'<p><a href="([^"]+)">', results)


def test_search_finds_norfolk_first(live_server: str) -> None:
    status, headers, body = fetch(live_server, "/search?q=Norfolk")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert result_links(body.decode())[0] == "/doc/force/norfolk"


def test_search_finds_the_backlog_area_for_improvement(live_server: str) -> None:
    _, _, body = fetch(live_server, "/search?q=backlog")
    page = body.decode()
    assert "/doc/improvement/2016/norfolk/effectiveness/2/1" in result_links(page)
    assert "<mark>backlog</mark>" in page


def test_result_links_lead_to_entity_pages(live_server: str) -> None:
    _, _, body = fetch(live_server, "/search?q=domestic+abuse")
    links = result_links(body.decode())
    assert len(links) >= 3
    for link in links[:3]:
        assert fetch(live_server, link)[0] == 200, link


def test_autocomplete_json(live_server: str) -> None:
    status, headers, body = fetch(live_server, "/search.json?q=norf&limit=5")
    data = json.loads(body)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert data["results"][0] == {"label": "Norfolk Constabulary", "type": "Force", "typeLabel": "Force",
                                  "url": "/doc/force/norfolk", "iri": "https://w3id.org/peelkg/id/force/norfolk"}
    assert len(data["results"]) == 5 <= data["total"]
    assert json.loads(fetch(live_server, "/search.json?q=")[2])["results"] == []


def test_type_filter_and_pages(live_server: str) -> None:
    _, _, body = fetch(live_server, "/search?q=norfolk&type=Inspection")
    links = result_links(body.decode())
    assert links and all(link.startswith("/doc/inspection/") for link in links)
    first = result_links(fetch(live_server, "/search?q=norfolk&page=1")[2].decode())
    second = result_links(fetch(live_server, "/search?q=norfolk&page=2")[2].decode())
    assert first and second and not set(first) & set(second)


@pytest.mark.parametrize("q", ['"', "NEAR(", "a OR", "*", "{label}:x", "x:y", "'; DROP TABLE entry; --", "%00", "\x00",
                               "\u202e", "AND AND", "(", "🙂", "-", "^"])
def test_odd_text_is_searched_never_an_error(live_server: str, release: Release, q: str) -> None:
    for path in (f"/search?q={quote(q)}", f"/search.json?q={quote(q)}"):
        status, _, body = fetch(live_server, path)
        assert status == 200, (path, body[:200])
        assert str(release.path) not in body.decode()


@pytest.mark.parametrize("path", ["/search?q=" + "a" * 201, "/search?q=" + "+w" * 13, "/search?q=x&type=Nope",
                                  "/search?q=x&page=0", "/search?q=x&page=two", "/search.json?q=x&limit=1000"])
def test_bad_parameters_are_400_with_a_reason(live_server: str, release: Release, path: str) -> None:
    status, _, body = fetch(live_server, path, {"Accept": "application/json"})
    assert status == 400
    error = json.loads(body)
    assert error["status"] == 400 and error["message"] and str(release.path) not in error["message"]


def test_the_page_loads_its_autocomplete_script_from_this_site(live_server: str) -> None:
    _, _, body = fetch(live_server, "/search")
    script = re.search(r'<script src="(/static/[^"]+)"', body.decode())
    assert script is not None
    status, headers, code = fetch(live_server, script.group(1))
    assert status == 200 and "javascript" in headers["Content-Type"] and b"dataset.suggest" in code
    assert 'data-suggest="/search.json"' in body.decode()


def test_query_text_is_escaped_in_the_page(live_server: str) -> None:
    _, _, body = fetch(live_server, "/search?q=" + quote("<script>alert(1)</script>"))
    page = body.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert unescape(page).count("<script>alert(1)</script>") >= 1
