"""Checks on a SPARQL request's text before any engine sees it.

The engines behind the endpoint have sharp edges: a query nested a few thousand groups deep
crashes pyoxigraph's process, and rdflib's (recursive) parser overflows Python's stack well
before that.  So nothing here parses SPARQL recursively: one linear lexical scan (strings,
IRIs and comments skipped, by ``kg.sparql.lexer``) yields the query form, whether it is an update, how deep its
brackets nest, how many triple patterns it holds, which ``SERVICE`` endpoints it names and
whether it carries its own ``FROM``/``FROM NAMED`` clauses.  :func:`check` turns those facts
into refusals (``BadQuery`` with status 400 or 413); the engine still decides whether the
query is valid SPARQL.

The triple-pattern count is lexical: objects of triples in ``{ … }`` groups and ``[ … ]``
blank-node lists, including ``CONSTRUCT`` templates; ``VALUES`` data and expressions do not
count.  It is exact for ordinary queries and close for exotic ones, which is all a limit
needs.

>>> info = inspect("PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:p ?o , ?o2 ; ex:q [ ex:r 1 ] }")
>>> info.form, info.nesting, info.triple_patterns
('SELECT', 2, 4)
>>> check("SELECT * {" * 100 + "}" * 100, Limits()).form
Traceback (most recent call last):
...
kg.errors.BadQuery: the query nests groups 100 deep; this endpoint accepts at most 64 (see the service description)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from kg.errors import BadQuery
from kg.sparql.lexer import TERMS, Token, iri_value, tokens

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# Keywords of SPARQL 1.1 Update that no query may contain (https://www.w3.org/TR/sparql11-update/).
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
# Keywords after which, inside a group, the following terms are not triple-pattern terms.
_EXPRESSION_KEYWORDS = frozenset({"FILTER", "BIND"})

@dataclass(frozen=True)
class Limits:
    """What the endpoint accepts (the web settings of the same names)."""

    max_query_bytes: int = 20000
    max_nesting: int = 64
    max_triple_patterns: int = 200
    service_allowlist: tuple[str, ...] = ()


@dataclass
class QueryInfo:
    """What the lexical scan found in a request's text."""

    form: str | None = None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or None
    is_update: bool = False
    update_keyword: str | None = None
    nesting: int = 0
    triple_patterns: int = 0
    services: list[str] = field(default_factory=list)  # SERVICE targets; "?var" for a variable
    dataset_clause: bool = False  # the query has FROM or FROM NAMED
    # Where the top-level WHERE group of a SELECT ends, and its LIMIT and VALUES (char offsets).
    where_end: int | None = None
    limit: int | None = None
    limit_span: tuple[int, int] | None = None
    values_start: int | None = None


# Triple-pattern contexts: a group or blank-node list counts its triples; the others don't.
_GROUP, _BNODE, _DATA, _EXPR, _COLLECTION, _PATH, _TOP = "group", "bnode", "data", "expr", "collection", "path", "top"
# States inside a group: expecting subject, verb, object; after an object; or skipping terms.
_SUBJECT, _VERB, _OBJECT, _AFTER, _SKIP, _SKIP_EXPR = 0, 1, 2, 3, 4, 5


@dataclass
class _Context:
    kind: str
    state: int = _SUBJECT


class _Scanner:
    """One pass over the tokens, keeping the counts of :class:`QueryInfo`."""

    def __init__(self) -> None:
        self.info = QueryInfo()
        self.stack: list[_Context] = [_Context(_TOP, _SKIP)]
        self.depth = 0
        self.prefixes: dict[str, str] = {}
        self.base: str | None = None
        self.pending_values = False
        self.skip_datatype = False
        self.where_start_depth: int | None = None

    # -- triple counting -------------------------------------------------------------------
    def term(self) -> None:
        if self.skip_datatype:
            self.skip_datatype = False
            return
        ctx = self.stack[-1]
        if ctx.kind not in (_GROUP, _BNODE) or ctx.state in (_SKIP, _SKIP_EXPR):
            return
        if ctx.state == _OBJECT:
            self.info.triple_patterns += 1
            ctx.state = _AFTER
        elif ctx.state == _AFTER:
            ctx.state = _VERB  # a new subject without a separating "."
        else:
            ctx.state += 1

    def open(self, bracket: str) -> None:
        self.depth += 1
        self.info.nesting = max(self.info.nesting, self.depth)
        parent = self.stack[-1]
        counting = parent.kind in (_GROUP, _BNODE) and parent.state not in (_SKIP, _SKIP_EXPR)
        if bracket == "{":
            self.stack.append(_Context(_DATA if self.pending_values else _GROUP))
            self.pending_values = False
        elif bracket == "[":
            self.stack.append(_Context(_BNODE, _VERB) if counting and parent.state in (_SUBJECT, _OBJECT)
                              else _Context(_EXPR, _SKIP))
        elif counting and parent.state in (_SUBJECT, _OBJECT):
            self.stack.append(_Context(_COLLECTION, _SKIP))
        elif counting and parent.state == _VERB:
            self.stack.append(_Context(_PATH, _SKIP))
        else:
            self.stack.append(_Context(_EXPR, _SKIP))

    def close(self) -> None:
        self.depth -= 1
        if len(self.stack) == 1:
            return  # unbalanced: the engine will say so
        closed = self.stack.pop()
        parent = self.stack[-1]
        if closed.kind in (_BNODE, _COLLECTION):
            self.term()
        elif closed.kind == _PATH:
            parent.state = _OBJECT
        elif closed.kind in (_GROUP, _DATA) or parent.state == _SKIP_EXPR:
            parent.state = _SKIP if parent.kind == _TOP else _SUBJECT

    def punct(self, text: str) -> None:
        ctx = self.stack[-1]
        if ctx.kind not in (_GROUP, _BNODE):
            return
        if text == ".":
            ctx.state = _SUBJECT
        elif text == "," and ctx.state == _AFTER:
            ctx.state = _OBJECT
        elif (text == ";" and ctx.state in (_AFTER, _VERB)) or (text in ("/", "|") and ctx.state == _OBJECT):
            ctx.state = _VERB
        elif text == "^^":
            self.skip_datatype = True

    def keyword(self, word: str) -> None:
        ctx = self.stack[-1]
        if word in ("A", "TRUE", "FALSE"):
            self.term()
            return
        if ctx.kind in (_GROUP, _BNODE) and ctx.state != _SKIP_EXPR:  # a function name keeps skipping
            ctx.state = _SKIP_EXPR if word in _EXPRESSION_KEYWORDS else _SKIP
        if word == "VALUES":
            self.pending_values = True

    # -- the rest of the facts -------------------------------------------------------------
    def service_target(self, tok: Token, i: int, toks: list[Token]) -> str:
        """The endpoint a ``SERVICE`` names, or the word itself where the reading is unsure.

        The engine matches keywords without a word boundary, so ``SERVICESILENT<…>``,
        ``trueSERVICE<…>`` and ``SILENT:x`` (``SILENT`` then ``:x``) are all ways to spell
        a service call; only the plain ``SERVICE [SILENT] target`` has a target to check.
        """
        at = i + 1
        if tok.keyword != "SERVICE":
            return tok.text
        if at < len(toks) and toks[at].keyword == "SILENT":
            at += 1
        if at >= len(toks):
            return tok.text
        target = toks[at]
        if target.kind == "pname" and _ascii_upper(target.text).startswith("SILENT"):
            return target.text
        return self.resolve(target)

    def resolve(self, token: Token) -> str:
        if token.kind == "iri":
            iri = iri_value(token)
            return urljoin(self.base, iri) if self.base else iri
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            return self.prefixes.get(prefix, prefix + ":") + local
        return token.text

    def scan(self, text: str) -> QueryInfo:
        toks = list(tokens(text))
        info = self.info
        for i, tok in enumerate(toks):
            following = toks[i + 1] if i + 1 < len(toks) else None
            if tok.kind == "punct":
                if tok.text in "{([" and len(tok.text) == 1:
                    if tok.text == "{" and self.depth == 0 and info.form == "SELECT" and info.where_end is None:
                        self.where_start_depth = 0
                    self.open(tok.text)
                elif tok.text in "})]" and len(tok.text) == 1:
                    self.close()
                    if tok.text == "}" and self.depth == 0 and self.where_start_depth == 0 and info.where_end is None:
                        info.where_end = tok.end
                else:
                    self.punct(tok.text)
            elif tok.kind == "word":
                self.word(tok, i, toks, following)
            elif tok.kind == "pname" and "SERVICE" in _ascii_upper(tok.text.partition(":")[0]):
                info.services.append(tok.text)  # the engine may read "service:x" as SERVICE :x
                self.term()
            elif tok.kind in TERMS:
                self.term()
        return info

    def word(self, tok: Token, i: int, toks: list[Token], following: Token | None) -> None:
        info = self.info
        word = tok.keyword or ""
        if word in UPDATE_KEYWORDS and not info.is_update:
            info.is_update, info.update_keyword = True, word
        if word in FORMS and info.form is None and self.depth == 0:
            info.form = word
        elif word == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            self.prefixes[toks[i + 1].text[:-1]] = self.resolve(toks[i + 2])
        elif word == "BASE" and following is not None and following.kind == "iri":
            self.base = self.resolve(following)
        elif word.startswith("FROM") and self.depth == 0:  # the engine reads "FROMNAMED" as FROM NAMED
            info.dataset_clause = True
        elif "SERVICE" in _ascii_upper(tok.text):
            info.services.append(self.service_target(tok, i, toks))
        elif word == "LIMIT" and self.depth == 0 and info.where_end is not None and following is not None \
                and following.kind == "number" and following.text.isdigit():
            info.limit, info.limit_span = int(following.text), (following.start, following.end)
        elif word == "VALUES" and self.depth == 0 and info.where_end is not None:
            info.values_start = tok.start
        self.keyword(word)


def _ascii_upper(text: str) -> str:
    return "".join(c.upper() if c.isascii() else c for c in text)


def inspect(text: str) -> QueryInfo:
    """The facts :func:`check` judges, from one lexical scan of ``text``."""
    return _Scanner().scan(text)


def check(text: str, limits: Limits) -> QueryInfo:
    """Refuse ``text`` unless it is a query within ``limits``; return what the scan found.

    Raises ``BadQuery``: 413 for a query longer than ``max_query_bytes``; 400 for an update,
    a text with no query form, nesting deeper than ``max_nesting``, more than
    ``max_triple_patterns`` triple patterns, or a ``SERVICE`` not in ``service_allowlist``.

    >>> check("DELETE WHERE { ?s ?p ?o }", Limits())
    Traceback (most recent call last):
    ...
    kg.errors.BadQuery: this endpoint is read-only: SPARQL Update (here DELETE) is not accepted
    """
    size = len(text.encode("utf-8"))
    if size > limits.max_query_bytes:
        raise BadQuery(f"the query is {size} bytes long; this endpoint accepts at most {limits.max_query_bytes}",
                       status=413)
    try:
        info = inspect(text)
    except BadQuery as exc:  # a text the lexer will not guess about: say so, naming any SERVICE in it
        if "SERVICE" in _ascii_upper(text):
            raise BadQuery(f"SERVICE is not allowed: this endpoint does not call other endpoints ({exc})") from exc
        raise
    if info.is_update:
        raise BadQuery(f"this endpoint is read-only: SPARQL Update (here {info.update_keyword}) is not accepted")
    if info.nesting > limits.max_nesting:
        raise BadQuery(f"the query nests groups {info.nesting} deep; this endpoint accepts at most "
                       f"{limits.max_nesting} (see the service description)")
    if info.triple_patterns > limits.max_triple_patterns:
        raise BadQuery(f"the query has {info.triple_patterns} triple patterns; this endpoint accepts at most "
                       f"{limits.max_triple_patterns} (see the service description)")
    refused = [s for s in info.services if s not in limits.service_allowlist]
    if refused:
        allowed = ", ".join(limits.service_allowlist) or "none"
        raise BadQuery(f"SERVICE {refused[0]} is not allowed: this endpoint does not call other endpoints "
                       f"(allowed: {allowed})")
    if info.form is None:
        raise BadQuery("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return info


def capped(text: str, info: QueryInfo, max_rows: int) -> tuple[str, bool]:
    """The SELECT query to run so the engine stops after ``max_rows + 1`` rows, and whether
    its answer must be counted against ``max_rows``.

    A query whose own top-level ``LIMIT`` is within the cap runs as it is; a larger ``LIMIT``
    is lowered; otherwise ``LIMIT max_rows+1`` goes after the solution modifiers (before a
    trailing ``VALUES`` block).  Other forms run as they are and are counted.

    >>> q = "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s"
    >>> capped(q, inspect(q), 10)
    ('SELECT * WHERE { ?s ?p ?o } ORDER BY ?s\\nLIMIT 11\\n', True)
    >>> q = "SELECT * { ?s ?p ?o } LIMIT 5"
    >>> capped(q, inspect(q), 10)
    ('SELECT * { ?s ?p ?o } LIMIT 5', False)
    """
    if info.form != "SELECT" or info.where_end is None:
        return text, info.form != "ASK"
    if info.limit is not None and info.limit <= max_rows:
        return text, False
    if info.limit_span is not None:
        start, end = info.limit_span
        return text[:start] + str(max_rows + 1) + text[end:], True
    at = info.values_start if info.values_start is not None else len(text)
    return text[:at] + f"\nLIMIT {max_rows + 1}\n" + text[at:], True
