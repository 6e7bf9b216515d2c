"""Browser assets taken from npm packages: one pinned version each, checked against its published digest.

The site needs a few files that live in npm packages (the query page's editor; the accessibility checker the
browser tests inject). They are not committed: ``ensure`` fetches a package's tarball with the npm client, checks
its SHA-512 digest against the one pinned here, and copies the named files into a folder. Without npm, or offline,
it reports that it could not and changes nothing, so callers fall back (the query page to its plain form).

>>> YASGUI.files
('yasgui.min.js', 'yasgui.min.css')
>>> import tempfile
>>> present(YASGUI, Path(tempfile.mkdtemp()))
False
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FETCH_TIMEOUT = 180.0  # seconds npm may take to hand over one tarball


@dataclass(frozen=True)
class NpmAsset:
    """Files taken from one version of an npm package."""

    package: str
    version: str
    integrity: str  # the registry's ``dist.integrity`` for that version (``sha512-`` + base64)
    members: tuple[str, ...]  # paths inside the package, as published
    licence: str

    @property
    def files(self) -> tuple[str, ...]:
        """The names the members are saved under (their last path component)."""
        return tuple(PurePosixPath(member).name for member in self.members)


YASGUI = NpmAsset(
    "@zazuko/yasgui", "4.6.2",
    "sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw==",
    ("build/yasgui.min.js", "build/yasgui.min.css"), "MIT")
AXE_CORE = NpmAsset(
    "axe-core", "4.11.0",
    "sha512-ilYanEU8vxxBexpJd8cWM4ElSQq4QctCLKih0TSfjIfCQTeyH/6zVrmIJfLPrKTKJRbiG+cfnZbQIjAlJmF1jQ==",
    ("axe.min.js",), "MPL-2.0")


class AssetError(Exception):
    """An asset could not be fetched or did not match its pinned digest."""


def present(asset: NpmAsset, folder: Path) -> bool:
    """Whether every file of ``asset`` is already in ``folder``."""
    return all((folder / name).is_file() for name in asset.files)


def integrity_of(data: bytes) -> str:
    """The npm ``integrity`` string (SHA-512) of a tarball's bytes.

    >>> integrity_of(b"")[:20]
    'sha512-z4PhNX7vuL3xV'
    """
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def fetch(asset: NpmAsset, folder: Path, *, npm: str | None = None, timeout: float = FETCH_TIMEOUT) -> None:
    """Fetch ``asset`` with the npm client and save its files in ``folder`` (each written whole, then renamed).

    Raises ``AssetError`` naming the package when npm is missing, fails, times out, or hands over a tarball
    whose digest is not the pinned one.
    """
    spec = f"{asset.package}@{asset.version}"
    client = npm or shutil.which("npm")
    if client is None:
        raise AssetError(f"{spec}: the npm client is not installed")
    with tempfile.TemporaryDirectory() as work:
        try:
            subprocess.run([client, "pack", "--silent", spec, "--pack-destination", work], check=True,
                           timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except subprocess.TimeoutExpired as error:
            raise AssetError(f"{spec}: npm did not answer within {timeout:.0f} s") from error
        except (subprocess.CalledProcessError, OSError) as error:
            detail = getattr(error, "stderr", b"") or b""
            raise AssetError(f"{spec}: npm pack failed: {detail.decode(errors='replace').strip()[:300]}") from error
        tarballs = list(Path(work).glob("*.tgz"))
        if len(tarballs) != 1:
            raise AssetError(f"{spec}: npm pack left {len(tarballs)} tarballs")
        data = tarballs[0].read_bytes()
        if integrity_of(data) != asset.integrity:
            raise AssetError(f"{spec}: the tarball's digest is not the pinned {asset.integrity[:20]}…")
        _extract(asset, tarballs[0], folder)


def ensure(asset: NpmAsset, folder: Path, *, timeout: float = FETCH_TIMEOUT) -> str | None:
    """Make sure ``asset``'s files are in ``folder``; return None when they are, else why they are not."""
    if present(asset, folder):
        return None
    try:
        fetch(asset, folder, timeout=timeout)
    except (AssetError, OSError, tarfile.TarError) as error:
        return str(error)
    return None


def _extract(asset: NpmAsset, tarball: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball, "r:gz") as archive:
        for member, name in zip(asset.members, asset.files, strict=True):
            try:
                source = archive.extractfile(f"package/{member}")
            except KeyError:
                source = None
            if source is None:
                raise AssetError(f"{asset.package}@{asset.version}: {member} is not a file in the package")
            partial = folder / f".{name}.part"
            partial.write_bytes(source.read())
            partial.replace(folder / name)

