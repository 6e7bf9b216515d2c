"""Domain errors.  Each names what went wrong in the user's terms (file, line, parameter),
never a traceback or an internal path; the CLI and the web render them centrally."""

from __future__ import annotations

from pathlib import Path


class PeelError(Exception):
    """Base class of every error peelkg reports to a user."""


class InputError(PeelError):
    """An input file cannot be read or does not have the expected form."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, int | None, str]]:
        """Pickled by its fields (a report mapped in a worker process raises it in the build)."""
        return type(self), (self.file, self.line, self.message)


class ParseError(InputError):
    """A report text cannot be parsed."""


class ShapeViolation(PeelError):
    """The graph does not conform to the SHACL shapes; ``report`` is pySHACL's text report."""

    def __init__(self, report: str, violations: int) -> None:
        self.report = report
        self.violations = violations
        super().__init__(f"SHACL validation failed with {violations} violation(s)")


class NotFound(PeelError):
    """No such entity, query or release."""


class BadQuery(PeelError):
    """A query or a query parameter is not acceptable; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        self.status = status
        super().__init__(message)


class QueryTimeout(PeelError):
    """A query ran past its time limit."""

    @classmethod
    def stopped(cls, seconds: float) -> QueryTimeout:
        """The query was stopped at the ``seconds`` time limit (what its client is told, and what to do)."""
        return cls(f"the query ran past the {seconds:g} s time limit and was stopped; "
                   "narrow it down (fewer joins, a LIMIT) and try again")


class ReleaseError(PeelError):
    """A release directory is missing, incomplete or cannot be written."""


class DamagedRelease(ReleaseError):
    """A file of the served release is empty or unreadable; the message names the file, not its path."""


def damaged_store(store: Path, exc: Exception) -> DamagedRelease:
    """The error for a release's store (``store``: its folder) that cannot be opened or read, as the engine
    reported it in ``exc``: it names the release (the folder holding the store) and says what to do; the
    engine's own text, which names files, is left out.

    >>> str(damaged_store(Path("/srv/releases/20260101T000000Z/store"), RuntimeError("Corruption: …")))[:77]
    'the store of release 20260101T000000Z is damaged (RocksDB reports corruption)'
    """
    text = str(exc)
    why = ("RocksDB reports corruption" if "Corruption" in text
           else "a file of it is missing" if isinstance(exc, FileNotFoundError) or "No such file" in text
           else "its files cannot be read")
    return DamagedRelease(f"the store of release {store.parent.name} is damaged ({why}): rebuild it "
                          "(`peelkg build --out DIR`) or serve another release")


def reports_damage(exc: Exception) -> bool:
    """Whether an error the engine raised while opening or reading a store says the store is damaged
    (RocksDB's "Corruption", or a store file it cannot read), not that the query is at fault."""
    text = str(exc)
    return "Corruption" in text or (text.startswith("IO error") and "SERVICE" not in text)


class StoreUnavailable(PeelError):
    """A remote SPARQL store cannot be reached or failed to answer."""


class Overloaded(PeelError):
    """Every query worker is busy and the waiting room is full; try again in ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class OverBudget(PeelError):
    """A client spent its query seconds for the minute; try again in ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class QueryFailed(PeelError):
    """The query engine could not answer a query; ``title`` and ``status`` are what the web answers."""

    title, status = "Query failed", 500


class EngineCrashed(QueryFailed):
    """The query engine's process died on a query (a signal or an exit), for a reason other than memory."""

    title = "Query engine crashed"


class QueryOutOfMemory(QueryFailed):
    """The query needed more memory than a query worker may use (``query_memory_mb``)."""

    title, status = "Query needs too much memory", 503
