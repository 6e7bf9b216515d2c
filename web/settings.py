"""Every setting of the web application, with its default and help, in one dataclass.

Values come from the defaults, then ``PEELKG_<NAME>`` environment variables, then the
command line.  ``docs/settings.md`` documents each one (a test checks it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kg.release.layout import default_data_dir


def setting(default: Any, help: str, *, shown: str = "") -> Any:
    """A setting's field: its default (a callable is called for each instance), help text, and how the
    documentation shows a default that depends on the machine (``shown``)."""
    metadata = {"help": help, "shown": shown}
    if callable(default):
        return field(default_factory=default, metadata=metadata)
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class Settings:
    data_dir: Path = setting(
        default_data_dir,
        "Data directory of the release to serve and of every command's `--data`/`--out` (as written by "
        "`peelkg build --out`).",
        shown="$XDG_DATA_HOME/peelkg, else ~/.local/share/peelkg",
    )
    host: str = setting("127.0.0.1", "Address the server listens on.")
    port: int = setting(5000, "Port the server listens on.")
    workers: int = setting(2, "Web worker processes of the front end (Granian).")
    threads: int = setting(
        16, "App threads per web worker; SPARQL holds at most `query_workers` + `query_queue` of them, the rest "
        "serve pages, files and downloads."
    )
    access_log: str = setting("", "Where the front end writes its access log: a file, '-' for stdout, empty for none.")
    header_timeout: float = setting(
        10.0, "Seconds a client has to send a request's headers; the connection is closed past it."
    )
    body_timeout: float = setting(
        10.0, "Seconds a client has to send a request's body once its headers are in (408 past it)."
    )
    max_body_bytes: int = setting(262144, "Largest request body accepted, in bytes (413 beyond).")
    connection_limit: int = setting(
        512, "Requests a web worker holds at once (reading, queued or running); more wait in the listen backlog."
    )
    worker_memory_mb: int = setting(
        1536, "Resident memory of a web worker, in MiB, past which it is replaced (sampled every 5 s; 0: no limit)."
    )
    store_url: str = setting("", "A remote SPARQL 1.1 query endpoint to use instead of the release's embedded store.")
    release_check_seconds: float = setting(
        2.0, "How often, in seconds, a server looks for a release newly published into its data directory and "
        "moves to it without a restart (each request sees one release whole; 0: keep the release it started with)."
    )
    query_timeout: float = setting(
        10.0, "Wall-clock limit of one SPARQL query, in seconds; past it the endpoint answers 503."
    )
    max_rows: int = setting(
        10000, "Most rows (or triples) a SPARQL answer holds; a larger answer is refused with 400 naming the cap "
        "(the query page shows the first rows with a notice and the X-SPARQL-MaxRows header)."
    )
    page_rows: int = setting(
        1000, "Most result rows an HTML query page shows (the page says so and links the downloads, which hold "
        "them all, up to `max_rows`)."
    )
    max_query_bytes: int = setting(20000, "Longest SPARQL query accepted, in bytes (413 beyond).")
    max_nesting: int = setting(
        64, "Deepest nesting of groups, brackets and sub-queries accepted in a query (400 beyond)."
    )
    max_triple_patterns: int = setting(200, "Most triple patterns accepted in one query (400 beyond).")
    service_allowlist: list[str] = setting(
        [], "SPARQL endpoints a SERVICE clause may name; empty refuses every SERVICE. Query workers have no "
        "network access, so only a remote store (`store_url`) can make such calls."
    )
    query_workers: int = setting(
        0, "Query worker processes of the server, shared by its web workers (with `shared_query_workers`; "
        "otherwise per web worker); a crashed worker is replaced. 0: one per core (more engines than cores "
        "cost more CPU per answer), or the cores shared among the web workers when each has its own. With "
        "`store_url`: queries one web worker sends to the remote store at once (0: 2).",
        shown="0 (one per core)",
    )
    shared_query_workers: bool = setting(
        True, "Web workers send their queries to one set of query workers per release, which the first of them "
        "starts and the last one's exit stops, so a web worker given most connections uses every engine "
        "(false: each web worker runs `query_workers` of its own).",
        shown="true",
    )
    query_queue: int = setting(
        8, "Queries that may wait for a busy query worker (of the server when they are shared, else of a web "
        "worker), or for a place at the remote store (the wait counts against the time limit); one more is "
        "answered 503 with Retry-After at once."
    )
    query_budget_seconds: float = setting(
        30.0, "Query-engine seconds one client may use per minute in each web worker (cached answers are free); "
        "past it 429 with Retry-After (0: no budget)."
    )
    client_header: str = setting(
        "", "Request header naming the client for the query budget (e.g. X-Forwarded-For, its last address), "
        "set only behind a proxy that writes it; empty: the connection's address."
    )
    query_memory_mb: int = setting(1024, "Address-space limit of a query worker process, in MiB.")
    query_cache_mb: int = setting(32, "Memory per web worker for answers to repeated queries, in MiB (0: no cache).")
    page_size: int = setting(50, "Incoming links shown per page on an entity page.")
    fragment_page_size: int = setting(
        100, "Triples per page of a Triple Pattern Fragment at /fragments (1 to 10000; the count is exact)."
    )
    cache_max_age: int = setting(300, "Cache-Control max-age for pages and data, in seconds.")
    page_cache_mb: int = setting(
        64, "Memory per web worker for rendered pages and entity documents, in MiB (0: no render cache)."
    )
    lookup_slots: int = setting(
        4, "Reconciliation batches and searches one web worker runs at once; one more waits up to 0.5 s for a "
        "place, then is answered 503 with Retry-After (0: no bound)."
    )
    lookup_seconds: float = setting(
        5.0, "Longest a reconciliation batch or a search may run, in seconds; past it the answer is 503."
    )
    search_results: int = setting(20, "Results per page of /search, and the most /search.json answers (at most 100).")
    cors_origins: str = setting("*", "Access-Control-Allow-Origin for the SPARQL endpoint and data.")
    public_base_url: str = setting(
        "", "Absolute http(s) URL of the site's root as the public reaches it (e.g. https://peel.example.org): "
        "robots.txt, sitemap.xml, /download/, /dataset, the reconciliation manifest and slash redirects name "
        "it. Empty: root-relative links, and where a format needs an absolute URL (sitemap, robots.txt's Sitemap "
        "line, the reconciliation manifest, the service description) the persistent base IRI. The request's "
        "Host header is never used."
    )

    @property
    def query_worker_count(self) -> int:
        """How many query workers the pool runs: ``query_workers``, or for 0 the cores (those this process
        may run on) when the web workers share one pool, else shared among the ``workers``, at least one
        each (2 places at a remote store).

        >>> Settings(workers=2, query_workers=3).query_worker_count
        3
        >>> cores = len(os.sched_getaffinity(0))
        >>> Settings(workers=cores, query_workers=0).query_worker_count == cores
        True
        >>> Settings(workers=cores, query_workers=0, shared_query_workers=False).query_worker_count
        1
        >>> Settings(workers=64, query_workers=0, store_url="http://127.0.0.1:7878/query").query_worker_count
        2
        """
        if self.query_workers > 0:
            return self.query_workers
        if self.store_url:  # the engine is elsewhere: this machine's cores do not bound it
            return 2
        cores = len(os.sched_getaffinity(0))
        return cores if self.shared_query_workers else max(1, cores // max(1, self.workers))

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``PEELKG_*`` variables, then ``overrides`` that are not None."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"PEELKG_{f.name.upper()}")
            if raw is not None:
                try:
                    values[f.name] = _convert(f.type, raw)
                except ValueError as exc:
                    raise ValueError(f"PEELKG_{f.name.upper()}={raw!r}: {exc}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @staticmethod
    def documented() -> list[tuple[str, Any, str]]:
        """(name, default as the documentation shows it, help) for every setting."""
        out = []
        for f in fields(Settings):
            default = f.default_factory() if callable(f.default_factory) else f.default
            out.append((f.name, f.metadata["shown"] or default, f.metadata["help"]))
        return out


_YES, _NO = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


def _convert(kind: Any, raw: str) -> Any:
    kind = str(kind)
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    if kind == "bool":
        if raw.strip().lower() in _YES | _NO:
            return raw.strip().lower() in _YES
        raise ValueError("not a yes or no: write true or false")
    if kind == "Path":
        return Path(raw)
    if kind.startswith("list"):
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw
