"""Through a real server (``peelkg serve`` on 127.0.0.1): a crash of the query engine, a query over the memory
limit and a damaged store each answer with their own status, title and message, and a server asked to start on
a damaged store says so in one line and exits."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from kg.release.layout import CURRENT, RELEASES, Release
from tests.store_damage import DEEP, HUNGRY, damaged_copy, flip_data_blocks, truncate_largest
from tests.web.support import fetch

from .conftest import PEELKG, free_port, start_server, stop_server

JSON = {"Accept": "application/sparql-results+json"}


def answer(base: str, query: str) -> tuple[int, dict[str, object]]:
    code, _headers, body = fetch(base, "/sparql?query=" + quote(query), JSON)
    return code, json.loads(body)


def damaged_data_dir(release: Release, tmp_path: Path, damage: Callable[[Path], None]) -> Path:
    """A data directory whose ``current`` release is a copy of ``release`` with a damaged store."""
    copy = damaged_copy(release, tmp_path, damage)
    (copy / ".lease").touch()
    (tmp_path / CURRENT).symlink_to(Path(RELEASES) / copy.name)
    return tmp_path


@pytest.fixture(scope="module")
def strained(data_dir: Path) -> Iterator[str]:
    """A server whose guard lets a crashing query through and whose query workers have 768 MiB."""
    env = {"PEELKG_MAX_NESTING": "20000", "PEELKG_QUERY_MEMORY_MB": "768", "PEELKG_QUERY_TIMEOUT": "120",
           "PEELKG_QUERY_WORKERS": "1", "PEELKG_WORKERS": "1"}
    process, base = start_server(data_dir, env=env)
    try:
        yield base
    finally:
        stop_server(process)


def test_an_engine_crash_is_answered_as_a_crash(strained: str) -> None:
    code, body = answer(strained, DEEP)
    assert code == 500 and body["error"] == "Query engine crashed"
    assert "SIGSEGV" in str(body["message"]) and "memory" not in str(body["message"])
    assert answer(strained, "ASK {}")[1]["boolean"] is True  # the worker was replaced


def test_a_query_over_the_memory_limit_is_answered_as_one(strained: str) -> None:
    code, body = answer(strained, HUNGRY)
    assert code == 503 and body["error"] == "Query needs too much memory"
    assert "768 MiB" in str(body["message"]) and "crash" not in str(body["message"])


def test_a_store_damaged_while_serving_is_answered_as_damaged(release: Release, tmp_path: Path) -> None:
    data_dir = damaged_data_dir(release, tmp_path, flip_data_blocks)  # opens; reading it fails
    port = free_port()
    process = subprocess.Popen(  # start_server waits for a 200 from /, which a damaged store cannot give
        [PEELKG, "serve", "--data", str(data_dir), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PEELKG_WORKERS": "1", "PEELKG_QUERY_WORKERS": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if fetch(base, "/robots.txt")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        code, body = answer(base, "SELECT * { GRAPH ?g { ?s ?p ?o } }")
        assert (code, body["error"]) == (500, "Damaged release")
        assert f"the store of release {release.id} is damaged" in str(body["message"])
        code, _headers, page = fetch(base, "/doc/force/norfolk.ttl", {"Accept": "application/json"})
        assert code == 500 and json.loads(page)["error"] == "Damaged release"
    finally:
        stop_server(process)


def test_serve_on_a_damaged_store_says_so_in_one_line(release: Release, tmp_path: Path) -> None:
    data_dir = damaged_data_dir(release, tmp_path, truncate_largest)
    result = subprocess.run(
        [PEELKG, "serve", "--data", str(data_dir), "--host", "127.0.0.1", "--port", str(free_port())],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PEELKG_WORKERS": "1"})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert str(data_dir / RELEASES / release.path.name) in lines[0]
    assert "damaged" in lines[0] and "rebuild it" in lines[0]
