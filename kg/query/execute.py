"""Run one checked query on a pyoxigraph store and serialise its answer, capped at a row limit.

This is what a query worker process does (``kg.query.pool``); it runs in-process too, for
tests and tools.  Results are serialised by pyoxigraph's own writers:

- SELECT: the query asks the engine for at most ``max_rows + 1`` rows (``kg.query.guard.capped``);
  the rows come back as SPARQL TSV, whose lines are rows, so a cut is a byte slice; the other
  result formats are written from that TSV by pyoxigraph (a lossless round trip);
- ASK: written as it is;
- CONSTRUCT/DESCRIBE: at most ``max_rows`` triples are taken, then written.

The dataset: graph IRIs from the protocol's ``default-graph-uri``/``named-graph-uri`` select
among the store's own named graphs (an IRI the store lacks is an empty graph; nothing is
fetched); a query's own ``FROM``/``FROM NAMED`` do the same; otherwise the default graph is
the union of the named graphs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from kg.errors import BadQuery
from kg.formats import GRAPH, RDF_XML, RESULTS, SPARQL_TSV, TURTLE, Format, find
from kg.namespaces import PREFIXES

GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


def job_format(job: Job) -> Format:
    """The format of ``kg.formats`` that ``job.fmt`` names for its query form; ``BadQuery`` when none fits.

    >>> job_format(Job("ASK {}", "ASK {}", "ASK", "xml", 1)).media_type
    'application/sparql-results+xml'
    """
    fmt = find(job.fmt, GRAPH if job.form in GRAPH_FORMS else RESULTS)
    if fmt is None:
        raise BadQuery(f"format {job.fmt!r} does not fit a {job.form} query")
    return fmt


@dataclass(frozen=True)
class Job:
    """One query to run.  ``text`` is what the engine runs (perhaps with a lowered LIMIT);
    ``original`` is the user's text, run instead if ``text`` does not parse."""

    text: str
    original: str
    form: str
    fmt: str
    max_rows: int
    count: bool = True  # the answer may exceed max_rows and must be counted
    dataset_clause: bool = False  # the query has FROM/FROM NAMED of its own
    default_graphs: tuple[str, ...] | None = None  # from the protocol's default-graph-uri
    named_graphs: tuple[str, ...] | None = None  # from the protocol's named-graph-uri

    @property
    def key(self) -> tuple[object, ...]:
        """What identifies the answer (for caching)."""
        return (self.original, self.fmt, self.max_rows, self.default_graphs, self.named_graphs)


@dataclass(frozen=True)
class Answer:
    body: bytes
    truncated: bool = False  # the answer was cut at max_rows

    def __len__(self) -> int:
        return len(self.body)


def execute(store: ox.Store, job: Job) -> Answer:
    """The serialised answer to ``job``; ``BadQuery`` for a query the engine rejects.

    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("1"),
    ...                   ox.NamedNode("http://e/g")))
    >>> q = "SELECT ?s WHERE { ?s ?p ?o }"
    >>> execute(store, Job(q, q, "SELECT", "csv", 10))
    Answer(body=b's\\r\\nhttp://e/s\\r\\n', truncated=False)
    """
    job_format(job)
    try:
        result = _run(store, job, job.text)
    except SyntaxError as exc:
        if job.text == job.original:
            raise BadQuery(f"SPARQL syntax error: {_first_line(str(exc))}") from None
        # The lowered LIMIT did not fit this query: run it as written and count its rows here.
        try:
            result = _run(store, job, job.original)
        except SyntaxError as original_exc:
            raise BadQuery(f"SPARQL syntax error: {_first_line(str(original_exc))}") from None
        if isinstance(result, ox.QuerySolutions):
            return _rows_by_iteration(result, job)
    return _answer(result, job)


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "the query could not be parsed"


def _run(store: ox.Store, job: Job, text: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    if job.default_graphs is not None or job.named_graphs is not None:
        return store.query(
            text,
            default_graph=[ox.NamedNode(g) for g in job.default_graphs or ()],
            named_graphs=[ox.NamedNode(g) for g in job.named_graphs or ()],
        )
    return store.query(text, use_default_graph_as_union=not job.dataset_clause)


def _answer(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, job: Job) -> Answer:
    fmt = job_format(job)
    if isinstance(result, ox.QueryBoolean):
        return Answer(_bytes(result.serialize(format=fmt.results_format)))
    if isinstance(result, ox.QueryTriples):
        return write_triples(result, job)
    if not job.count:
        return Answer(_bytes(result.serialize(format=fmt.results_format)))
    return _cut(_bytes(result.serialize(format=SPARQL_TSV.results_format)), job)


def write_triples(triples: Iterable[ox.Triple], job: Job) -> Answer:
    """At most ``job.max_rows`` of ``triples`` in ``job``'s graph format (``truncated`` when there were more)."""
    taken = list(islice(triples, job.max_rows + 1))
    fmt = job_format(job)
    body = ox.serialize(taken[: job.max_rows], format=fmt.rdf_format, prefixes=_prefixes(fmt))
    return Answer(_bytes(body), truncated=len(taken) > job.max_rows)


def _bytes(data: bytes | None) -> bytes:
    """pyoxigraph's writers return ``None`` only when given a file to write to."""
    return data or b""


def _cut(tsv: bytes, job: Job) -> Answer:
    """Cut TSV results (one line per row after the header) at ``max_rows`` and write ``job.fmt``."""
    rows = tsv.count(b"\n") - 1
    truncated = rows > job.max_rows
    if truncated:
        end = -1
        for _ in range(job.max_rows + 1):
            end = tsv.index(b"\n", end + 1)
        tsv = tsv[: end + 1]
    fmt = job_format(job)
    if fmt == SPARQL_TSV:
        return Answer(tsv, truncated)
    solutions = ox.parse_query_results(tsv, format=SPARQL_TSV.results_format)
    return Answer(_bytes(solutions.serialize(format=fmt.results_format)), truncated)


def _rows_by_iteration(result: ox.QuerySolutions, job: Job) -> Answer:
    """Rows taken one by one (for a query whose LIMIT could not be lowered), written as TSV."""
    lines = ["\t".join(f"?{v.value}" for v in result.variables)]
    for solution in islice(result, job.max_rows + 1):
        lines.append("\t".join("" if term is None else str(term) for term in solution))
    return _cut(("\n".join(lines) + "\n").encode("utf-8"), job)


def _prefixes(fmt: Format) -> dict[str, str] | None:
    """Turtle and RDF/XML are written with the project's prefixes; N-Triples and JSON-LD have none."""
    return PREFIXES if fmt in (TURTLE, RDF_XML) else None


@dataclass(frozen=True)
class Cell:
    """One value of a result table, ready to show: its text, an IRI to link to, a note
    (language or datatype)."""

    text: str
    iri: str | None = None
    note: str = ""


def table(body: bytes, form: str, *, limit: int | None = None) -> tuple[list[str], list[dict[str, Cell]]]:
    """Columns and rows (the first ``limit`` of them, all when None) of an answer serialised as
    JSON results (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE), for showing as a table.
    Rows past ``limit`` are never parsed.

    >>> table(b'{"head":{},"boolean":true}', "ASK")
    (['boolean'], [{'boolean': Cell(text='true', iri=None, note='')}])
    >>> len(table(b'<http://e/a> <http://e/p> "1" .\\n<http://e/b> <http://e/p> "2" .\\n', "CONSTRUCT", limit=1)[1])
    1
    """
    if form in GRAPH_FORMS:
        columns = ["subject", "predicate", "object"]
        triples = islice(ox.parse(body, format=ox.RdfFormat.N_TRIPLES), limit)
        return columns, [{"subject": _cell(t.subject), "predicate": _cell(t.predicate), "object": _cell(t.object)}
                         for t in triples]
    result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return ["boolean"], [{"boolean": Cell("true" if result else "false")}]
    columns = [v.value for v in result.variables]
    rows = []
    for solution in islice(result, limit):
        rows.append({name: _cell(solution[name]) for name in columns if solution[name] is not None})
    return columns, rows


def _cell(term: object) -> Cell:
    if isinstance(term, ox.NamedNode):
        return Cell(term.value, iri=term.value)
    if isinstance(term, ox.BlankNode):
        return Cell(f"_:{term.value}")
    if isinstance(term, ox.Literal):
        if term.language:
            return Cell(term.value, note=f"@{term.language}")
        datatype = term.datatype.value
        return Cell(term.value, note="" if datatype.endswith("#string") else _short(datatype))
    return Cell(str(term))


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"
