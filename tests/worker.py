"""Start a real Celery worker process against the test database, for tests marked "worker".

Such tests need PostgreSQL (the worker is another process: it must see what the test
committed, so the tests use ``transactional_db``) and Redis as the broker."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

needs_worker_stack = pytest.mark.skipif(
    not (settings.USING_POSTGRESQL and settings.REDIS_URL),
    reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), as in CI's second pass",
)


def database_url_of_test_db() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextlib.contextmanager
def celery_worker(
    *, env: dict[str, str] | None = None, concurrency: int = 1, queues: str = "celery"
):
    """Run ``celery -A curiouslab worker`` until the block ends; yields the Popen."""
    from curiouslab.celery import app

    worker_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))},
        "DATABASE_URL": database_url_of_test_db(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "true",
        **(env or {}),
    }
    # Empty the queue first so that messages of earlier tests do not reach this worker.
    app.connection_for_write().default_channel.client.delete(queues)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "curiouslab",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            "-Q",
            queues,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=worker_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield process
    finally:
        app.conf.task_always_eager = previous
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.2, process=None):
    """Poll ``predicate`` until it is truthy; fail with the worker's output on time-out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if process is not None and process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"the worker exited with {process.returncode}:\n{output[-4000:]}")
        time.sleep(interval)
    output = ""
    if process is not None:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=20)[0] or ""
    pytest.fail(f"condition not met within {timeout} s. Worker output:\n{output[-4000:]}")
