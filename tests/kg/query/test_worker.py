"""The query worker's own parts: its memory cap, what it says when the engine fails, and the wire between
it and the pool (the pool itself: test_pool)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import pytest

from kg.query.execute import Job
from kg.query.worker import _REPLY, BAD, OK, _os_error_message, read_job, read_reply, send_job, send_reply


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


def test_an_answer_larger_than_the_socket_buffer_arrives_whole_and_a_job_as_sent() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        body = bytes(range(256)) * 16384  # 4 MiB: many times what a socket pair buffers
        writer = threading.Thread(target=send_reply, args=(theirs, OK, body), kwargs={"truncated": True})
        writer.start()
        assert read_reply(ours, deadline=time.monotonic() + 60) == (OK, 0, True, body)
        writer.join(60)
        job = Job("ASK {}", "ASK {}", "ASK", "json", 10, default_graphs=("http://e/g",))
        send_job(ours, job)
        assert read_job(theirs) == job
        send_reply(theirs, BAD, b"SPARQL syntax error: at 1:5", status=400)
        assert read_reply(ours, deadline=None) == (BAD, 400, False, b"SPARQL syntax error: at 1:5")


def test_a_reply_cut_short_by_a_dying_worker_is_an_end_of_file_not_a_short_answer() -> None:
    ours, theirs = socket.socketpair()
    with ours:
        theirs.sendall(_REPLY.pack(OK, 0, 0, 100) + b"x" * 10)
        theirs.close()
        with pytest.raises(EOFError):
            read_reply(ours, deadline=time.monotonic() + 30)


def test_a_reply_that_does_not_come_by_the_deadline_is_a_timeout() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs, pytest.raises(TimeoutError):
        read_reply(ours, deadline=time.monotonic() + 0.05)
