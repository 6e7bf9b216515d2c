"""What the views reach per request: settings, store and release, held by the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from kg.release import Release
from kg.store import Store

from .settings import Settings


@dataclass
class PeelContext:
    settings: Settings
    store: Store
    release: Release
    cache: dict[str, Any] = field(default_factory=dict)  # per-release memo (the release never changes in a process)


def peel() -> PeelContext:
    context: PeelContext = current_app.extensions["peelkg"]
    return context
