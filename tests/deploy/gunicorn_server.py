"""A real gunicorn for the deploy tests, started as production starts it: from the project's
folder, so that it reads gunicorn.conf.py, in a session of its own."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method="GET", path="/", body=None, headers=None, timeout=15):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read().decode()


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str]):
    """Run gunicorn on ``app`` until the block ends; yields ``(port, Popen)`` once a GET of /
    answers."""
    port = free_port()
    proc = subprocess.Popen(
        [
            GUNICORN,
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",  # gunicorn 27 would share one socket path with others
        ],
        cwd=ROOT,
        env={**os.environ, "GUNICORN_ACCESS_LOG": "", **env},
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            request(port, timeout=5)
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield port, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
