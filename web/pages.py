"""Entity pages and the home page."""

from __future__ import annotations

from flask import Blueprint, render_template

from .context import peel

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> str:
    release = peel().release
    return render_template("home.html", manifest=release.manifest)
