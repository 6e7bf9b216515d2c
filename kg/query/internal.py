"""The SPARQL the code itself runs: one ``.rq`` file a query under ``queries/internal/``, read once.

Canned queries (``kg.query.canned``) are public, with a header of parameters, and served at
``/queries/{name}``; internal queries are not.  A file starts with a comment saying what the
query is for, and holds one query.  Values are never pasted into the text: the caller passes
them as ``bindings`` to the store (``kg.store.interface.Store``), which binds them as values.

>>> "CONSTRUCT" in internal_query("all-triples")
True
>>> paged("fragment-page", limit=10, offset=20).splitlines()[-1]
'LIMIT 10 OFFSET 20'
>>> internal_query("../forces")
Traceback (most recent call last):
...
kg.errors.NotFound: no internal query named '../forces'
"""

from __future__ import annotations

from functools import cache

from kg.errors import NotFound
from kg.query.canned import NAME
from kg.resources import queries_dir

FOLDER = "internal"


@cache
def internal_query(name: str) -> str:
    """The text of ``queries/internal/{name}.rq`` (read once per process); ``NotFound`` for an unknown name."""
    path = queries_dir() / FOLDER / f"{name}.rq"
    if not NAME.match(name) or not path.is_file():
        raise NotFound(f"no internal query named {name!r}")
    return path.read_text(encoding="utf-8")


def internal_names() -> list[str]:
    """The names of every internal query."""
    return sorted(p.stem for p in (queries_dir() / FOLDER).glob("*.rq"))


def paged(name: str, *, limit: int, offset: int) -> str:
    """The internal query ``name`` with a ``LIMIT``/``OFFSET`` clause, for reading its answer a page at a time.

    SPARQL has no variable for either number, so the two are written as numerals: whole numbers, checked here
    (``ValueError`` for anything else), and the only text ever added to an internal query.
    """
    if type(limit) is not int or type(offset) is not int or limit < 0 or offset < 0:
        raise ValueError(f"a page needs whole numbers, not limit={limit!r}, offset={offset!r}")
    return f"{internal_query(name).rstrip()}\nLIMIT {limit} OFFSET {offset}"
