"""The capacity of reconciliation batches and searches: ``lookup_slots`` of them at once per web
worker (``kg.query.slots``), each stopped after ``lookup_seconds``; pages keep the other threads."""

from __future__ import annotations

from flask import current_app

from kg.query.slots import Slots

EXTENSION = "peelkg.lookups"


def slots() -> Slots:
    """The app's places for lookups (made on first use; ``setdefault`` keeps the first one made)."""
    settings = current_app.config["SETTINGS"]
    found: Slots = current_app.extensions.setdefault(
        EXTENSION, Slots(settings.lookup_slots, what="reconciliation batches or searches"))
    return found


def seconds() -> float:
    """How long one lookup may run."""
    return float(current_app.config["SETTINGS"].lookup_seconds)
