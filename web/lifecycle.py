"""Who closes what the app starts: every resource ``create_app`` opens has the app as its owner.

``own(app, close)`` registers how to close a resource (the query service's worker processes, for one);
``close_app(app)`` closes them all, last opened first, and is what a server calls when it stops serving
an app.  A resource whose app is never closed explicitly is closed when the app is garbage-collected or
the interpreter exits (``weakref.finalize``), so no test or tool leaves a worker process behind.

>>> from flask import Flask
>>> app, closed = Flask("example"), []
>>> own(app, lambda: closed.append("workers"))
>>> close_app(app); close_app(app)  # a second close does nothing
>>> closed
['workers']
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from flask import Flask

CLOSERS = "peelkg.closers"


def own(app: Flask, close: Callable[[], object]) -> None:
    """Make ``app`` the owner of a resource that ``close`` releases (``close`` must not refer to ``app``)."""
    app.extensions.setdefault(CLOSERS, []).append(weakref.finalize(app, close))


def close_app(app: Flask) -> None:
    """Close every resource ``app`` owns, the last opened first; closing twice is harmless."""
    for finalizer in reversed(app.extensions.get(CLOSERS, [])):
        finalizer()
