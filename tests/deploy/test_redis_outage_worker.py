"""Redis stopped for 30 s under a real stack (issue 13, point 4): a Celery worker with beat,
PostgreSQL, and a Redis server of the test's own (cache and broker) that the test kills and
starts again, empty (no persistence, as in CI).

Before the outage a batch of diplomas is in flight (issued, its messages in Redis). During
the outage the coordinator signs in, opens pages, issues a second batch and invites someone
(an e-mail). After Redis's return, every document of both batches is rendered and the
invitation e-mail is delivered, within 2 minutes; the recovery time is printed (README).

Needs PostgreSQL and Redis (the PostgreSQL + Redis pass):
DATABASE_URL=postgres://postgres@127.0.0.1:5432/cl_x REDIS_URL=redis://127.0.0.1:6379/0
pytest -s tests/deploy/test_redis_outage_worker.py
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from allauth.account.models import EmailAddress
from celery import current_app
from django.conf import settings as django_settings
from django.urls import reverse

from curiouslab import outbox
from tests.deploy.redis_server import needs_redis_server
from tests.deploy.test_redis_outage import forget_broker_connections
from tests.factories import PASSWORD
from tests.worker import database_url_of_test_db

pytestmark = [
    pytest.mark.worker,
    needs_redis_server,
    pytest.mark.skipif(
        not (django_settings.USING_POSTGRESQL and django_settings.REDIS_URL),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
    ),
]

OUTAGE = 30  # seconds, as in the issue
RECOVERY_LIMIT = 120
IN_FLIGHT = 40  # diplomas of the batch in flight when Redis stops
DURING = 6  # diplomas of the batch issued during the outage


def _start_worker(*, redis_url: str, broker_url: str, var_dir, mail_dir, log):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))},
        "DATABASE_URL": database_url_of_test_db(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": broker_url,
        "VAR_DIR": str(var_dir),
        "EMAIL_URL": f"file://{mail_dir}",
        "DOCUMENTS_CHUNK_SIZE": "2",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "true",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "curiouslab", "worker", "--beat"]
        + ["--schedule", str(var_dir / "beat-schedule"), "-c", "2", "-l", "INFO"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _students(side, team, count, tag):
    from tests.documents.document_fixtures import add_student

    for i in range(count):
        add_student(side, team, first_name=f"{tag}{i:02d}", last_name="Élève")


def test_work_asked_for_during_a_redis_outage_is_done_within_two_minutes_of_its_return(
    transactional_db, client, settings, tmp_path, redis_server
):
    from cohorts.models import Team
    from curiouslab.accounts.models import OutboxMessage
    from documents import services
    from documents.models import Document, DocumentStatus
    from tests.documents.document_fixtures import make_challenge
    from tests.factories import CohortFactory
    from tests.world import build_world

    var_dir, mail_dir = tmp_path / "var", tmp_path / "mail"
    var_dir.mkdir()
    mail_dir.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(var_dir / "media")},
        },
    }
    settings.DOCUMENTS_CHUNK_SIZE = 2
    conf = current_app.conf
    saved = conf.broker_url, conf.task_always_eager
    cache_url, broker_url = redis_server.url(0), redis_server.url(1)
    settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": cache_url}}
    conf.broker_url, conf.task_always_eager = broker_url, False
    forget_broker_connections(current_app)
    outbox._state.update(down_until=0.0, failed=False)

    world = build_world()
    a = world.a
    coordinator = a.people["coordinator"]
    EmailAddress.objects.create(
        user=coordinator, email=coordinator.email, verified=True, primary=True
    )
    challenge = make_challenge(a)
    in_flight = Team.objects.create(
        cohort=a.cohort, name="En vol", challenge=challenge, status=Team.Status.CONFIRMED
    )
    _students(a, in_flight, IN_FLIGHT, "Vol")
    later_cohort = CohortFactory(programme=a.programme)

    class Later:
        programme, municipality, cohort, school = (
            a.programme,
            a.municipality,
            later_cohort,
            a.school,
        )

    later = Team.objects.create(
        cohort=later_cohort,
        name="Pendant la panne",
        challenge=make_challenge(Later, "Comment fleurir la gare ?"),
        status=Team.Status.CONFIRMED,
    )
    _students(Later, later, DURING, "Panne")

    log = tmp_path / "worker.log"
    worker = _start_worker(
        redis_url=cache_url, broker_url=broker_url, var_dir=var_dir, mail_dir=mail_dir, log=log
    )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text(errors="replace"):
            assert worker.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)

        # A batch in flight, then Redis dies (and its queue with it).
        services.documents_issue(cohort=a.cohort, kind="diploma", actor=coordinator)
        redis_server.stop()
        stopped = time.monotonic()
        ready_at_stop = Document.objects.filter(status=DocumentStatus.READY).count()

        # During the outage: sign in, pages, a second batch, an invitation.
        response = client.post(
            reverse("account_login"), {"login": coordinator.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        for url in (
            reverse("home"),
            reverse("documents:cohort", kwargs={"cohort_id": a.cohort.pk}),
            reverse("accounts:invitation_list"),
        ):
            assert client.get(url).status_code == 200, url
        response = client.post(
            reverse("documents:issue", kwargs={"cohort_id": later_cohort.pk}),
            {"kind": "diploma"},
        )
        assert response.status_code == 302
        assert "momentanément indisponible" in client.get(response["Location"]).content.decode()
        response = client.post(
            reverse("accounts:invitation_list"),
            {
                "organisation": a.municipality.pk,
                "role": "municipal_staff",
                "email": "agente@ville.example.fr",
                "language": "fr",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        assert OutboxMessage.objects.filter(
            sent_at__isnull=True, task="accounts.send_email"
        ).exists()
        assert OutboxMessage.objects.filter(
            sent_at__isnull=True, task="documents.render_documents"
        ).exists()
        time.sleep(max(0.0, OUTAGE - (time.monotonic() - stopped)))

        # Redis is back, empty.
        redis_server.start()
        returned = time.monotonic()
        total = IN_FLIGHT + DURING

        def done():
            ready = Document.objects.filter(status=DocumentStatus.READY).count()
            mails = [
                f
                for f in mail_dir.iterdir()
                if "agente@ville.example.fr" in f.read_text(errors="replace")
            ]
            return ready == total and bool(mails)

        while not done():
            assert worker.poll() is None, log.read_text()[-6000:]
            assert time.monotonic() - returned < RECOVERY_LIMIT, (
                f"{Document.objects.filter(status=DocumentStatus.READY).count()} of {total} "
                f"ready, mail: {list(mail_dir.iterdir())}\n" + log.read_text()[-6000:]
            )
            time.sleep(0.5)
        recovery = time.monotonic() - returned
    finally:
        _stop(worker)
        conf.broker_url, conf.task_always_eager = saved
        forget_broker_connections(current_app)
        outbox._state.update(down_until=0.0, failed=False)

    story = [
        line[:200]
        for line in log.read_text(errors="replace").splitlines()
        if any(
            word in line
            for word in (
                "Connection to broker lost",
                "Cannot connect",
                "Connected to",
                "connection back",
                "relayed",
                "re-queued",
            )
        )
    ]
    print("\n".join(["", *story]))
    assert any("connection back" in line for line in story)  # BrokerReturn did the recovery
    print(
        f"\nRedis down {OUTAGE} s: {ready_at_stop} of {IN_FLIGHT} in-flight diplomas ready at the "
        f"stop; all {total} diplomas ready and the invitation delivered {recovery:.1f} s after "
        "Redis's return"
    )
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert Document.objects.count() == total  # nothing issued twice
