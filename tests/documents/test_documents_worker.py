"""A real Celery worker renders a batch of documents and is killed with SIGKILL in the
middle; another worker and the re-queue of stuck documents (what the beat task does) finish
the batch: every document ends ready exactly once, with one file whose SHA-256 matches.

Needs PostgreSQL and Redis (the worker is another process on the same test database):
DATABASE_URL=postgres://postgres@127.0.0.1:5432/cl_x REDIS_URL=redis://127.0.0.1:6379/0
pytest -m worker tests/documents/test_documents_worker.py
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not (settings.USING_POSTGRESQL and settings.REDIS_URL),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
    ),
]

STUDENTS = 36
STALE_SECONDS = 4
DEADLINE = 100  # seconds for the whole test, well under two minutes


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(
    queue: str,
    var_dir: Path,
    log: Path,
    *,
    name: str = "",
    consume: str = "",
    args: tuple[str, ...] = (),
    env: dict[str, str | None] | None = None,
) -> subprocess.Popen:
    extra_env = env or {}
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "VAR_DIR": str(var_dir),
        "DOCUMENTS_STALE_SECONDS": str(STALE_SECONDS),
        "DOCUMENTS_QUEUE": queue,
        "DEBUG": "true",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "curiouslab.settings",
        **extra_env,
    }
    env = {k: v for k, v in env.items() if v is not None}  # None: the setting's default
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "curiouslab",
            "worker",
            "-Q",
            consume or queue,
            "-c",
            "2",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
            *(["-n", name] if name else []),
            *args,
        ],  # fmt: skip
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL takes the children too
    )


def _kill(proc: subprocess.Popen, sig=signal.SIGKILL) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
    proc.wait(timeout=20)


def _count(status: str) -> int:
    from documents.models import Document

    return Document.objects.filter(status=status).count()


def test_worker_killed_mid_batch_no_missing_no_duplicate(transactional_db, settings, tmp_path):
    from celery import current_app

    from cohorts.models import Team, TeamMember
    from curiouslab.accounts.models import OrganisationKind, Role
    from documents import services
    from documents.models import Document, DocumentStatus
    from documents.tasks import render_documents
    from tests.documents.document_fixtures import make_challenge
    from tests.factories import CohortFactory, OrganisationFactory, ProgrammeFactory, member

    started = time.monotonic()
    queue = f"documents-test-{uuid.uuid4().hex[:8]}"
    var_dir = tmp_path / "var"
    media = var_dir / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    settings.DOCUMENTS_QUEUE = queue
    settings.DOCUMENTS_CHUNK_SIZE = 2
    settings.DOCUMENTS_STALE_SECONDS = STALE_SECONDS
    was_eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False

    dep = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT)
    school = OrganisationFactory(kind=OrganisationKind.SCHOOL, territory=dep)
    muni = OrganisationFactory(kind=OrganisationKind.MUNICIPALITY, territory=dep)
    cohort = CohortFactory(programme=ProgrammeFactory(organisation=dep))

    class Side:  # what make_challenge needs
        programme, municipality = cohort.programme, muni

    Side.cohort = cohort
    team = Team.objects.create(
        cohort=cohort, name="Équipe", challenge=make_challenge(Side), status="confirmed"
    )
    for i in range(STUDENTS):
        user = member(Role.STUDENT, school, last_name=f"Élève {i:02d}")
        TeamMember.objects.create(
            team=team, cohort=cohort, user=user, school=school, discipline="design"
        )
    coordinator = member(Role.COORDINATOR, dep)

    log = tmp_path / "worker.log"
    first = _start_worker(queue, var_dir, log)
    second = None
    try:
        created = services.documents_issue(cohort=cohort, kind="diploma", actor=coordinator)
        ids = [d.pk for d in created]
        assert len(ids) == STUDENTS
        # Let the first worker get going, then kill it (and its pool) without warning.
        while _count(DocumentStatus.READY) < 4:
            assert first.poll() is None, log.read_text()
            assert time.monotonic() - started < 45, "the first worker rendered nothing"
            time.sleep(0.2)
        _kill(first)
        ready_at_kill = _count(DocumentStatus.READY)
        assert ready_at_kill < STUDENTS, "the batch finished before the kill: nothing tested"
        # Every message delivered again: duplicates must change nothing.
        for start in range(0, len(ids), 6):
            render_documents.apply_async(
                kwargs={"document_ids": ids[start : start + 6]}, queue=queue
            )
        second = _start_worker(queue, var_dir, log)
        # What the beat task does every few minutes, here every second.
        while _count(DocumentStatus.READY) < STUDENTS:
            assert second.poll() is None, log.read_text()
            assert time.monotonic() - started < DEADLINE, (
                f"only {_count(DocumentStatus.READY)} of {STUDENTS} ready\n" + log.read_text()
            )
            services.documents_requeue_stuck()
            time.sleep(1)
    finally:
        for proc in (first, second):
            if proc is not None:
                _kill(proc)
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)
        current_app.conf.task_always_eager = was_eager

    docs = list(Document.objects.filter(pk__in=ids))
    assert {d.status for d in docs} == {DocumentStatus.READY}
    files = sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())
    assert files == sorted(d.file for d in docs)  # one file each, no stray copy
    for d in docs:
        assert hashlib.sha256((media / d.file).read_bytes()).hexdigest() == d.sha256
    assert Document.objects.filter(cohort=cohort).count() == STUDENTS
    assert any(d.attempts > 1 for d in docs) or ready_at_kill < STUDENTS


# --- Issue #20, point 1: a redelivered render renders -----------------------------------------
TIME_LIMIT = 30  # the workers' CELERY_TASK_TIME_LIMIT: stale age 45 s, sweep every 10 s
BATCH = 60


def _make_batch(students: int):
    from cohorts.models import Team, TeamMember
    from curiouslab.accounts.models import OrganisationKind, Role
    from tests.documents.document_fixtures import make_challenge
    from tests.factories import CohortFactory, OrganisationFactory, ProgrammeFactory, member

    dep = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT)
    school = OrganisationFactory(kind=OrganisationKind.SCHOOL, territory=dep)
    muni = OrganisationFactory(kind=OrganisationKind.MUNICIPALITY, territory=dep)
    cohort = CohortFactory(programme=ProgrammeFactory(organisation=dep))

    class Side:  # what make_challenge needs
        programme, municipality = cohort.programme, muni

    Side.cohort = cohort
    team = Team.objects.create(
        cohort=cohort, name="Équipe", challenge=make_challenge(Side), status="confirmed"
    )
    for i in range(students):
        user = member(Role.STUDENT, school, last_name=f"Élève {i:02d}")
        TeamMember.objects.create(
            team=team, cohort=cohort, user=user, school=school, discipline="design"
        )
    return cohort, member(Role.COORDINATOR, dep)


def _pool_children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return children


def _wait(predicate, *, until: float, log: Path, what: str) -> None:
    while not predicate():
        assert time.monotonic() < until, f"{what}\n" + log.read_text()[-6000:]
        time.sleep(0.2)


def test_killed_pool_child_and_main_process_batch_done_within_two_minutes(
    transactional_db, settings, tmp_path
):
    """A pool child killed mid-render: its task is delivered again with the same id and
    renders the documents its first delivery claimed. Then the worker's main process
    killed: the other worker's stale sweep (its embedded beat, every 10 s) finds claims of a
    worker that no longer answers a ping and queues them again. Nobody calls the sweep by
    hand; the batch is complete within two minutes of the last kill, each document once."""
    import redis
    from celery import current_app

    from documents import services
    from documents.models import Document, DocumentStatus

    queue = f"documents-test-{uuid.uuid4().hex[:8]}"
    var_dir = tmp_path / "var"
    media = var_dir / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    settings.DOCUMENTS_QUEUE = queue
    settings.DOCUMENTS_CHUNK_SIZE = 3
    was_eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("celery")  # the default queue of the sweep: nothing left by earlier tests
    env = {
        "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT),
        "DOCUMENTS_STALE_SECONDS": None,  # the default: from the time limit (45 s)
        "DOCUMENTS_CHUNK_SIZE": "3",
    }
    cohort, coordinator = _make_batch(BATCH)
    log = tmp_path / "worker.log"
    tag = uuid.uuid4().hex[:6]
    first = _start_worker(queue, var_dir, log, name=f"first-{tag}@%h", env=env)
    second = None
    try:
        ids = [d.pk for d in services.documents_issue(cohort=cohort, kind="diploma", actor=None)]
        started = time.monotonic()
        _wait(
            lambda: _count(DocumentStatus.READY) >= 3,
            until=started + 60,
            log=log,
            what="the first worker rendered nothing",
        )
        # 1. A pool child dies in the middle of a chunk.
        children = _pool_children(first.pid)
        assert children, "no pool child found"
        os.kill(children[0], signal.SIGKILL)
        killed_child_at = time.monotonic()
        _wait(
            lambda: _count(DocumentStatus.READY) >= 12,
            until=killed_child_at + 60,
            log=log,
            what="the worker stopped after its child was killed",
        )
        # 2. The worker's main process dies, with chunks in flight (its pool goes with it).
        _wait(
            lambda: Document.objects.filter(status=DocumentStatus.RENDERING).exists(),
            until=killed_child_at + 60,
            log=log,
            what="nothing in flight to kill",
        )
        os.kill(first.pid, signal.SIGKILL)
        killed_main_at = time.monotonic()
        time.sleep(0.5)
        _kill(first)
        in_flight = Document.objects.filter(status=DocumentStatus.RENDERING).count()
        assert _count(DocumentStatus.READY) < BATCH, "the batch ended before the kill"
        second = _start_worker(
            queue,
            var_dir,
            log,
            name=f"second-{tag}@%h",
            consume=f"{queue},celery",
            args=("-B", "-s", str(tmp_path / "beat-schedule")),
            env=env,
        )
        _wait(
            lambda: _count(DocumentStatus.READY) == BATCH,
            until=killed_main_at + 120,
            log=log,
            what=f"not all ready within 2 minutes of the kill ({in_flight} were in flight)",
        )
        assert time.monotonic() - killed_child_at < 120
        # The figures README's benchmark table quotes (pytest -s shows them).
        print(f"\nworker killed mid-batch: {BATCH} documents ready "
              f"{time.monotonic() - killed_main_at:.1f} s after the main process's kill, "
              f"{time.monotonic() - killed_child_at:.1f} s after the pool child's")  # fmt: skip
    finally:
        for proc in (first, second):
            if proc is not None:
                _kill(proc, signal.SIGTERM if proc is second else signal.SIGKILL)
        broker.delete(queue)
        current_app.conf.task_always_eager = was_eager

    docs = list(Document.objects.filter(pk__in=ids))
    assert {d.status for d in docs} == {DocumentStatus.READY}
    files = sorted(p.relative_to(media).as_posix() for p in media.rglob("*.pdf"))
    assert files == sorted(d.file for d in docs)  # one file each, no stray copy
    for d in docs:
        assert hashlib.sha256((media / d.file).read_bytes()).hexdigest() == d.sha256
    # The killed worker's documents were rendered again, by a later claim.
    assert any(d.attempts >= 2 for d in docs)


def test_main_process_killed_its_batch_taken_over_in_seconds_without_beat(
    transactional_db, settings, tmp_path
):
    """Two workers render a batch; the first one's main process is killed with its pool (as
    a container dies), holding claimed documents and perhaps the messages of pending ones
    (unacknowledged: Redis would give them back after an hour). No beat, no sweep, nobody
    started again: the second worker's own render tasks see the dead processes' claims
    (``documents.services.documents_take_over``) and queue the batch's documents again
    within seconds; the batch is complete well within two minutes of the kill."""
    import redis
    from celery import current_app
    from django.utils import timezone

    from documents import services
    from documents.models import Document, DocumentSettings, DocumentStatus

    queue = f"documents-test-{uuid.uuid4().hex[:8]}"
    var_dir = tmp_path / "var"
    media = var_dir / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    settings.DOCUMENTS_QUEUE = queue
    settings.DOCUMENTS_CHUNK_SIZE = 3
    was_eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    env = {
        "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT),
        "DOCUMENTS_STALE_SECONDS": None,  # the default: 45 s, never reached without a sweep
        "DOCUMENTS_CHUNK_SIZE": "3",
    }
    cohort, _coordinator = _make_batch(BATCH)
    log = tmp_path / "worker.log"
    tag = uuid.uuid4().hex[:6]
    first = _start_worker(queue, var_dir, log, name=f"first-{tag}@%h", env=env)
    second = _start_worker(queue, var_dir, log, name=f"second-{tag}@%h", env=env)
    try:
        ids = [d.pk for d in services.documents_issue(cohort=cohort, kind="diploma", actor=None)]
        started = time.monotonic()
        in_flight = Document.objects.filter(
            pk__in=ids, status=DocumentStatus.RENDERING, claimed_by__startswith=f"first-{tag}@"
        )
        _wait(
            lambda: _count(DocumentStatus.READY) >= 6 and in_flight.exists(),
            until=started + 90,
            log=log,
            what="the first worker rendered nothing",
        )
        killed_at, killed_wall = time.monotonic(), timezone.now()
        os.killpg(first.pid, signal.SIGKILL)  # its main process and its pool at once
        first.wait(timeout=20)
        held = Document.objects.filter(
            pk__in=ids, status=DocumentStatus.RENDERING, claimed_by__startswith=f"first-{tag}@"
        ).count()
        assert _count(DocumentStatus.READY) < BATCH, "the batch ended before the kill"
        _wait(
            lambda: _count(DocumentStatus.READY) == BATCH,
            until=killed_at + 90,
            log=log,
            what=f"not all ready 90 s after the kill ({held} claimed by the dead worker)",
        )
        done_after = time.monotonic() - killed_at
        requeued_at = DocumentSettings.objects.get(cohort=cohort).requeued_at
        print(f"\nmain process killed, no beat: {BATCH} documents ready {done_after:.1f} s "
              f"after the kill ({held} were claimed by it), queued again "
              f"{(requeued_at - killed_wall).total_seconds():.1f} s after it")  # fmt: skip
    finally:
        for proc in (first, second):
            _kill(proc, signal.SIGTERM if proc is second else signal.SIGKILL)
        broker.delete(queue)
        current_app.conf.task_always_eager = was_eager

    assert "documents claimed by processes that died" in log.read_text()
    assert requeued_at is not None and (requeued_at - killed_wall).total_seconds() < 15
    assert done_after < 60  # well within two minutes
    docs = list(Document.objects.filter(pk__in=ids))
    assert {d.status for d in docs} == {DocumentStatus.READY}
    files = sorted(p.relative_to(media).as_posix() for p in media.rglob("*.pdf"))
    assert files == sorted(d.file for d in docs)  # one file each, no stray copy
    for d in docs:
        assert hashlib.sha256((media / d.file).read_bytes()).hexdigest() == d.sha256
