"""The embedded store: a release's pyoxigraph store behind the one interface (``kg.store.interface``;
the other backend is a remote SPARQL 1.1 endpoint, ``kg.store.remote``).

Queries take ``bindings``: values for variables, never pasted into the query text (a bound
variable of a SELECT query must be projected, as SEP-0007 substitution requires).  The
embedded store passes them to the engine as substitutions; the remote store sends them as a
``VALUES`` block of properly serialised terms.  ``select`` also takes ``values``, many values a
variable, which both stores carry as ``VALUES`` blocks built from terms (``kg.sparql.binding``).
The default graph is the union of the named graphs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import BadQuery, damaged_store, reports_damage
from kg.query.execute import Answer, Job, execute
from kg.sparql.binding import bind_many
from kg.store.interface import QueryOutcome, Runner, SelectResult, Store, Term


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> Term:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


class LocalStore:
    """The release's embedded store, opened read-only.

    >>> import tempfile, pyoxigraph as ox
    >>> folder = tempfile.mkdtemp()
    >>> writer = ox.Store(folder)
    >>> writer.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("1"),
    ...                    ox.NamedNode("http://e/g")))
    >>> writer.flush(); del writer
    >>> store = LocalStore(Path(folder))
    >>> [str(r["s"]) for r in store.select("SELECT ?s ?o WHERE { ?s ?p ?o }", {"o": Literal("1")})]
    ['http://e/s']
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.oxigraph = ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:  # RocksDB reports a damaged store as a RuntimeError
            raise damaged_store(path, exc) from None

    def _run(self, query: str, bindings: Mapping[str, Term] | None) -> object:
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()
        }
        try:
            return self.oxigraph.query(query, use_default_graph_as_union=True, substitutions=substitutions)
        except SyntaxError as exc:
            raise BadQuery(f"SPARQL syntax error: {exc}") from None

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """The engine's report of a damaged store, while a query runs or its rows are read, as ``DamagedRelease``."""
        try:
            yield
        except (OSError, RuntimeError) as exc:
            if reports_damage(exc):
                raise damaged_store(self.path, exc) from None
            raise

    def query(self, query: str, bindings: Mapping[str, Term] | None = None) -> QueryOutcome:
        """Run any query form: rows for SELECT, a bool for ASK, a graph for CONSTRUCT/DESCRIBE."""
        with self._reading():
            result = self._run(query, bindings)
            if isinstance(result, ox.QuerySolutions):
                return self._rows(result)
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            return self._graph(result)  # type: ignore[arg-type]

    def select(self, query: str, bindings: Mapping[str, Term] | None = None, *,
               values: Mapping[str, Sequence[Term]] | None = None) -> SelectResult:
        with self._reading():
            result = self._run(bind_many(query, values), bindings)
            if not isinstance(result, ox.QuerySolutions):
                raise BadQuery("not a SELECT query")
            return self._rows(result)

    @staticmethod
    def _rows(result: ox.QuerySolutions) -> SelectResult:
        variables = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in variables:
                value = solution[name]
                if value is not None:
                    row[name] = to_rdflib(value)
            rows.append(row)
        return SelectResult(variables, rows)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        with self._reading():
            result = self._run(query, bindings)
            if not isinstance(result, ox.QueryBoolean):
                raise BadQuery("not an ASK query")
            return bool(result)

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> Graph:
        with self._reading():
            result = self._run(query, bindings)
            if not isinstance(result, ox.QueryTriples):
                raise BadQuery("not a CONSTRUCT or DESCRIBE query")
            return self._graph(result)

    @staticmethod
    def _graph(result: ox.QueryTriples) -> Graph:
        graph = Graph()
        for triple in result:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    def runner(self, *, workers: int, memory_mb: int, timeout: float, queue: int,
               in_process: bool = False, shared: bool = False) -> Runner:
        """Worker processes over this store's files (``kg.query.pool``: this process's own, or ``shared`` by
        the server's web workers), or this process (``in_process``)."""
        if in_process:
            return InProcessRunner(self.oxigraph)
        from kg.query.pool import open_pool

        return open_pool(self.path, size=workers, memory_mb=memory_mb, timeout=timeout, queue=queue, shared=shared)

    def close(self) -> None:
        del self.oxigraph


class InProcessRunner:
    """Runs jobs in this process, on an open store, with no time or memory limit of its own: for the command
    line, where the user owns both the process and the data.

    >>> store = ox.Store()
    >>> InProcessRunner(store).run(Job("ASK {}", "ASK {}", "ASK", "json", 1)).body
    b'{"head":{},"boolean":true}'
    """

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def run(self, job: Job) -> Answer:
        return execute(self.store, job)

    def queued(self) -> AbstractContextManager[None]:
        return nullcontext()  # no waiting room: the command line runs one query at a time

    def close(self) -> None:
        return None


def open_store(path: Path) -> LocalStore:
    """The embedded store at ``path``, read-only; ``DamagedRelease`` if its files cannot be read as a store."""
    return LocalStore(path)


__all__ = ["InProcessRunner", "LocalStore", "QueryOutcome", "SelectResult", "Store", "Term", "open_store",
           "to_oxigraph", "to_rdflib"]
