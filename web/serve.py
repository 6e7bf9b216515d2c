"""Run the app: gunicorn (production, the default) or Flask's debug server (``--debug``).

Each gunicorn worker builds its own app and opens the release's store read-only after the
fork, so workers share the files on disk, not open handles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kg.release import open_release
from kg.store import Store, open_store

from .app import create_app
from .settings import Settings


def make_store(settings: Settings) -> Store:
    if settings.store_url:
        from kg.remote import RemoteStore

        remote: Store = RemoteStore(settings.store_url, timeout=settings.query_timeout)
        return remote
    return open_store(open_release(settings.data_dir).store_path)


def build_app(settings: Settings) -> Flask:
    return create_app(settings, make_store(settings), release=open_release(settings.data_dir))


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        self.cfg.set("bind", f"{self.settings.host}:{self.settings.port}")
        self.cfg.set("workers", self.settings.workers)
        self.cfg.set("threads", self.settings.threads)
        self.cfg.set("worker_class", "gthread" if self.settings.threads > 1 else "sync")
        self.cfg.set("timeout", int(self.settings.query_timeout * 3) + 30)
        if self.settings.access_log:
            self.cfg.set("accesslog", self.settings.access_log)
        self.cfg.set("preload_app", False)

    def load(self) -> Any:
        return build_app(self.settings)


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
    open_release(settings.data_dir)  # fail early, with a readable message, if there is no release
    if debug:
        build_app(settings).run(host=settings.host, port=settings.port, debug=True)
    else:
        _Gunicorn(settings).run()
