"""A running server moves to a newly published release without a restart.

``peelkg build --out DIR`` publishes by repointing ``DIR/current`` (``kg.release.layout``).  A
:class:`ReleaseFollower` looks at that link at most every ``release_check_seconds``; when it names
another release, a background thread opens it whole (release and lease, store, query workers that
have each answered once) and only then makes it the one new requests get.  Each request is pinned
to one release from its first hook to its teardown (``web.context.peel`` returns the pinned one), so
a page, its ETag and its queries always come from the same release; a replaced release stays open,
leased, until the last request pinned to it ends, then it is closed and a later build may prune it.
A release that cannot be opened (damaged, half-copied, query workers that do not start) is logged
and the server keeps the one it has, trying again ``RETRY_SECONDS`` later.

>>> class Context:
...     def __init__(self, name): self.name, self.closed = name, False
...     def close(self): self.closed = True
>>> follower = ReleaseFollower(Context("a"), "a", lambda: "a", lambda name: Context(name), interval=0)
>>> first = follower.pin(); first.name
'a'
>>> follower.switch_to("b")
>>> follower.current.name, first.closed          # "a" is still in use by a request
('b', False)
>>> follower.unpin(first); first.closed            # its last request ended
True
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from flask import Flask, request

from kg.release.layout import Release, open_release, resolve
from web.context import FOLLOWER, PINNED, RELEASE_ENVIRON, PeelContext
from web.lifecycle import own

log = logging.getLogger(__name__)

RETRY_SECONDS = 60.0  # a release that could not be opened is tried again after this long


class Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


class ReleaseFollower(Generic[C]):
    """Hands out the newest opened release (``C``: what a request reaches) with a use count per release.

    ``first`` is the release opened already and ``name`` its name; ``newest()`` names the release the data
    directory points at now (cheap: a ``readlink``); ``open(name)`` opens it whole or raises.  ``interval``
    seconds pass between two looks (0: at every pin).
    """

    def __init__(self, first: C, name: str, newest: Callable[[], str], open: Callable[[str], C], *,
                 interval: float) -> None:
        self.current = first
        self._name = name
        self._newest = newest
        self._open = open
        self._interval = interval
        self._next_look = time.monotonic() + interval
        self._users: dict[int, int] = {}  # id of a release → requests pinned to it; guarded by _lock
        self._lock = threading.Lock()
        self._switching = threading.Lock()  # one opening at a time; requests never wait for it
        self._failed = ("", 0.0)  # the release that could not be opened, and when to try it again
        self._closed = False

    def latest(self) -> C:
        """The release new requests get; looks for a newer one when it is time (a switch starts in the
        background).  Whatever decides per request which release answers calls this, the render cache in
        front of the app too: a replayed page never runs the app, and must not keep a server on its release."""
        now = time.monotonic()
        if now >= self._next_look:
            self._next_look = now + self._interval
            self._look()
        return self.current

    def pin(self) -> C:
        """The release a request uses until :meth:`unpin`; may start a switch in the background."""
        self.latest()
        with self._lock:
            context = self.current
            self._users[id(context)] = self._users.get(id(context), 0) + 1
            return context

    def unpin(self, context: C) -> None:
        """A request pinned to ``context`` ended; the last one of a replaced release closes it."""
        with self._lock:
            left = self._users.get(id(context), 0) - 1
            if left > 0:
                self._users[id(context)] = left
                return
            self._users.pop(id(context), None)
            retired = context is not self.current
        if retired:
            context.close()

    def _look(self) -> None:
        try:
            name = self._newest()
        except Exception:  # no current link for a moment (a build is switching it): keep serving
            return
        failed, retry_at = self._failed
        if name == self._name or (name == failed and time.monotonic() < retry_at):
            return
        if not self._switching.acquire(blocking=False):
            return
        threading.Thread(target=self._switch_in_background, args=(name,), daemon=True,
                         name="peelkg-release-switch").start()

    def _switch_in_background(self, name: str) -> None:
        try:
            self.switch_to(name)
        finally:
            self._switching.release()

    def switch_to(self, name: str) -> None:
        """Open release ``name`` and make it the one new requests get (the caller holds no pin)."""
        try:
            opened = self._open(name)
        except Exception as exc:  # a damaged or half-copied release, workers that did not start: keep serving
            self._failed = (name, time.monotonic() + RETRY_SECONDS)
            log.error("kept serving the release in use: the newly published release %s cannot be opened (%s)",
                      Path(name).name, exc)
            return
        with self._lock:
            if self._closed:  # the server stopped while this release was opened
                old, unused = opened, True
            else:
                old, self.current, self._name = self.current, opened, name
                unused = id(old) not in self._users
        log.info("now serving release %s", Path(name).name)
        if unused:
            old.close()

    def close(self) -> None:
        """Close the release being served (when the server stops serving the app)."""
        with self._lock:
            self._closed = True
        self.current.close()


def follow(app: Flask, data_dir: Path, open_context: Callable[[Release], PeelContext], *,
           interval: float) -> ReleaseFollower[PeelContext]:
    """Make ``app`` follow the releases published into ``data_dir``, from the app's own release on; the app
    owns the follower (``web.lifecycle.close_app`` closes the release it serves then)."""
    def newest() -> str:
        return str(resolve(data_dir))

    def opened(path: str) -> PeelContext:
        return open_context(open_release(Path(path)))

    first: PeelContext = app.extensions["peelkg"]
    follower = ReleaseFollower(first, str(first.release.path.resolve()), newest, opened, interval=interval)
    app.extensions[FOLLOWER] = follower
    own(app, follower.close)

    def pin() -> None:
        context = follower.pin()
        request.environ[PINNED] = context
        request.environ[RELEASE_ENVIRON] = context.release.id

    def unpin(_exc: BaseException | None) -> None:
        context = request.environ.pop(PINNED, None)
        if context is not None:
            follower.unpin(context)

    app.before_request_funcs.setdefault(None, []).insert(0, pin)  # before any hook that reads the release
    app.teardown_request(unpin)
    return follower
