"""Run the app: Granian (production, the default) or Flask's debug server (``--debug``).

Each Granian worker process builds its own app (``app_from_env``, from the ``PEELKG_*``
variables ``serve`` sets) and opens the release's store read-only after it starts, so workers
share the files on disk, not open handles.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from pathlib import Path
from typing import Any

from flask import Flask
from granian import Granian
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings

from kg.errors import DamagedRelease, PeelError, QueryTimeout
from kg.query.execute import Job
from kg.query.service import QueryService
from kg.release.layout import MANIFEST, Release, open_release
from kg.store.local import Store, open_store
from web.app import create_app
from web.context import PeelContext
from web.following import follow
from web.http.caching import RenderCache
from web.http.request_buffer import BufferedWSGI
from web.lifecycle import close_app
from web.npm_assets import YASGUI, ensure
from web.settings import Settings
from web.views.sparql import attach_service


def make_store(settings: Settings, release: Release) -> Store:
    if settings.store_url:
        from kg.store.remote import RemoteStore

        remote: Store = RemoteStore(settings.store_url, timeout=settings.query_timeout)
        return remote
    return open_store(release.store_path)


def build_app(settings: Settings) -> Flask:
    """The app over the release ``settings.data_dir`` designates; a data directory's newly published releases
    are followed (``web.following``) unless ``release_check_seconds`` is 0 or the store is remote."""
    release = open_release(settings.data_dir)  # one release (and its lease) for the store and the pages
    app = create_app(settings, make_store(settings, release), release=release)
    # A data directory is followed; one release folder, or a remote store (paired with its release by
    # `peelkg push`, moved node by node: docs/deployment.md), is kept.
    if settings.release_check_seconds > 0 and not settings.store_url and not (settings.data_dir / MANIFEST).is_file():
        follow(app, settings.data_dir, lambda new: open_context(settings, new),
               interval=settings.release_check_seconds)
    return app


def open_context(settings: Settings, release: Release) -> PeelContext:
    """Everything a request reaches of ``release``, opened whole: its store and its warm query workers."""
    context = PeelContext(settings=settings, store=make_store(settings, release), release=release)
    try:
        warm(attach_service(settings, context), settings.query_worker_count)
    except BaseException:
        context.close()
        raise
    return context


WARM_SECONDS = 120.0  # longest a new release's query workers may take to start before the switch is given up


def warm(service: QueryService, workers: int) -> None:
    """Wait until each of the ``workers`` query workers of a new release has answered once (started, store
    open), so the first queries after the switch do not wait for interpreters to start: ``QueryTimeout``
    past ``WARM_SECONDS``.  A probe past the query time limit (a worker slow to start on a busy machine)
    is tried again (its worker was replaced); a damaged store raises ``DamagedRelease``; any other answer,
    even a refusal, means the worker is up.  The probes run at once and the pool hands out its free workers
    in turn, so ``workers`` probes reach ``workers`` different workers."""
    probe = Job("ASK {}", "ASK {}", "ASK", "json", 1, False)
    deadline = time.monotonic() + WARM_SECONDS

    def answered(_n: int) -> None:
        while True:
            try:
                service.pool.run(probe)
                return
            except QueryTimeout:
                if time.monotonic() > deadline:
                    raise
            except DamagedRelease:
                raise
            except PeelError:  # it answered (a worker that runs no queries says so): it has started
                return

    with ThreadPoolExecutor(max(1, workers)) as probes:
        list(probes.map(answered, range(max(1, workers))))


def app_from_env() -> Flask:
    """The app as the ``PEELKG_*`` environment sets it (a WSGI app, for any WSGI server)."""
    return build_app(Settings.from_env())


def rsgi_from_env() -> BufferedWSGI:
    """The app as the ``PEELKG_*`` environment sets it, behind the request buffer: the factory
    each of ``peelkg serve``'s worker processes calls."""
    settings = Settings.from_env()
    app = build_while_stoppable(settings)
    cache = app.wsgi_app if isinstance(app.wsgi_app, RenderCache) else None
    return BufferedWSGI(app, threads=settings.threads, max_body=settings.max_body_bytes,
                        body_timeout=settings.body_timeout, inline=cache.holds if cache else None,
                        on_close=lambda: close_app(app))  # the worker's query workers stop with it


def _stop_starting(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def build_while_stoppable(settings: Settings) -> Flask:
    """``build_app`` in a front-end worker process, which a ``SIGTERM`` or ``SIGINT`` during the build ends at once.

    The worker is forked from the front end's main process and inherits its signal handlers, which only
    tell that process to stop: a worker told to stop while it builds its app would go on starting, then be
    killed ``workers_kill_timeout`` seconds later, its query workers orphaned.  Here the signal ends the
    build; what it had started (query workers) is stopped before the worker exits.  Once the worker
    serves, the front end's own handlers replace this one, and the app is closed when it stops serving.
    """
    signal.signal(signal.SIGTERM, _stop_starting)
    signal.signal(signal.SIGINT, _stop_starting)
    try:
        return build_app(settings)
    except SystemExit:
        pass
    gc.collect()  # out of the handler, the partly built app is unreferenced: its finalizers stop its workers
    raise SystemExit(0)


def environment(settings: Settings) -> dict[str, str]:
    """``settings`` as ``PEELKG_*`` variables: how the front end's worker processes receive them."""
    env = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        text = ",".join(value) if isinstance(value, list) else str(value)
        env[f"PEELKG_{f.name.upper()}"] = text
    return env


def front_end(settings: Settings) -> Any:
    """Granian serving the app from ``settings.workers`` processes, ``settings.threads`` app threads each.

    Granian's Rust runtime reads request lines and headers asynchronously (with a read timeout);
    ``web.http.request_buffer.BufferedWSGI`` reads the body on the event loop; the app thread gets the request
    only once it is whole, so a slow client holds a socket, not a thread
    (docs/decisions/0104-front-end.md).
    """
    os.environ.update(environment(settings))
    access = bool(settings.access_log)
    return Granian(
        f"{__name__}:rsgi_from_env", factory=True, interface=Interfaces.RSGI,
        address=settings.host, port=settings.port, workers=settings.workers,
        backpressure=settings.connection_limit,
        http=HTTPModes.http1, websockets=False,
        http1_settings=HTTP1Settings(header_read_timeout=int(settings.header_timeout * 1000)),
        log_access=access, log_dictconfig=_log_config(settings.access_log) if access else None,
        respawn_failed_workers=True,
        workers_max_rss=settings.worker_memory_mb or None, rss_sample_interval=5,
        workers_kill_timeout=int(settings.query_timeout) + 5,
    )


def _log_config(target: str) -> dict[str, Any]:
    handler: dict[str, Any] = ({"class": "logging.StreamHandler", "stream": "ext://sys.stdout"} if target == "-"
                               else {"class": "logging.FileHandler", "filename": target})
    return {"version": 1, "disable_existing_loggers": False,
            "handlers": {"access": {**handler, "formatter": "plain"}},
            "formatters": {"plain": {"format": "%(message)s"}},
            "loggers": {"granian.access": {"handlers": ["access"], "level": "INFO", "propagate": False}}}


def run(
    data_dir: Path,
    *,
    host: str | None = None,
    port: int | None = None,
    workers: int | None = None,
    store_url: str | None = None,
    debug: bool = False,
) -> None:
    settings = Settings.from_env(data_dir=data_dir, host=host, port=port, workers=workers, store_url=store_url)
    check_release(settings)
    fetch_editor()
    if debug:
        build_app(settings).run(host=settings.host, port=settings.port, debug=True)
    else:
        front_end(settings).serve()


def check_release(settings: Settings) -> None:
    """Fail early, with one readable line, when there is no release or its store is damaged (each web
    worker would fail to start and be started again).  Nothing stays open: this process holds no lease."""
    release = open_release(settings.data_dir)
    if not settings.store_url:
        try:
            open_store(release.store_path).close()
        except DamagedRelease as exc:
            raise DamagedRelease(f"cannot serve {release.path}: {exc}") from None


def fetch_editor() -> None:
    """Fetch the query page's editor (YASGUI) on the first serve, when npm can; the page is a plain form until then."""
    from web.views.sparql import EDITOR_ASSET

    problem = ensure(YASGUI, EDITOR_ASSET.parent)
    if problem:
        print(f"peelkg: the query page uses its plain form ({problem})", file=sys.stderr)
