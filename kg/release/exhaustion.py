"""A build that runs out of memory or of disk space ends in one line, and publishes nothing.

A build writes its release aside and switches ``current`` only when the release is complete
(``kg.release.layout``), so whatever it was doing when memory or space ran out, the partial
folder is removed and the published release stays as it was.  What is left is to say so in the
user's terms instead of a traceback: :func:`reported_exhaustion` turns ``MemoryError`` and a
full disk (``ENOSPC``/``EDQUOT`` from Python, RocksDB's "No space left on device" from the store)
into a ``ReleaseError``.

>>> from pathlib import Path
>>> try:
...     with reported_exhaustion(Path("/srv/peelkg")):
...         raise OSError(28, "No space left on device")
... except ReleaseError as exc:
...     print(str(exc).split(":")[0])
no space left on the device holding /srv/peelkg
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from pathlib import Path

from kg.errors import ReleaseError

_FULL = (errno.ENOSPC, errno.EDQUOT)
_UNCHANGED = "the build stopped and nothing was published (the current release is unchanged)"


def disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` reports a full disk (or quota), from Python or from the store's engine."""
    return (isinstance(exc, OSError) and exc.errno in _FULL) or (
        isinstance(exc, OSError | RuntimeError) and "No space left on device" in str(exc))


@contextlib.contextmanager
def reported_exhaustion(out: Path) -> Iterator[None]:
    """Run a build writing into ``out``; ``ReleaseError`` if it runs out of memory or disk space."""
    try:
        yield
    except MemoryError:
        raise ReleaseError(f"the build ran out of memory: {_UNCHANGED}; build on a machine with more memory, "
                           "or with fewer or smaller inputs") from None
    except (OSError, RuntimeError) as exc:
        if not disk_full(exc):
            raise
        raise ReleaseError(f"no space left on the device holding {out}: {_UNCHANGED}; "
                           "free some space and build again") from None
