"""The gzip dump as third-party clients save it: ``curl --compressed -O``, Python ``requests`` and
Chromium each write a ``dump.nq.gz`` whose SHA-256 is the one ``SHA256SUMS`` lists.

The regression: the dump went out as ``Content-Type: application/gzip`` *and*
``Content-Encoding: gzip`` (the file name's guess), so each of these clients undid the gzip
and saved plain N-Quads under the ``.gz`` name.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from kg.release.dumps import read_checksums
from kg.release.layout import DUMP, Release
from tests.web.browser_support import CHROMIUM_ARGS, TIMEOUT_MS, chromium_executable
from tests.web.support import fetch


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def listed(release: Release) -> str:
    return read_checksums(release.path)[DUMP]


@pytest.mark.parametrize("accept_encoding", ["gzip, deflate, br", "identity", None])
def test_dump_is_sent_as_the_file_with_no_content_coding(live_server: str, listed: str,
                                                         accept_encoding: str | None) -> None:
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}
    status, head, body = fetch(live_server, f"/download/{DUMP}", headers)
    assert status == 200
    assert head["Content-Type"] == "application/gzip"
    assert head.get("Content-Encoding") in (None, "identity")
    assert hashlib.sha256(body).hexdigest() == listed


def test_curl_compressed_saves_the_listed_file(live_server: str, listed: str, tmp_path: Path) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.fail("curl is not installed")
    subprocess.run([curl, "--silent", "--fail", "--compressed", "-O", f"{live_server}/download/{DUMP}"],
                   cwd=tmp_path, check=True, timeout=60)
    assert sha256_of(tmp_path / DUMP) == listed


def test_requests_saves_the_listed_file(live_server: str, listed: str, tmp_path: Path) -> None:
    target = tmp_path / DUMP
    with requests.get(f"{live_server}/download/{DUMP}", stream=True, timeout=60) as response:
        response.raise_for_status()
        with target.open("wb") as handle:
            for chunk in response.iter_content(chunk_size=65536):  # decodes any Content-Encoding
                handle.write(chunk)
    assert sha256_of(target) == listed


def test_chromium_saves_the_listed_file(live_server: str, listed: str, tmp_path: Path) -> None:
    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"{live_server}/download/")
            with page.expect_download() as started:
                page.click(f'a[href="/download/{DUMP}"]')
            download = started.value
            assert download.suggested_filename == DUMP
            download.save_as(tmp_path / DUMP)
        finally:
            browser.close()
    assert sha256_of(tmp_path / DUMP) == listed
