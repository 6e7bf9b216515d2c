"""The one SPARQL lexer: the terminals of SPARQL 1.1 (https://www.w3.org/TR/sparql11-query/#sparqlGrammar)
as the embedded engine (pyoxigraph) reads them.

Everything that inspects or rewrites query text lexically — the endpoint's guard
(``kg.query.guard``), the stores' ``VALUES`` binding (``kg.sparql.binding``) and the canned
queries' parameter binding (``kg.query.canned``) — reads tokens from here, so none of them can
disagree with another, and each agrees with the engine on where a comment, a string or an
IRI ends (a guard that skips text the engine reads is a way past the guard):

- whitespace is space, tab, CR and LF only (``WS``); any other character is a token of its own;
- a comment runs from ``#`` to the next CR or LF (a lone CR ends it too);
- strings (short and long, either quote) and IRIs are single tokens and may hold ``#``;
  escapes are ``ECHAR`` and the codepoint escapes ``\\uXXXX``/``\\UXXXXXXXX``, which the
  engine decodes inside strings and IRIs only (outside them a backslash is not an escape:
  ``\\u0053ELECT`` is a syntax error, not ``SELECT``);
- keywords are ASCII and case-insensitive: :attr:`Token.keyword` is the upper-cased bare
  word (``None`` for a word with non-ASCII letters, which is no keyword for the engine).

One ambiguity is lexical in the grammar itself: inside parentheses, ``?a<…>`` may be an IRI
or the ``<`` operator.  When reading the candidate as an IRI would hide a character that
changes how the rest reads (a quote, ``#``, a bracket, a backslash), :func:`tokens` refuses the
text (``BadQuery``) rather than guess: a space after ``<`` says it is the operator.

>>> [t.text for t in tokens("SELECT * { #comment\\rSERVICE <http://e/#x> { ?s ?p '#' } }")]
['SELECT', '*', '{', 'SERVICE', '<http://e/#x>', '{', '?s', '?p', "'#'", '}', '}']
>>> [t.keyword for t in tokens("sErViCe ſervice")]
['SERVICE', None]
>>> iri_value(next(tokens("<http://e/\\\\u0041>")))
'http://e/A'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.errors import BadQuery

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_VARCHARS = r"[\w\u00b7\u0300-\u036f\u203f\u2040]"
_TOKEN = re.compile(
    r"""
    (?P<ws>[\ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|""" + _UCHAR + r""")*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\[^\n\r])*'|"(?:[^"\\\n\r]|\\[^\n\r])*")
  | (?P<var>[?$]""" + _VARCHARS + r"""+)
  | (?P<bnode>_:\w(?:[\w.-]*[\w-])?)
  | (?P<pname>(?:[^\W\d_](?:[\w.-]*[\w-])?)?:(?:(?:[\w:-]|""" + _PLX + r""")(?:(?:[\w.:-]|""" + _PLX
    + r""")*(?:[\w:-]|""" + _PLX + r"""))?)?)
  | (?P<word>[^\W\d]\w*)
  | (?P<number>\d+\.\d*[eE][+-]?\d+|\d*\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CODEPOINT = re.compile(_UCHAR)
# Characters that read differently as code than inside an IRI (see the module docstring).
_CHANGES_READING = re.compile(r"['#()\[\]\\]")
_OPERAND_ENDS = frozenset({"var", "number", "string", "iri", "pname", "langtag"})
TERMS = frozenset({"iri", "string", "var", "bnode", "pname", "number"})


@dataclass(frozen=True)
class Token:
    """A significant token: its kind (``iri``, ``string``, ``var``, ``bnode``, ``pname``,
    ``word``, ``number``, ``langtag`` or ``punct``), its text and its span in the query."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str | None:
        """The keyword a bare word spells (ASCII, upper-cased), else None."""
        if self.kind == "word" and self.text.isascii():
            return self.text.upper()
        return None


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of ``text`` (no whitespace or comments), in one linear pass.

    Raises ``BadQuery`` for a ``<`` whose reading (IRI or operator) would change what follows.
    """
    brackets: list[str] = []
    previous: Token | None = None
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        tok = Token(kind, match.group(), match.start(), match.end())
        if kind == "iri" and brackets and brackets[-1] == "(" and _ends_operand(previous) \
                and _CHANGES_READING.search(tok.text):
            raise BadQuery(f"'<' at offset {tok.start} may be an IRI or the less-than operator; "
                           "write a space after '<' when it compares")
        if kind == "punct" and tok.text in ("{", "(", "["):
            brackets.append(tok.text)
        elif kind == "punct" and tok.text in ("}", ")", "]") and brackets:
            brackets.pop()
        previous = tok
        yield tok


def _ends_operand(tok: Token | None) -> bool:
    if tok is None:
        return False
    return tok.kind in _OPERAND_ENDS or tok.text in (")", "]") or tok.keyword in ("TRUE", "FALSE")


def iri_value(tok: Token) -> str:
    """The IRI an ``iri`` token spells, codepoint escapes decoded."""
    return _decode_codepoints(tok.text[1:-1])


def _decode_codepoints(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group()[2:], 16))
        except ValueError:  # beyond U+10FFFF: the engine refuses the query itself
            return match.group()

    return _CODEPOINT.sub(one, text)


def find_sequence(toks: list[Token], pattern: list[str], start: int = 0) -> int | None:
    """Index of the first run of tokens from ``start`` whose texts match ``pattern``.

    A pattern item is compared with a token's keyword for bare words (case-insensitively)
    and with its exact text otherwise.

    >>> toks = list(tokens("select * { values ?x { 1 } }"))
    >>> find_sequence(toks, ["VALUES", "?x", "{"])
    3
    """
    for i in range(start, len(toks) - len(pattern) + 1):
        if all((toks[i + j].keyword or toks[i + j].text) == item for j, item in enumerate(pattern)):
            return i
    return None
