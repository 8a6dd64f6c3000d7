"""Benchmark: faults injected in the middle of a batch of diplomas, on servers this script starts
for itself, and the time each batch takes to recover (issue #20, point 7).

    python bench/faults.py [--count 200] [--faults child,main,postgres,redis,redis-lost]

It starts its own PostgreSQL (``initdb`` and ``pg_ctl`` in a temporary folder, on a free
port: ``tests/pg_server.py``), its own Redis on a free port, keeping an append-only file as
docker-compose's does (``tests/deploy/redis_server.py``), two real Celery workers (prefork,
two processes each, as docker-compose runs them, with the settings' defaults: task time limit
90 s, so a stale age of 105 s and a sweep every 22 s) and beat. Never the shared servers.

For each fault: a new cohort of ``--count`` students, its diplomas issued through the
services (outbox, then Redis); once a fifth of them are ready, the fault:

- ``child``: ``kill -9`` of a pool child of the first worker;
- ``main``: ``kill -9`` of the first worker's main process, then of its pool (as a container
  dies); the worker is started again only after the batch is complete;
- ``postgres``: PostgreSQL stopped (``-m immediate``) for 6 s, then started again;
- ``redis``: Redis restarted (SIGTERM, its append-only file kept), 3 s down;
- ``redis-lost``: Redis killed and started again without its data (a Redis without
  persistence), 3 s down.

Printed first: the time of a batch without a fault (after a warm-up batch). After each fault:
how many were ready at the fault, the recovery time (from the kill, or from the server's
return, until every document is ready), the whole batch's time, when the platform queued
documents again (seconds after the fault: the take-over of a dead process's claims, the
sweep, the re-queue on the broker's return; none when the tasks' own retries or redelivery
did it), the most claims of one document, and a check that each document is ready once
with one file whose SHA-256 matches. The yardstick of ``bench/yardstick.py`` is printed at
the start and the end. Not run by the test suite (it takes about 10 minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import yardstick  # noqa: E402

from tests.deploy.redis_server import RedisServer  # noqa: E402
from tests.pg_server import PrivatePostgres  # noqa: E402

FAULTS = ["child", "main", "postgres", "redis", "redis-lost"]
TIMEOUT = 600  # seconds a batch may take to recover before the run gives up on it


def child_pids(pid: int) -> list[int]:
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


class Stack:
    """PostgreSQL, Redis, two workers and beat, all this script's own."""

    def __init__(self, workdir: Path, workers: int):
        self.workdir = workdir
        self.log = workdir / "celery.log"
        self.pg = PrivatePostgres("cl-bench-faults-pg-")
        self.redis = RedisServer(appendonly_dir=workdir / "redis")
        self.workers: dict[str, subprocess.Popen] = {}
        self.names = [f"faults{i + 1}" for i in range(workers)]
        self.beat: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        return {
            "DATABASE_URL": self.pg.url("faults"),
            "REDIS_URL": self.redis.url(0),
            "CELERY_BROKER_URL": self.redis.url(0),
            "VAR_DIR": str(self.workdir / "var"),
            "DEBUG": "false",
            "ADMIN_URL": "bench-admin-not-public/",
            "MFA_ENCRYPTION_KEY": "YmVuY2gtb25seS1tZmEta2V5LW5vdC1zZWNyZXQhISE=",
            "SECRET_KEY": "bench-faults-" + uuid.uuid4().hex,
            "MFA_REQUIRED_FOR_COORDINATORS": "false",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "curiouslab.settings",
        }

    def start_servers(self) -> None:
        self.pg.start()
        self.pg.createdb("faults")
        self.redis.start()
        os.environ.update(self.env())

    def _celery(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "curiouslab", *args],
            cwd=ROOT,
            env={**os.environ, **self.env()},
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill takes its pool too
        )

    def start_worker(self, name: str) -> None:
        self.workers[name] = self._celery(
            "worker", "--concurrency=2", "-n", f"{name}@%h", "-l", "INFO",
        )  # fmt: skip

    def start_celery(self) -> None:
        for name in self.names:
            self.start_worker(name)
        self.beat = self._celery(
            "beat", "-l", "INFO", "-s", str(self.workdir / "celerybeat-schedule")
        )

    def check_alive(self) -> None:
        for name, proc in self.workers.items():
            if proc.poll() is not None:
                raise SystemExit(f"worker {name} exited: see {self.log}")

    def stop_process(self, proc: subprocess.Popen | None) -> None:
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        for proc in [*self.workers.values(), self.beat]:
            self.stop_process(proc)
        self.redis.stop()
        self.pg.destroy()


def make_cohort(tag: str, count: int):
    import datetime

    from django.contrib.auth.hashers import make_password

    from cohorts.models import Cohort, Programme, Team, TeamMember
    from curiouslab.accounts.models import Organisation, User

    dep = Organisation.objects.create(kind="departement", name=f"Faults {tag}", slug=f"f-{tag}")
    school = Organisation.objects.create(
        kind="school", name="École du banc d'essai", slug=f"s-{tag}", territory=dep
    )
    programme = Programme.objects.create(organisation=dep, name=f"Pannes {tag}", slug=f"p-{tag}")
    d = datetime.date(2026, 1, 1)
    cohort = Cohort.objects.create(
        programme=programme, name=f"Pannes {tag}", year=2026, call_opens=d, call_closes=d,
        kickoff=d, working_starts=d, working_ends=d, closing=d,
    )  # fmt: skip
    team = Team.objects.create(cohort=cohort, name="Équipe", status=Team.Status.CONFIRMED)
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"s{i}-{tag}@example.org", first_name="Élève", last_name=f"Numéro {i}",
             password=password)
        for i in range(count)
    )  # fmt: skip
    TeamMember.objects.bulk_create(
        TeamMember(team=team, cohort=cohort, user=u, school=school, discipline="design")
        for u in users
    )
    return cohort


def counts(cohort) -> dict[str, int] | None:
    """Documents of ``cohort`` per status; None while the database does not answer."""
    from django.db import OperationalError, close_old_connections, connection
    from django.db.models import Count

    from documents.models import Document

    try:
        rows = Document.objects.filter(cohort=cohort).values_list("status").annotate(Count("pk"))
        return dict(rows)
    except OperationalError:
        close_old_connections()
        connection.close()
        return None


def wait_until(stack: Stack, cohort, predicate, timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        stack.check_alive()
        seen = counts(cohort)
        if seen is not None and predicate(seen):
            return seen
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out: {seen}")
        time.sleep(0.25)


def verify(cohort, count: int, media: Path) -> str:
    from documents.models import Document

    docs = list(Document.objects.filter(cohort=cohort))
    problems = []
    if len(docs) != count:
        problems.append(f"{len(docs)} documents for {count} students")
    if {d.status for d in docs} != {"ready"}:
        problems.append("not all ready")
    folder = media / "documents" / str(cohort.pk)
    files = sorted(p.relative_to(media).as_posix() for p in folder.rglob("*") if p.is_file())
    if files != sorted(d.file for d in docs):
        problems.append(f"{len(files)} files for {len(docs)} documents")
    for d in docs:
        path = media / d.file
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != d.sha256:
            problems.append(f"document {d.pk}: file missing or SHA-256 differs")
            break
    return "; ".join(problems) or "each document ready once, one file each, SHA-256 matches"


def inject(stack: Stack, fault: str) -> float:
    """Inject ``fault``; returns the monotonic time recovery is counted from."""
    first = stack.workers[stack.names[0]]
    if fault == "child":
        children = child_pids(first.pid)
        os.kill(children[0], signal.SIGKILL)
        return time.monotonic()
    if fault == "main":
        os.kill(first.pid, signal.SIGKILL)
        at = time.monotonic()
        time.sleep(0.5)  # the container goes with its main process: so does the pool
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        del stack.workers[stack.names[0]]
        return at
    if fault == "postgres":
        stack.pg.stop("immediate")
        time.sleep(6)
        stack.pg.start()
        return time.monotonic()
    if fault in ("redis", "redis-lost"):
        lost = fault == "redis-lost"
        stack.redis.stop(graceful=not lost)
        if lost:
            shutil.rmtree(stack.redis.appendonly_dir, ignore_errors=True)
        time.sleep(3)
        stack.redis.start()
        return time.monotonic()
    raise SystemExit(f"unknown fault {fault!r}: one of {', '.join(FAULTS)}")


def run_fault(stack: Stack, fault: str, count: int, media: Path, no_fault: float) -> dict:
    from django.utils import timezone

    from documents import services
    from documents.models import Document, DocumentSettings

    cohort = make_cohort(f"{fault}-{uuid.uuid4().hex[:6]}", count)
    issued = time.monotonic()
    services.documents_issue(cohort=cohort, kind="diploma", actor=None)
    seen = wait_until(stack, cohort, lambda c: c.get("ready", 0) >= count // 5, 300)
    at_fault = seen.get("ready", 0)
    fault_wall = timezone.now()
    since = inject(stack, fault)
    fault_after = since - issued
    requeues: list[float] = []  # seconds after the fault, of each re-queue seen

    def done(c: dict) -> bool:
        try:
            row = DocumentSettings.objects.filter(cohort=cohort).values("requeued_at").first()
        except Exception:  # the database is away
            return False
        when = row and row["requeued_at"]
        if when and when > fault_wall:
            at = (when - fault_wall).total_seconds()
            if not requeues or at > requeues[-1] + 0.001:
                requeues.append(at)
        return c.get("ready", 0) == count

    try:
        wait_until(stack, cohort, done, TIMEOUT)
        recovery = time.monotonic() - since
    except TimeoutError as exc:
        recovery = float("nan")
        print(f"  {fault}: {exc}")
    total = time.monotonic() - issued
    if fault == "main":
        stack.start_worker(stack.names[0])
    attempts = max(Document.objects.filter(cohort=cohort).values_list("attempts", flat=True))
    result = {
        "fault": fault,
        "ready_at_fault": at_fault,
        "fault_after": fault_after,
        "recovery": recovery,
        "total": total,
        "requeues": requeues,
        "max_attempts": attempts,
        "check": verify(cohort, count, media),
    }
    since_what = "kill" if fault in ("child", "main") else "return"
    queued_again = ", ".join(f"{r:.1f}" for r in requeues)
    queued_again = f"queued again {queued_again} s after the fault" if requeues else "no re-queue"
    print(
        f"{fault:>10}: fault {fault_after:.1f} s after the issue, {at_fault}/{count} ready; all "
        f"ready {recovery:.1f} s after the {since_what}, the batch in {total:.1f} s (no fault: "
        f"{no_fault:.1f} s); {queued_again}; at most {attempts} claims a document; "
        f"{result['check']}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="documents per batch")
    parser.add_argument("--faults", default=",".join(FAULTS))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    faults = [f.strip() for f in args.faults.split(",") if f.strip()]
    for fault in faults:
        if fault not in FAULTS:
            raise SystemExit(f"unknown fault {fault!r}: one of {', '.join(FAULTS)}")

    workdir = Path(tempfile.mkdtemp(prefix="cl-bench-faults-"))
    stack = Stack(workdir, args.workers)
    results = []
    try:
        stack.start_servers()
        import logging

        import django

        django.setup()
        logging.getLogger("weasyprint").setLevel(logging.WARNING)
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        media = Path(settings.MEDIA_ROOT)
        print(yardstick.line())
        print(
            f"PostgreSQL on port {stack.pg.port}, Redis on port {stack.redis.port} (append-only"
            f" file), {args.workers} workers × 2 processes and beat; task time limit "
            f"{settings.CELERY_TASK_TIME_LIMIT} s, stale age {settings.DOCUMENTS_STALE_SECONDS}"
            f" s; batches of {args.count}, chunks of {settings.DOCUMENTS_CHUNK_SIZE}",
            flush=True,
        )
        stack.start_celery()
        # Warm-up (imports, fonts) and the time of a batch without a fault.
        from documents import services

        for _round in ("warm-up", "no fault"):
            warm = make_cohort(f"warm-{uuid.uuid4().hex[:6]}", args.count)
            started = time.monotonic()
            services.documents_issue(cohort=warm, kind="diploma", actor=None)
            wait_until(stack, warm, lambda c: c.get("ready", 0) == args.count, 300)
        no_fault = time.monotonic() - started
        print(f"  no fault: {args.count} ready in {no_fault:.1f} s", flush=True)
        for fault in faults:
            results.append(run_fault(stack, fault, args.count, media, no_fault))
        print(yardstick.line())
    finally:
        stack.stop()
        print(f"logs: {stack.log}")
    if any(r["recovery"] != r["recovery"] or "differs" in r["check"] for r in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
