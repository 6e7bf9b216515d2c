"""The size limit of one report text.

A report is parsed and mapped into a graph of its own, held in memory while it is mapped, so the
build's peak memory grows with its largest report (see ``kg.release.units``). A text over either limit is
refused before it is read further, with an error naming the file: a report that long is not a PEEL
report (the longest the inspectorate publishes are a few thousand lines) and would take minutes and
gigabytes to map. The figures behind the limits are in docs/performance.md (``bench.long_report``).
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import InputError

MAX_REPORT_LINES = 10_000
MAX_REPORT_BYTES = 3 * 1024 * 1024


def check_report_size(path: Path) -> None:
    """Raise :class:`InputError` naming ``path`` when it is over a limit (a missing file is left to the parser).

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     text = Path(folder, "long.txt")
    ...     _ = text.write_text("line\\n" * (MAX_REPORT_LINES + 1))
    ...     try:
    ...         check_report_size(text)
    ...     except InputError as error:
    ...         print(error.message)
    10,001 lines: a report may have at most 10,000 lines (and 3 MiB); split it or check it is a report
    """
    try:
        size = path.stat().st_size
    except OSError:
        return
    if size > MAX_REPORT_BYTES:
        raise InputError(str(path), None, f"{size:,} bytes: a report may be at most {MAX_REPORT_BYTES // 2**20} MiB "
                                          f"(and {MAX_REPORT_LINES:,} lines); split it or check it is a report")
    try:
        data = path.read_bytes()
    except OSError:
        return
    lines = data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)
    if lines > MAX_REPORT_LINES:
        raise InputError(str(path), None, f"{lines:,} lines: a report may have at most {MAX_REPORT_LINES:,} lines "
                                          f"(and {MAX_REPORT_BYTES // 2**20} MiB); split it or check it is a report")


__all__ = ["MAX_REPORT_BYTES", "MAX_REPORT_LINES", "check_report_size"]
