"""Releases outlive rebuilds: a server keeps answering from the release it has open while builds
publish into its data directory, one build writes at a time, and killed builds leave nothing behind.

A real server (``peelkg serve``, gunicorn) on 127.0.0.1 is polled on every surface from a thread
while the test publishes five releases into the directory it serves.
"""

from __future__ import annotations

import fcntl
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import ReleaseError
from kg.release.build import Built, build_dataset, collect_inputs
from kg.release.layout import BUILD_LOCK, CURRENT, RELEASES, ReleaseWriter, open_release
from kg.release.publish import publish

from .conftest import start_server, stop_server

SURFACES = ("/", "/id/force/norfolk", "/download/", "/download/dump.ttl", "/search?q=norfolk", "/validation",
            "/validation.ttl", "/dataset", "/sparql?query=ASK%7B%7D", "/queries/", "/def/shapes", "/robots.txt")


@pytest.fixture(scope="module")
def built() -> Built:
    return build_dataset(collect_inputs([]))


@pytest.fixture()
def served(tmp_path: Path, built: Built) -> Iterator[tuple[Path, str]]:
    publish(built, tmp_path)
    process, base = start_server(tmp_path)
    try:
        yield tmp_path, base
    finally:
        stop_server(process)


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # loopback only
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as err:
        return err.code


def test_five_builds_while_serving_every_surface_answers_throughout(served: tuple[Path, str], built: Built) -> None:
    data_dir, base = served
    assert {path: status(base + path) for path in SURFACES} == dict.fromkeys(SURFACES, 200)
    failures: list[tuple[str, int]] = []
    rounds = [0]
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            for path in SURFACES:
                code = status(base + path)
                if code != 200:
                    failures.append((path, code))
            rounds[0] += 1

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        for _ in range(5):
            publish(built, data_dir)
    finally:
        done.set()
        poller.join(timeout=120)
    assert rounds[0] >= 5, "the poller hardly ran"
    assert failures == []
    assert {path: status(base + path) for path in SURFACES} == dict.fromkeys(SURFACES, 200)
    assert len([p for p in (data_dir / RELEASES).iterdir() if not p.name.startswith(".")]) <= 3 + 2


def test_a_second_build_into_the_same_directory_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / RELEASES).mkdir()
    with (tmp_path / BUILD_LOCK).open("ab") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running build holds it
        with pytest.raises(ReleaseError, match="another build is writing"), ReleaseWriter(tmp_path, "x"):
            pass
    assert not (tmp_path / RELEASES / ".building-x").exists()


def write_release(data_dir: Path, release_id: str) -> None:
    """Publish a minimal release (a manifest only): what pruning and leasing look at."""
    with ReleaseWriter(data_dir, release_id) as writer:
        writer.write_manifest({"release": release_id})
        writer.publish()


def test_a_killed_builds_leftovers_are_removed_by_the_next_build(tmp_path: Path) -> None:
    partial = tmp_path / RELEASES / ".building-20260101T000000000000Z"
    (partial / "store").mkdir(parents=True)
    (tmp_path / f".{CURRENT}-20260101T000000000000Z").symlink_to(Path(RELEASES) / "missing")
    write_release(tmp_path, "20260102T000000000000Z")
    assert not partial.exists()
    assert not list(tmp_path.glob(f".{CURRENT}-*"))
    assert open_release(tmp_path).id == "20260102T000000000000Z"


def test_a_leased_release_is_never_pruned(tmp_path: Path) -> None:
    write_release(tmp_path, "20260101T000000000000Z")
    held = open_release(tmp_path)  # a server holding the first release open
    for day in range(2, 6):
        write_release(tmp_path, f"202601{day:02d}T000000000000Z")
    assert held.path.is_dir() and open_release(held.path).id == "20260101T000000000000Z"
    del held
    write_release(tmp_path, "20260106T000000000000Z")  # once no one holds it, the next build prunes it
    assert sorted(p.name for p in (tmp_path / RELEASES).iterdir() if not p.name.startswith(".")) == [
        "20260104T000000000000Z", "20260105T000000000000Z", "20260106T000000000000Z"]
