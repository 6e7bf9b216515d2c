"""Release directories: written aside, switched in atomically, opened read-only.

Layout of a data directory (``--out``/``--data``)::

    DIR/current          -> releases/<id>   (a symlink, replaced atomically)
    DIR/releases/<id>/   store/ dump.nq.gz manifest.json validation.ttl validation.txt …

A build writes ``releases/.building-<id>`` and renames it into place only when complete,
then repoints ``current``; a failed build removes its partial folder and leaves ``current``
as it was.  ``open_release`` accepts either a data directory or one release folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ReleaseError

CURRENT = "current"
RELEASES = "releases"
MANIFEST = "manifest.json"
STORE = "store"
DUMP = "dump.nq.gz"
KEEP = 3  # releases kept besides the current one's predecessors (older ones are pruned)


@dataclass(frozen=True)
class Release:
    path: Path
    manifest: dict[str, Any]

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
    path = resolve(data_dir)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"unreadable manifest in {path.name}: {exc}") from None
    return Release(path, manifest)


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
            self.path.mkdir(parents=True, exist_ok=False)
        except OSError as exc:
            raise ReleaseError(f"cannot create a release in {self.data_dir}: {exc.strerror}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.published:
            shutil.rmtree(self.path, ignore_errors=True)

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
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
