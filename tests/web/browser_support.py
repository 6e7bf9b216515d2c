"""What the browser tests need, found or installed by the tests themselves (the README's test command alone):
Debian's Chromium (installed with apt-get when missing and the user is root) and axe-core (the npm package,
fetched into the ignored ``.test-assets/`` folder). Screenshots go to the ignored ``test-artefacts/`` folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from web.npm_assets import AXE_CORE, ensure

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / ".test-assets"
ARTEFACTS = ROOT / "test-artefacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 30_000  # the most any step may take
APT_TIMEOUT = 900  # seconds an install of Chromium may take


def _which_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium_executable() -> str:
    """Debian's Chromium, installed first when it is missing and this user may (root with apt-get).

    Skips the calling tests, saying how to install it, when it is missing and cannot be installed here.
    """
    found = _which_chromium()
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("Chromium is not installed and this user cannot install it: run `apt-get install chromium` "
                    "as root (Debian), then the browser tests run")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(command, env=env, timeout=APT_TIMEOUT, capture_output=True, check=False)
        if done.returncode != 0:
            pytest.fail(f"`{' '.join(command)}` failed: {done.stderr.decode(errors='replace')[-500:]}")
    found = _which_chromium()
    if found is None:
        pytest.fail("apt-get installed chromium but no `chromium` command is on PATH")
    return found


def axe_source() -> str:
    """The axe-core script, fetched once into ``.test-assets/`` (fails, saying why, when it cannot be had)."""
    problem = ensure(AXE_CORE, ASSETS)
    if problem:
        pytest.fail(f"axe-core is needed by the accessibility tests and could not be fetched: {problem}")
    return (ASSETS / AXE_CORE.files[0]).read_text(encoding="utf-8")


class Tab:
    """A page whose console errors and uncaught exceptions are collected."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, url: str) -> None:
        self.errors.clear()
        self.page.goto(url, wait_until="load")
        self.page.wait_for_timeout(300)  # late console messages arrive after the load event

    def evaluate(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def wait_until(self, expression: str, timeout_ms: int = 10_000) -> None:
        """Poll ``expression`` until it is true (Playwright's wait_for_function would need the page's CSP to allow
        eval, which it does not)."""
        for _ in range(timeout_ms // 100):
            if self.evaluate(expression):
                return
            self.page.wait_for_timeout(100)
        raise AssertionError(f"not true within {timeout_ms} ms: {expression}")

    def resize(self, width: int, height: int = 900) -> None:
        self.page.set_viewport_size({"width": width, "height": height})

    def screenshot(self, name: str) -> Path:
        ARTEFACTS.mkdir(exist_ok=True)
        path = ARTEFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@contextmanager
def open_browser(profile: Path) -> Iterator[Tab]:
    """A headless Chromium with one tab at 1280 × 900, closed on exit."""
    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900})
        try:
            yield Tab(context.new_page())
        finally:
            context.close()
