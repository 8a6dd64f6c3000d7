"""Issue #20, point 2: a render that meets a database error that can pass retries with
backoff instead of being dropped.

The test starts its own PostgreSQL server (``initdb`` into a temporary folder, on a free
port, as the postgres user), copies the test database into it, has a real Celery worker
render a batch against it, stops that server for a few seconds in the middle of the batch
and starts it again: every document is ready within two minutes of its return, with no
beat and no sweep (the tasks' own retries do it). Never touches the shared servers.

Needs PostgreSQL and Redis (``DATABASE_URL``, ``REDIS_URL``) and the PostgreSQL binaries."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from tests.documents.test_documents_worker import _make_batch
from tests.pg_server import BIN, PrivatePostgres

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not (settings.USING_POSTGRESQL and settings.REDIS_URL and BIN),
        reason="needs PostgreSQL (DATABASE_URL), Redis (REDIS_URL) and the PostgreSQL binaries",
    ),
]

BATCH = 30
OUTAGE = 6  # seconds


def _copy_test_database(target: PrivatePostgres, name: str) -> None:
    s = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    bin_ = target.bin
    target.createdb(name)
    dump = subprocess.run(
        [
            str(bin_ / "pg_dump"), "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432),
            "-U", s["USER"], "--no-owner", s["NAME"],
        ],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    subprocess.run(
        [
            str(bin_ / "psql"), "-q", "-h", "127.0.0.1", "-p", str(target.port), "-U", "postgres",
            "-v", "ON_ERROR_STOP=1", name,
        ],
        input=dump.stdout, check=True, capture_output=True,
    )  # fmt: skip


def _statuses(dsn: str, ids: list[int]) -> dict[str, int] | None:
    import psycopg

    try:
        with psycopg.connect(dsn, connect_timeout=2) as conn:
            rows = conn.execute(
                "SELECT status, count(*) FROM documents_document WHERE id = ANY(%s) GROUP BY 1",
                [ids],
            ).fetchall()
    except psycopg.Error:
        return None
    return dict(rows)


def test_database_stopped_mid_batch_every_document_ready_after_its_return(
    transactional_db, settings, tmp_path
):
    import psycopg
    import redis
    from celery import current_app

    from documents import services
    from documents.tasks import render_documents

    cohort, _coordinator = _make_batch(BATCH)
    docs = services.documents_issue(cohort=cohort, kind="diploma", actor=None, dispatch=False)
    ids = [d.pk for d in docs]
    queue = f"documents-outage-{uuid.uuid4().hex[:8]}"
    var_dir = tmp_path / "var"
    media = var_dir / "media"
    log = tmp_path / "worker.log"
    pg = PrivatePostgres("cl-healing-pg-")
    worker = None
    was_eager = current_app.conf.task_always_eager
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        pg.start()
        _copy_test_database(pg, "outage")
        url = pg.url("outage")
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "curiouslab", "worker", "-Q", queue,
                "-c", "2", "-n", f"outage-{uuid.uuid4().hex[:6]}@%h", "--without-gossip",
                "--without-mingle", "--without-heartbeat", "-l", "INFO",
            ],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DATABASE_URL": url,
                "REDIS_URL": settings.REDIS_URL,
                "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
                "VAR_DIR": str(var_dir),
                "DOCUMENTS_QUEUE": queue,
                "DEBUG": "true",
                "CELERY_TASK_ALWAYS_EAGER": "false",
                "DJANGO_SETTINGS_MODULE": "curiouslab.settings",
            },
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        current_app.conf.task_always_eager = False
        for start in range(0, len(ids), 2):
            render_documents.apply_async(
                kwargs={"document_ids": ids[start : start + 2]}, queue=queue
            )

        def ready() -> int:
            return (_statuses(url, ids) or {}).get("ready", 0)

        deadline = time.monotonic() + 90
        while ready() < 4:
            assert worker.poll() is None and time.monotonic() < deadline, log.read_text()[-5000:]
            time.sleep(0.2)
        pg.stop("immediate")  # the connections die with it
        time.sleep(OUTAGE)  # the worker goes on taking tasks, which meet no database
        pg.start()
        back = time.monotonic()
        ready_at_return = ready()
        assert ready_at_return < BATCH, "the batch ended before the outage: nothing tested"
        while ready() < BATCH:
            assert worker.poll() is None, log.read_text()[-5000:]
            assert time.monotonic() - back < 120, (
                f"{_statuses(url, ids)} two minutes after the database's return\n"
                + log.read_text()[-6000:]
            )
            time.sleep(0.5)
        # The figure README's benchmark table quotes (pytest -s shows it).
        print(f"\nPostgreSQL stopped {OUTAGE} s: {BATCH} documents ready "
              f"{time.monotonic() - back:.1f} s after its return")  # fmt: skip
        with psycopg.connect(url) as conn:
            rows = conn.execute(
                "SELECT file, sha256 FROM documents_document WHERE id = ANY(%s)", [ids]
            ).fetchall()
    finally:
        current_app.conf.task_always_eager = was_eager
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
        broker.delete(queue)
        pg.destroy()
    assert "Retry in" in log.read_text()  # the tasks that met no database retried
    assert len(rows) == BATCH
    for file, sha in rows:
        assert hashlib.sha256((media / file).read_bytes()).hexdigest() == sha
