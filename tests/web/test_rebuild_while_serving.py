"""Releases outlive rebuilds: a server keeps answering while builds publish into its data directory,
moves to the newly published release without a restart (each request sees one release whole), one
build writes at a time, and killed builds leave nothing behind.

A real server (``peelkg serve``, Granian) on 127.0.0.1 is polled on every surface from a thread
while the test publishes five releases into the directory it serves.
"""

from __future__ import annotations

import fcntl
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

from kg.errors import ReleaseError
from kg.query.guard import Limits
from kg.query.pool import QueryPool
from kg.query.service import QueryService
from kg.release.build import Built, build_dataset, collect_inputs
from kg.release.layout import BUILD_LOCK, CURRENT, LEASE, RELEASES, ReleaseWriter, open_release
from kg.release.publish import publish
from kg.store.local import LocalStore
from tests.web.support import fetch
from web import following
from web.context import FOLLOWER, PeelContext, peel
from web.context import served as served_release
from web.lifecycle import close_app
from web.serve import build_app, warm
from web.settings import Settings

from .conftest import start_server, stop_server

SURFACES = ("/", "/id/force/norfolk", "/download/", "/download/dump.ttl", "/search?q=norfolk", "/validation",
            "/validation.ttl", "/dataset", "/sparql?query=ASK%7B%7D", "/queries/", "/def/shapes", "/robots.txt")


@pytest.fixture(scope="module")
def built() -> Built:
    return build_dataset(collect_inputs([]))


EXTRA = Path(__file__).parents[1] / "kg" / "fixtures" / "extra_corpus"  # one more report: Norfolk 2017 efficiency
NEW_FINDING = "/id/finding/2017/norfolk/efficiency/0/1"  # only in a release built with it
ASK_NEW = "/sparql?query=ASK%7B%3Chttps%3A%2F%2Fw3id.org%2Fpeelkg" + NEW_FINDING.replace("/", "%2F") + "%3E%3Fp%3Fo%7D"
JSON = {"Accept": "application/sparql-results+json"}
# A busy machine (builds beside the server) must not turn a slow ASK {} into a 503: this is about releases.
SERVING = {"PEELKG_RELEASE_CHECK_SECONDS": "0.5", "PEELKG_QUERY_TIMEOUT": "60"}


@pytest.fixture(scope="module")
def changed() -> Built:
    return build_dataset(collect_inputs([EXTRA], add_to_corpus=True))


@pytest.fixture()
def served(tmp_path: Path, built: Built, request: pytest.FixtureRequest) -> Iterator[tuple[Path, str]]:
    publish(built, tmp_path)
    process, base = start_server(tmp_path, env={**SERVING, **getattr(request, "param", {})})
    try:
        yield tmp_path, base
    finally:
        stop_server(process)


REFUSALS: list[str] = []  # what the failed answers said, for the assertion message


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # loopback only
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as err:
        body = err.read().decode("utf-8", "replace")
        REFUSALS.append(f"{url}: {err.code} {body[body.find('<main'):][:600]}")
        return err.code


def release_of_dataset(base: str) -> str:
    """The release the dataset description (``/dataset``, Turtle) calls current, as one web worker answers."""
    _code, _headers, body = fetch(base, "/dataset", {"Accept": "text/turtle"})
    found = re.search(r"dcat:hasCurrentVersion <[^>]*/id/release/([^>#]+)>", body.decode())
    assert found, "the dataset description names no current version"
    return found.group(1)


def serves_only(base: str, release_id: str, *, within: float) -> bool:
    """Whether, within ``within`` seconds, ten answers in a row (from any web worker) come from ``release_id``."""
    deadline, seen = time.monotonic() + within, 0
    while seen < 10 and time.monotonic() < deadline:
        seen = seen + 1 if release_of_dataset(base) == release_id else 0
        time.sleep(0.05)
    return seen == 10


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
    first = open_release(data_dir).id
    assert release_of_dataset(base) == first
    try:
        for _ in range(5):
            publish(built, data_dir)
            time.sleep(1.0)  # a request or two lands on each release in turn
        newest = open_release(data_dir).id
        assert newest != first
        assert serves_only(base, newest, within=60), "the server did not move to the newest release within 60 s"
    finally:
        done.set()
        poller.join(timeout=120)
    assert rounds[0] >= 5, "the poller hardly ran"
    assert failures == [], REFUSALS
    assert {path: status(base + path) for path in SURFACES} == dict.fromkeys(SURFACES, 200)
    assert len([p for p in (data_dir / RELEASES).iterdir() if not p.name.startswith(".")]) <= 3 + 2


@pytest.mark.parametrize("served", [{"PEELKG_RELEASE_CHECK_SECONDS": "0"}], indirect=True)
def test_a_server_told_not_to_follow_keeps_the_release_it_started_with(served: tuple[Path, str], built: Built) -> None:
    """The control: with following off, the same wait sees the first release only (so the test above can fail)."""
    data_dir, base = served
    first = open_release(data_dir).id
    newest = publish(built, data_dir)[0].id
    assert newest != first and not serves_only(base, newest, within=5)
    assert release_of_dataset(base) == first


def test_a_running_server_moves_to_a_new_release_without_restart(
        served: tuple[Path, str], changed: Built) -> None:
    data_dir, base = served
    first = open_release(data_dir).id
    assert status(base + NEW_FINDING) == 404
    assert json.loads(fetch(base, ASK_NEW, JSON)[2])["boolean"] is False
    failures: list[tuple[str, int]] = []
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            failures.extend((path, code) for path in SURFACES if (code := status(base + path)) != 200)

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        new = publish(changed, data_dir)[0].id
        assert new != first
        deadline, seen = time.monotonic() + 60, 0
        while seen < 10 and time.monotonic() < deadline:  # ten answers in a row from the new release (any worker)
            _, headers, _ = fetch(base, "/")
            ask = json.loads(fetch(base, ASK_NEW, JSON)[2])
            page = status(base + NEW_FINDING)
            seen = seen + 1 if (new in (headers["ETag"] or "") and ask["boolean"] and page == 200) else 0
            time.sleep(0.1)
    finally:
        done.set()
        poller.join(timeout=120)
    assert seen == 10, "the server did not move to the new release within 60 s"
    assert failures == [], REFUSALS
    assert {path: status(base + path) for path in SURFACES} == dict.fromkeys(SURFACES, 200)


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


def leased(release_folder: Path) -> bool:
    """Whether some process (or this one) holds the release's lease: pruning would skip it."""
    with (release_folder / LEASE).open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


@contextmanager
def app_on_a_release(data_dir: Path, built: Built) -> Iterator[tuple[Flask, following.ReleaseFollower[PeelContext]]]:
    """An app over a release published into ``data_dir`` that moves only when told to, and its follower."""
    publish(built, data_dir)
    app = build_app(Settings(data_dir=data_dir, release_check_seconds=3600, query_workers=1))
    try:
        yield app, app.extensions[FOLLOWER]
    finally:
        close_app(app)


def test_a_request_keeps_its_release_whole_while_the_server_moves_on(tmp_path: Path, built: Built) -> None:
    with app_on_a_release(tmp_path, built) as (app, follower):
        first = follower.current
        with app.test_request_context("/"):
            app.preprocess_request()  # the request is pinned to the first release
            pinned = peel()
            newer = publish(built, tmp_path)[0].id
            follower.switch_to(str(tmp_path / RELEASES / newer))
            assert served_release(app).release.id == newer  # new requests get the new release …
            assert peel() is pinned is first and peel().release.id != newer  # … this one keeps its own
            answer = app.test_client().get("/sparql", query_string={"query": "ASK {}"},
                                           headers=JSON)  # the new release's query workers answer
            assert answer.status_code == 200 and json.loads(answer.data)["boolean"] is True
            assert app.test_client().get("/").headers["ETag"].strip('"').startswith(newer)
            assert leased(first.release.path) and not first.closed
        assert first.closed, "the replaced release was not closed when its last request ended"
        assert not leased(first.release.path), "the replaced release was not given up when its request ended"
        assert leased(tmp_path / RELEASES / newer)
    assert follower.current.closed


def test_a_new_release_that_cannot_be_opened_leaves_the_served_one(tmp_path: Path, built: Built) -> None:
    with app_on_a_release(tmp_path, built) as (app, follower):
        first = follower.current
        broken = tmp_path / RELEASES / "20990101T000000000000Z"
        broken.mkdir()
        (broken / "manifest.json").write_text("{not json", encoding="utf-8")
        follower.switch_to(str(broken))
        assert served_release(app) is first
        assert app.test_client().get("/").status_code == 200


def test_pages_replayed_from_the_render_cache_do_not_keep_a_server_on_its_release(
        tmp_path: Path, built: Built) -> None:
    """A page the render cache holds is answered without running the app: the look for a new release must
    happen there too (it once happened only in the app, so a server whose pages were all cached never moved)."""
    publish(built, tmp_path)
    app = build_app(Settings(data_dir=tmp_path, release_check_seconds=0.2, query_workers=1))
    client = app.test_client()
    try:
        first = client.get("/").headers["ETag"]
        assert client.get("/").headers["ETag"] == first and app.wsgi_app.hits >= 1  # type: ignore[attr-defined]
        newer = publish(built, tmp_path)[0].id
        deadline = time.monotonic() + 60
        while newer not in client.get("/").headers["ETag"] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert newer in client.get("/").headers["ETag"], "only cached pages were asked for, and the server stayed"
    finally:
        close_app(app)


def store_files_open(pid: int, store: Path) -> bool:
    """Whether process ``pid`` holds a file of the store at ``store`` open (it opened the store)."""
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if Path(fd.readlink()).parent == store:
                return True
        except OSError:
            continue
    return False


def test_a_new_releases_query_workers_have_each_answered_once_warmed(tmp_path: Path, built: Built) -> None:
    """What a switch waits for: every query worker of the new release started and opened its store."""
    release = publish(built, tmp_path)[0]
    service = QueryService(LocalStore(release.store_path), release.id, limits=Limits(), max_rows=10, timeout=30,
                           workers=2, memory_mb=1024, cache_bytes=0)
    try:
        pool = service.pool
        assert isinstance(pool, QueryPool)
        cold = [pid for pid in pool.pids() if not store_files_open(pid, release.store_path)]
        assert cold, "the workers had opened the store before anything waited for them (nothing to show)"
        warm(service, 2)
        assert len(pool.pids()) == 2
        assert all(store_files_open(pid, release.store_path) for pid in pool.pids())
    finally:
        service.close()


class Opened:
    """A stand-in for an opened release (what ReleaseFollower hands out)."""

    def __init__(self, name: str) -> None:
        self.name, self.closed = name, False

    def close(self) -> None:
        self.closed = True


def test_a_release_that_could_not_be_opened_is_tried_again_later(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(following, "RETRY_SECONDS", 0.5)
    attempts: list[str] = []

    def open_once_broken(name: str) -> Opened:
        attempts.append(name)
        if len(attempts) == 1:
            raise ReleaseError(f"unreadable manifest in {name}")  # half-copied, say
        return Opened(name)

    follower = following.ReleaseFollower(Opened("a"), "a", lambda: "b", open_once_broken, interval=0)
    follower.unpin(follower.pin())  # looks, and starts a switch in the background: it fails
    deadline = time.monotonic() + 10
    while not attempts and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    follower.unpin(follower.pin())  # within RETRY_SECONDS: not tried again
    assert follower.latest().name == "a" and attempts == ["b"]
    time.sleep(0.6)
    deadline = time.monotonic() + 10
    while follower.latest().name != "b" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert follower.latest().name == "b" and attempts == ["b", "b"]
