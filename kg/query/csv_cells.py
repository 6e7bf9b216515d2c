"""CSV cells that a spreadsheet would run as a formula are neutralised (OWASP's CSV injection rule).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by spreadsheet programs (``=HYPERLINK(…)``, ``@SUM(…)``, ``-2+3``), so such a
cell gets a leading apostrophe, which they show as text.  A cell that is just a number
(``-2``, ``+1.5e3``) is left alone: it is no formula and must stay a number.  Applied to every
CSV answer once, by ``kg.query.service`` before it caches it (so ``/sparql``, ``/queries/*.csv``
and ``peelkg query`` alike), and to the CSV downloads and the changelog as they are written; TSV,
JSON and XML results stay exact for programs (docs/sparql.md).

>>> neutralise_csv(b'text,n\\r\\n"=HYPERLINK(""http://e/"")",-2\\r\\n"@SUM(1)",-2+3\\r\\n')
b'text,n\\r\\n"\\'=HYPERLINK(""http://e/"")",-2\\r\\n\\'@SUM(1),\\'-2+3\\r\\n'
"""

from __future__ import annotations

import csv
import io
import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_cell(text: str) -> str:
    """``text`` with a leading apostrophe if a spreadsheet would take it for a formula."""
    if text.startswith(TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def neutralise_csv(body: bytes) -> bytes:
    """Every cell of the UTF-8 CSV ``body`` neutralised; rows end in CRLF, as SPARQL CSV's do."""
    rows = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")
