"""The application factory: ``create_app(settings, store)``.

No module-level graph, no work at import time: everything a request needs hangs off the
app (``app.extensions["peelkg"]``) and is reached through ``web.context``.
"""

from __future__ import annotations

from importlib import import_module

from flask import Flask

from kg.release import Release, open_release
from kg.store import Store

from . import errors
from .context import PeelContext, check_public_base
from .settings import Settings

# One blueprint per surface; each module exposes ``bp``.
BLUEPRINTS: tuple[str, ...] = ("web.pages", "web.security", "web.caching",
                               "web.downloads", "web.dataset", "web.ontology_docs", "web.search",
                               "web.sparql", "web.canned", "web.analytics", "web.reconcile", "web.identifiers",
                               "web.fragments")


def create_app(settings: Settings, store: Store, *, release: Release | None = None) -> Flask:
    check_public_base(settings.public_base_url)  # a bad value stops the start, not each request
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.extensions["peelkg"] = PeelContext(
        settings=settings, store=store, release=release or open_release(settings.data_dir)
    )
    errors.init_app(app)
    for name in BLUEPRINTS:
        app.register_blueprint(import_module(name).bp)
    return app
