"""Every file of a release, to compare two builds byte for byte (the release's id and time as placeholders)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from kg.release.layout import LEASE, MANIFEST, STORE
from kg.release.void import release_time


def release_files(out: Path) -> dict[str, bytes]:
    """The bytes of every file of the release ``out`` designates (a data directory or a release folder).

    What names the build itself is replaced by a placeholder: the release id, the manifest's
    ``created`` time and the issue time read from the id (both ``<TIME>``); in a data directory, the ids and issue times
    of the earlier releases it holds too (a release's version history names its predecessors), newest first
    as ``<RELEASE-1>``, ``<RELEASE-2>``… (every time as ``<TIME>``).  The store is a database whose files
    carry their own ids and logs, so it is compared by its quads (sorted N-Quads) instead;
    the lease file is a lock, not content.
    """
    current = out if (out / MANIFEST).is_file() else (out / "current").resolve()
    manifest = json.loads((current / MANIFEST).read_text(encoding="utf-8"))
    rid, created = manifest["release"], manifest["created"]
    # one placeholder for every time: a build's creation and issue times (and a predecessor's) can share a second
    stamps = {rid: "<RELEASE>", created: "<TIME>", release_time(Path(rid)).isoformat(timespec="seconds"): "<TIME>"}
    earlier = sorted((p.name for p in (out / "releases").iterdir() if p.name != rid), reverse=True) \
        if (out / "releases").is_dir() else []
    for n, other in enumerate(earlier, 1):
        stamps[other] = f"<RELEASE-{n}>"
        stamps[release_time(Path(other)).isoformat(timespec="seconds")] = "<TIME>"
    files: dict[str, bytes] = {}
    for path in sorted(current.rglob("*")):
        name = path.relative_to(current).as_posix()
        if path.is_dir() or name.split("/")[0] == STORE or name == LEASE:
            continue
        data = path.read_bytes()
        for stamp, placeholder in stamps.items():
            data = data.replace(stamp.encode("utf-8"), placeholder.encode("utf-8"))
        files[name] = data
    store = ox.Store.read_only(str(current / STORE))
    files[f"{STORE}/ (its quads)"] = "\n".join(sorted(str(q) for q in store)).encode("utf-8")
    return files
