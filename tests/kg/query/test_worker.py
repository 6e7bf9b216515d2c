"""The query worker's own parts: its memory cap and what it says when the engine fails (the pool: test_query_pool)."""

from __future__ import annotations

import subprocess
import sys

from kg.query.execute import Job
from kg.query.worker import _os_error_message


def test_the_memory_cap_applies_to_the_worker_process_only() -> None:
    code = (
        "import resource\nfrom kg.query.worker import limit_memory\nlimit_memory(768)\n"
        "print(resource.getrlimit(resource.RLIMIT_AS)[0])"
    )
    capped = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert int(capped.stdout) <= 768 * 1024 * 1024


def test_an_engine_os_error_names_service_when_the_query_calls_one() -> None:
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    plain = "SELECT * WHERE { ?s ?p ?o }"
    assert "no network access" in _os_error_message(Job(service, service, "SELECT", "json", 10))
    assert _os_error_message(Job(plain, plain, "SELECT", "json", 10)) == "the release's store cannot be opened or read"
