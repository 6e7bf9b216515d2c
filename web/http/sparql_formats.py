"""The formats of SPARQL answers (from the one table, ``kg.formats``), and how a request picks one.

SPARQL result media types differ from those of entity documents (``web.http.negotiation``): rows
and booleans are SPARQL 1.1 Query Results (JSON, XML, CSV, TSV); graphs are Turtle,
N-Triples, JSON-LD or RDF/XML.  A ``format`` parameter (a key, an alias or a media type;
clients such as SPARQLWrapper send several) wins over ``Accept``; ``Accept`` is negotiated
with q-values; an answer nothing in ``Accept`` fits gets the default of its kind (JSON
results, Turtle), which the SPARQL 1.1 Protocol allows.  ``text/html`` is the query page.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.errors import BadQuery
from kg.formats import GRAPH, PAGE, RESULTS, Format, of_kind

__all__ = ["GRAPH", "PAGE", "RESULTS", "Format", "best_match", "choose", "formats_of", "kind_of", "wants_page"]

# What the endpoint answers in, from ``kg.formats``: results, graphs, then the query page.
FORMATS: tuple[Format, ...] = tuple(of_kind(RESULTS, GRAPH, PAGE))
PAGE_FORMAT = FORMATS[-1]
_ALL_OFFERED = tuple(m for f in FORMATS for m in (f.media_type, *f.accept_aliases))


# ``Accept`` headers up to this length are negotiated once per distinct header (clients repeat a handful of them);
# longer ones every time, so the memo holds at most _MEMO_SIZE × _MEMO_HEADER bytes of keys.
_MEMO_HEADER = 512
_MEMO_SIZE = 256


def best_match(accept: MIMEAccept | str, offered: Sequence[str]) -> str | None:
    """The media type of ``offered`` that ``accept`` (a parsed header, or the raw ``Accept`` value) prefers,
    None when it accepts none of them.

    >>> best_match("text/csv;q=0.5, text/tab-separated-values", ("text/csv", "text/tab-separated-values"))
    'text/tab-separated-values'
    """
    if isinstance(accept, str):
        if len(accept) <= _MEMO_HEADER:
            return _best_for_header(accept, tuple(offered))
        accept = parse_accept_header(accept, MIMEAccept)
    return accept.best_match(offered) if accept else None


@lru_cache(maxsize=_MEMO_SIZE)
def _best_for_header(header: str, offered: tuple[str, ...]) -> str | None:
    accept = parse_accept_header(header, MIMEAccept)
    return accept.best_match(offered) if accept else None


def formats_of(kind: str) -> list[Format]:
    """The formats of one kind, the default first."""
    return [f for f in FORMATS if f.kind == kind]


def kind_of(form: str) -> str:
    return GRAPH if form in ("CONSTRUCT", "DESCRIBE") else RESULTS


def choose(kind: str, format_values: Sequence[str], accept: MIMEAccept | str, *, html: bool = True) -> Format:
    """The format to answer a ``kind`` of answer in.

    ``BadQuery`` when ``format`` parameters were given and none fits this kind.

    >>> from werkzeug.http import parse_accept_header
    >>> choose(GRAPH, ["xml"], MIMEAccept()).name
    'RDF/XML'
    >>> choose(RESULTS, [], parse_accept_header("text/csv;q=0.5, text/tab-separated-values", MIMEAccept)).key
    'tsv'
    >>> choose(RESULTS, [], parse_accept_header("text/html,*/*;q=0.8", MIMEAccept)).key
    'html'
    """
    candidates = formats_of(kind) + ([PAGE_FORMAT] if html else [])
    values = [v.strip().lower() for v in format_values if v.strip()]
    if values:
        for value in values:
            for fmt in candidates:
                if value in (fmt.key, fmt.media_type, *fmt.aliases, *fmt.accept_aliases):
                    return fmt
        names = ", ".join(f.key for f in candidates)
        raise BadQuery(f"format {values[0]!r} does not fit this answer; use one of {names}")
    offered = [m for f in candidates for m in (f.media_type, *f.accept_aliases)]
    best = best_match(accept, offered)
    for fmt in candidates:
        if best in (fmt.media_type, *fmt.accept_aliases):
            return fmt
    return candidates[0]


def wants_page(format_values: Sequence[str], accept: MIMEAccept | str) -> bool:
    """Whether the request asks for the HTML query page rather than a SPARQL answer.

    >>> from werkzeug.http import parse_accept_header
    >>> wants_page([], parse_accept_header("text/html,application/xml;q=0.9,*/*;q=0.8", MIMEAccept))
    True
    >>> wants_page([], parse_accept_header("*/*", MIMEAccept)), wants_page(["csv"], MIMEAccept())
    (False, False)
    """
    values = [v.strip().lower() for v in format_values if v.strip()]
    if values:
        return values[0] in (PAGE_FORMAT.key, PAGE_FORMAT.media_type)
    return best_match(accept, _ALL_OFFERED) in (PAGE_FORMAT.media_type, *PAGE_FORMAT.accept_aliases)
