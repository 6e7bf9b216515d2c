"""The application factory: ``create_app(settings, store)``.

No module-level graph, no work at import time: everything a request needs hangs off the
app (``app.extensions["peelkg"]``) and is reached through ``web.context``.  The app owns what it
starts (the query workers): ``close_app(app)`` stops them (``web.lifecycle``); hooks applied to
every answer are registered by ``init_app`` functions, and every blueprint has routes.
"""

from __future__ import annotations

from importlib import import_module

from flask import Flask

from kg.release.layout import Release, open_release
from kg.store.local import Store
from web import errors
from web.context import PeelContext, check_public_base
from web.http import caching, security
from web.lifecycle import close_app
from web.settings import Settings
from web.views import sparql

# One blueprint per surface; each module exposes ``bp``.
BLUEPRINTS: tuple[str, ...] = (
    "web.views.pages", "web.views.downloads", "web.views.dataset",
    "web.views.ontology_docs", "web.views.search", "web.views.sparql", "web.views.canned", "web.views.analytics",
    "web.views.reconcile", "web.views.identifiers", "web.views.fragments", "web.views.releases",
)


def create_app(settings: Settings, store: Store, *, release: Release | None = None) -> Flask:
    check_public_base(settings.public_base_url)  # a bad value stops the start, not each request
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.extensions["peelkg"] = PeelContext(
        settings=settings, store=store, release=release or open_release(settings.data_dir)
    )
    errors.init_app(app)
    security.init_app(app)
    caching.init_app(app)
    for name in BLUEPRINTS:
        app.register_blueprint(import_module(name).bp)
    sparql.init_app(app)  # the query workers: closed by web.lifecycle.close_app(app), or with the app
    return app


__all__ = ["BLUEPRINTS", "close_app", "create_app"]
