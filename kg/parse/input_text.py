"""Checks of text read from build input: characters RDF and XML cannot carry, and web addresses that are
not IRIs.  The readers (``kg.parse.parser``, ``kg.link.reference``) turn a finding into an error naming file and line.

XML 1.0 (§2.2 Char) has no place for C0 controls other than tab, LF and CR, nor for U+FFFE/U+FFFF; DEL
and the C1 controls are allowed there but are never text in a report, so they are refused too.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Characters RFC 3987 keeps out of an IRI (and Turtle out of an IRIREF), besides controls and spaces.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')


def control_character(text: str) -> tuple[int, str] | None:
    """(1-based line, ``U+XXXX``) of the first control character in ``text`` that RDF/XML cannot carry."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    return text.count("\n", 0, found.start()) + 1, f"U+{ord(found.group()):04X}"


def iri_problem(value: str) -> str | None:
    """Why ``value`` cannot be written as an IRI (a character RFC 3987 keeps out), or None."""
    bad = _NOT_IN_IRI.search(value)
    return None if bad is None else f"holds {bad.group()!r}, which an IRI cannot"


def web_address_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute http(s) IRI, or None when it is one."""
    if (problem := iri_problem(value)) is not None:
        return problem
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "is not a web address (http or https)"
    return None
