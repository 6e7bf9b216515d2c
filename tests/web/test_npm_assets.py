"""Browser assets from npm packages: the pinned digest is checked and nothing half-written is left.

A stand-in npm client (a small script) hands over a tarball made here, so these tests reach no registry.
"""

from __future__ import annotations

import io
import stat
import tarfile
from pathlib import Path

import pytest

from web.npm_assets import AssetError, NpmAsset, ensure, fetch, integrity_of, present


def tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def fake_npm(tmp_path: Path, data: bytes, exit_code: int = 0) -> str:
    """An executable that answers ``npm pack SPEC --pack-destination DIR`` by copying ``data`` into DIR."""
    source = tmp_path / "package.tgz"
    source.write_bytes(data)
    script = tmp_path / "npm"
    script.write_text(f"#!/bin/sh\n[ {exit_code} = 0 ] || {{ echo 'E404 not found' >&2; exit {exit_code}; }}\n"
                      f'cp "{source}" "$5/pkg-1.0.0.tgz"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def asset_for(data: bytes) -> NpmAsset:
    return NpmAsset("pkg", "1.0.0", integrity_of(data), ("dist/a.js", "b.css"), "MIT")


def test_the_files_are_copied_when_the_digest_matches(tmp_path: Path) -> None:
    data = tarball({"dist/a.js": b"var a;", "b.css": b"b{}"})
    folder = tmp_path / "vendor"
    fetch(asset_for(data), folder, npm=fake_npm(tmp_path, data))
    assert (folder / "a.js").read_bytes() == b"var a;" and (folder / "b.css").read_bytes() == b"b{}"
    assert present(asset_for(data), folder)
    assert sorted(p.name for p in folder.iterdir()) == ["a.js", "b.css"]


def test_a_tarball_with_another_digest_is_refused(tmp_path: Path) -> None:
    pinned = tarball({"dist/a.js": b"var a;", "b.css": b"b{}"})
    served = tarball({"dist/a.js": b"var evil;", "b.css": b"b{}"})
    folder = tmp_path / "vendor"
    with pytest.raises(AssetError, match="digest"):
        fetch(asset_for(pinned), folder, npm=fake_npm(tmp_path, served))
    assert not folder.exists()


def test_a_failing_client_is_reported_by_name(tmp_path: Path) -> None:
    data = tarball({"dist/a.js": b"", "b.css": b""})
    with pytest.raises(AssetError, match=r"pkg@1\.0\.0: npm pack failed: E404"):
        fetch(asset_for(data), tmp_path / "vendor", npm=fake_npm(tmp_path, data, exit_code=1))


def test_a_missing_member_is_reported(tmp_path: Path) -> None:
    data = tarball({"dist/a.js": b"var a;"})
    with pytest.raises(AssetError, match=r"b\.css is not a file in the package"):
        fetch(asset_for(data), tmp_path / "vendor", npm=fake_npm(tmp_path, data))


def test_ensure_says_why_when_npm_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    data = tarball({"dist/a.js": b"", "b.css": b""})
    assert ensure(asset_for(data), tmp_path / "vendor") == "pkg@1.0.0: the npm client is not installed"


def test_ensure_does_nothing_when_the_files_are_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    data = tarball({"dist/a.js": b"", "b.css": b""})
    for name in ("a.js", "b.css"):
        (tmp_path / name).write_text("")
    assert ensure(asset_for(data), tmp_path) is None
