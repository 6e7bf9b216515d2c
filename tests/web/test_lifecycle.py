"""The app owns what it starts: creating and closing an app leaves no query worker behind, and hooks
applied to every answer are registered by functions, not by blueprints without routes."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

from flask import Flask

from kg.release.layout import Release
from kg.store.local import LocalStore
from web.app import close_app, create_app
from web.settings import Settings


def query_workers() -> set[int]:
    """Process ids of this process's living descendants that run ``kg.query.worker`` (its children, or
    the children of the query workers' house it started: ``kg.query.house``)."""
    parents, running = {}, set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
            if b"kg.query.worker" in cmdline:
                running.add(int(entry.name))

    def descends(pid: int) -> bool:
        while pid in parents and pid != os.getpid():
            pid = parents[pid]
        return pid == os.getpid()

    return {pid for pid in running if descends(pid)}


def until_gone(pids: set[int], seconds: float = 10.0) -> set[int]:
    deadline = time.monotonic() + seconds
    while pids & query_workers() and time.monotonic() < deadline:
        time.sleep(0.05)
    return pids & query_workers()


def app(data_dir: Path, release: Release) -> Flask:
    """An app whose query workers are its own: apps of one process over one store with the same limits share
    a house (kg.query.shared), so these limits are ones no other test's app uses."""
    settings = Settings(data_dir=data_dir, query_workers=2, query_memory_mb=1000)
    return create_app(settings, LocalStore(release.store_path), release=release)


def test_creating_an_app_starts_its_workers_and_closing_it_stops_them(data_dir: Path, release: Release) -> None:
    before = query_workers()
    created = app(data_dir, release)
    started = query_workers() - before
    assert len(started) == 2
    close_app(created)
    assert until_gone(started) == set()
    assert created.test_client().get("/sparql", query_string={"query": "ASK {}"}).status_code >= 500


def test_an_app_dropped_without_closing_stops_its_workers(data_dir: Path, release: Release) -> None:
    before = query_workers()
    created = app(data_dir, release)
    started = query_workers() - before
    assert len(started) == 2
    del created
    gc.collect()
    assert until_gone(started) == set()


def test_every_blueprint_has_routes_and_the_hooks_are_the_app_s(data_dir: Path, release: Release) -> None:
    created = app(data_dir, release)
    try:
        routed = {rule.endpoint.split(".", 1)[0] for rule in created.url_map.iter_rules()}
        assert set(created.blueprints) <= routed, set(created.blueprints) - routed
        assert "security" not in created.blueprints and "caching" not in created.blueprints
        response = created.test_client().get("/")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "href" in created.jinja_env.filters
    finally:
        close_app(created)
