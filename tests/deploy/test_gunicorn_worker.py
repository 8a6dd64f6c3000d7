"""The web process's worker (gunicorn.conf.py): connections arriving together spread over the
processes, and a new connection is served while kept-alive ones keep every thread busy."""

import http.client
import threading
import time
from collections import Counter

import pytest

from tests.deploy.gunicorn_server import gunicorn


@pytest.fixture
def server():
    # gunicorn.conf.py is read from the working directory, as in production; two processes of
    # two threads each.
    env = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "2"}
    with gunicorn("tests.deploy.pid_app:application", env) as (port, _proc):
        deadline = time.monotonic() + 20
        pids = set()
        while time.monotonic() < deadline and len(pids) < 2:
            try:
                pids.add(get(http.client.HTTPConnection("127.0.0.1", port, timeout=5)))
            except OSError:
                time.sleep(0.1)
        assert len(pids) == 2, "gunicorn did not start its two processes"
        yield port


def get(conn):
    conn.request("GET", "/")
    response = conn.getresponse()
    assert response.status == 200
    return response.read().decode()


# Both properties are timings on a shared 2-core machine: each is measured up to three times and
# holds when one measurement meets it. gunicorn's own worker fails them every time (12–4, 14–2;
# a new connection waits for the whole run), so a retry cannot hide a broken worker.
ATTEMPTS = 3


def _spread_once(server) -> Counter:
    served_by = []
    start = threading.Barrier(16)

    def phone():
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
        start.wait()
        pids = {get(conn) for _ in range(5)}  # kept alive: one process serves them all
        served_by.append(pids.pop())

    threads = [threading.Thread(target=phone) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(served_by) == 16
    return Counter(served_by)


def test_connections_arriving_together_spread_over_the_processes(server):
    seen = []
    for _ in range(ATTEMPTS):
        per_process = _spread_once(server)
        seen.append(dict(per_process))
        # Two processes of two threads: eight each, give or take one.
        if max(per_process.values()) <= 9:
            return
    raise AssertionError(f"connections per process in {ATTEMPTS} tries: {seen}")


def _wait_for_a_new_connection(server) -> float:
    stop = threading.Event()

    def busy_phone():
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
        while not stop.is_set():
            get(conn)

    threads = [threading.Thread(target=busy_phone) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        started = time.monotonic()
        get(http.client.HTTPConnection("127.0.0.1", server, timeout=10))
        return time.monotonic() - started
    finally:
        stop.set()
        for t in threads:
            t.join()


def test_a_new_connection_is_served_while_kept_alive_ones_keep_every_thread_busy(server):
    waits = []
    for _ in range(ATTEMPTS):
        waits.append(_wait_for_a_new_connection(server))
        # Four threads serve eight busy connections of 30 ms requests: a fair turn is ~60 ms.
        if waits[-1] < 0.5:
            return
    raise AssertionError(f"a new connection waited {waits} s in {ATTEMPTS} tries")
