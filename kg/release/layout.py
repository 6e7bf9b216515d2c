"""Release directories: written aside, switched in atomically, opened read-only.

Layout of a data directory (``--out``/``--data``)::

    DIR/current          -> releases/<id>   (a symlink, replaced atomically)
    DIR/releases/<id>/   store/ dump.nq.gz manifest.json validation.ttl validation.txt …

A build writes ``releases/.building-<id>`` and renames it into place only when complete,
then repoints ``current``; a failed build removes its partial folder and leaves ``current``
as it was.  One build at a time writes into a data directory (``.build.lock``; a second is
refused), and it first removes what killed builds left.  Every process that opens a release
holds a shared lock on its ``.lease`` file, and pruning never removes a leased release.
``open_release`` accepts either a data directory or one release folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import ReleaseError

CURRENT = "current"
RELEASES = "releases"
MANIFEST = "manifest.json"
STORE = "store"
DUMP = "dump.nq.gz"
LEASE = ".lease"  # every reader holds a shared flock on it; pruning skips a release it cannot lock
BUILD_LOCK = ".build.lock"  # one build at a time per data directory
KEEP = 3  # releases kept besides the current one's predecessors (older ones are pruned)


@dataclass(frozen=True)
class Release:
    path: Path
    manifest: dict[str, Any]
    # A shared lock on the release's lease file, held as long as this object lives (see ``prune``).
    lease: Lease | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        return str(self.manifest["release"])

    @property
    def store_path(self) -> Path:
        return self.path / STORE

    def file(self, name: str) -> Path:
        return self.path / name


DATA_DIR_VARIABLE = "PEELKG_DATA_DIR"


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$PEELKG_DATA_DIR``, else ``$XDG_DATA_HOME/peelkg``, else ``~/.local/share/peelkg``.

    The one variable naming the data directory, for every command (it is the ``data_dir`` setting's variable).

    >>> default_data_dir({"PEELKG_DATA_DIR": "/srv/peelkg"})
    PosixPath('/srv/peelkg')
    >>> default_data_dir({"XDG_DATA_HOME": "/xdg"})
    PosixPath('/xdg/peelkg')
    """
    environ = os.environ if environ is None else environ
    if environ.get(DATA_DIR_VARIABLE):
        return Path(environ[DATA_DIR_VARIABLE])
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "peelkg"


def resolve(data_dir: Path) -> Path:
    """The release folder that ``data_dir`` designates."""
    if (data_dir / MANIFEST).is_file():
        return data_dir
    current = data_dir / CURRENT
    if current.exists() and (current / MANIFEST).is_file():
        return current.resolve()
    raise ReleaseError(f"no release in {data_dir} (run `peelkg build --out {data_dir}` first)")


def open_release(data_dir: Path) -> Release:
    """The release ``data_dir`` designates, leased: no build prunes it while the object lives."""
    for _attempt in range(3):
        path = resolve(data_dir)
        lease = _take_lease(path)
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:  # pruned between resolving and leasing: resolve again
            if lease is not None:
                lease.close()
            continue
        except (OSError, ValueError) as exc:
            raise ReleaseError(f"unreadable manifest in {path.name}: {exc}") from None
        return Release(path, manifest, lease)
    raise ReleaseError(f"the release in {data_dir} kept changing while it was opened")


class Lease:
    """A shared ``flock`` on a release's ``.lease`` file, given up when closed or collected."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing the descriptor releases the lock
            self.fd = -1

    def __del__(self) -> None:
        self.close()


def _take_lease(path: Path) -> Lease | None:
    """A lease on the release at ``path`` (None for a release written before leases existed)."""
    try:
        fd = os.open(path / LEASE, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)
    return Lease(fd)


def _in_use(folder: Path) -> Any:
    """An exclusive lock on ``folder``'s lease if no process holds a shared one, else None."""
    try:
        handle = (folder / LEASE).open("rb")
    except OSError:
        return contextlib.nullcontext()
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def exists(data_dir: Path) -> bool:
    try:
        resolve(data_dir)
    except ReleaseError:
        return False
    return True


class ReleaseWriter:
    """Context manager for a release being written; publish with :meth:`publish`.

    Leaving the block without publishing (an exception, a failed validation) deletes the
    partial folder, so the served release stays as it was.
    """

    def __init__(self, data_dir: Path, release_id: str) -> None:
        self.data_dir = data_dir
        self.release_id = release_id
        self.final = data_dir / RELEASES / release_id
        self.path = data_dir / RELEASES / f".building-{release_id}"
        self.published = False

    def __enter__(self) -> ReleaseWriter:
        try:
            (self.data_dir / RELEASES).mkdir(parents=True, exist_ok=True)
            self.lock = (self.data_dir / BUILD_LOCK).open("ab")
        except OSError as exc:
            raise ReleaseError(f"cannot create a release in {self.data_dir}: {exc.strerror}") from None
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.lock.close()
            raise ReleaseError(f"another build is writing a release into {self.data_dir}; "
                               "run this one again when it has finished") from None
        remove_leftovers(self.data_dir)
        try:
            self.path.mkdir(exist_ok=False)
            (self.path / LEASE).touch()
        except OSError as exc:
            self.lock.close()
            raise ReleaseError(f"cannot create a release in {self.data_dir}: {exc.strerror}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.published:
            shutil.rmtree(self.path, ignore_errors=True)
        self.lock.close()  # releases the build lock

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False)
        (self.path / MANIFEST).write_text(text + "\n", encoding="utf-8")

    def publish(self) -> Path:
        """Move the finished release into place and point ``current`` at it, atomically."""
        if self.final.exists():
            shutil.rmtree(self.final)
        self.path.rename(self.final)
        link = self.data_dir / CURRENT
        temporary = self.data_dir / f".{CURRENT}-{self.release_id}"
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        temporary.symlink_to(Path(RELEASES) / self.release_id)
        os.replace(temporary, link)  # rename(2) over the old link: readers see old or new
        self.published = True
        prune(self.data_dir, keep=self.release_id)
        return self.final


def prune(data_dir: Path, *, keep: str) -> None:
    """Remove all but the newest ``KEEP`` releases (never the one just published)."""
    folders = sorted(
        (p for p in (data_dir / RELEASES).iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )
    for old in folders[:-KEEP]:
        if old.name == keep:
            continue
        lock = _in_use(old)
        if lock is None:
            continue  # a server still reads it: a later build prunes it once none does
        with lock:
            shutil.rmtree(old, ignore_errors=True)


def remove_leftovers(data_dir: Path) -> None:
    """Remove what killed builds left behind (partial folders, temporary links).

    Called with the build lock held, so nothing removed here belongs to a running build.
    """
    for partial in (data_dir / RELEASES).glob(".building-*"):
        shutil.rmtree(partial, ignore_errors=True)
    for link in data_dir.glob(f".{CURRENT}-*"):
        with contextlib.suppress(OSError):
            link.unlink()
