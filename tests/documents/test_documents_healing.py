"""Issue #20: transient errors retry, permanent ones fail at once (point 2); the sweep's
age comes from the task time limit and the progress says what is relaunched (point 3); the
coordinator retries a batch's failures in one action, transient ones are retried
automatically a bounded number of times (point 4)."""

from __future__ import annotations

import errno
import os
import subprocess
from datetime import timedelta

from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import timezone

from curiouslab import pdf
from documents import services
from documents.models import (
    Document,
    DocumentArchive,
    DocumentKind,
    DocumentSettings,
    DocumentStatus,
)
from tests.documents.document_fixtures import build_documents_world


def _issue(w, capture):
    with capture(execute=True):
        return services.documents_issue(
            cohort=w.a.cohort, kind=DocumentKind.DIPLOMA, actor=w.a.people["coordinator"]
        )


def _disk_full(monkeypatch, times=10**6):
    real = FileSystemStorage.save
    left = {"n": times}

    def save(self, name, content, max_length=None):
        if left["n"] > 0:
            left["n"] -= 1
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, name, content, max_length=max_length)

    monkeypatch.setattr(FileSystemStorage, "save", save)


def test_permanent_error_fails_at_once_with_its_reason(
    docworld, django_capture_on_commit_callbacks
):
    from documents.models import DocumentTemplate

    DocumentTemplate.objects.create(
        programme=docworld.a.programme, kind="diploma", language="fr", html="{% if %}", css=""
    )
    created = _issue(docworld, django_capture_on_commit_callbacks)
    doc = Document.objects.get(pk=created[0].pk)
    assert doc.status == DocumentStatus.FAILED and doc.error and not doc.error_transient
    assert doc.attempts == 1
    assert services.documents_retry_transient(now=timezone.now() + timedelta(hours=1)) == 0


def test_disk_full_fails_transient_then_retried_automatically_a_bounded_number_of_times(
    docworld, django_capture_on_commit_callbacks, monkeypatch, settings, login
):
    settings.DOCUMENTS_AUTO_RETRIES = 2
    settings.DOCUMENTS_AUTO_RETRY_DELAY = 30
    _disk_full(monkeypatch)
    created = _issue(docworld, django_capture_on_commit_callbacks)
    doc = Document.objects.get(pk=created[0].pk)
    assert doc.status == DocumentStatus.FAILED and doc.error_transient
    assert "No space left" in doc.error
    # Still waiting (retries left): the progress says it is relaunched and keeps polling.
    client = login(docworld.a.people["coordinator"])
    body = client.get(reverse("documents:progress", args=[docworld.a.cohort.pk])).content.decode()
    assert "sont relancés" in body or "est relancé" in body
    assert 'hx-trigger="every 2s"' in body
    # Not before its delay; then retried, twice at most.
    assert services.documents_retry_transient() == 0
    later = timezone.now() + timedelta(seconds=31)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.documents_retry_transient(now=later) == len(created)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.FAILED and doc.retries == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.documents_retry_transient(now=later + timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.documents_retry_transient(now=later + timedelta(hours=1)) == 0
    doc.refresh_from_db()
    assert doc.retries == 2 and doc.status == DocumentStatus.FAILED
    body = client.get(reverse("documents:progress", args=[docworld.a.cohort.pk])).content.decode()
    assert "relancé" not in body.split("Documents en échec")[0]
    # The disk has room again: an automatic retry makes it ready.
    monkeypatch.undo()
    Document.objects.filter(pk=doc.pk).update(retries=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.documents_retry_transient(now=later + timedelta(hours=2))
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY and not doc.error_transient


def test_archive_retries_when_storage_is_full_then_builds(
    docworld, django_capture_on_commit_callbacks, monkeypatch
):
    from documents.tasks import build_document_archive

    _issue(docworld, django_capture_on_commit_callbacks)
    archive = DocumentArchive.objects.create(cohort=docworld.a.cohort)
    real_open = FileSystemStorage.open
    fails = {"n": 2}

    def open_(self, name, mode="rb"):
        if "w" in mode and fails["n"] > 0:
            fails["n"] -= 1
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(self, name, mode)

    monkeypatch.setattr(FileSystemStorage, "open", open_)
    from celery.exceptions import Retry

    states = []
    for attempt in range(4):  # what the worker does with each retry: same id, one more try
        try:
            build_document_archive.apply(
                kwargs={"archive_id": archive.pk}, task_id="archive-task", retries=attempt
            )
        except Retry:
            states.append("RETRY")
        else:
            states.append("SUCCESS")
            break
    assert states == ["RETRY", "RETRY", "SUCCESS"]
    archive.refresh_from_db()
    assert archive.status == DocumentStatus.READY and archive.document_count >= 1


def test_stale_age_and_sweep_period_come_from_the_task_time_limit(settings):
    assert settings.CELERY_TASK_TIME_LIMIT <= 120
    assert services.stale_after() == timedelta(seconds=settings.DOCUMENTS_STALE_SECONDS)
    assert settings.DOCUMENTS_STALE_SECONDS == settings.CELERY_TASK_TIME_LIMIT + 15
    period = settings.CELERY_BEAT_SCHEDULE["documents-requeue-stuck-documents"]["schedule"]
    assert period <= timedelta(seconds=30)


def test_redelivered_task_takes_back_its_claims_others_do_not(docworld):
    created = services.documents_issue(
        cohort=docworld.a.cohort, kind=DocumentKind.DIPLOMA, actor=None, dispatch=False
    )
    ids = [d.pk for d in created]
    first = services.Claimant(worker="celery@dead", task="task-1")
    now = timezone.now()
    assert all(services._claim(pk, now, first) for pk in ids)  # then the worker dies
    other = services.Claimant(worker="celery@other", task="task-2")
    assert services.documents_render(document_ids=ids, by=other) == 0
    assert services.documents_render(document_ids=ids, by=first) == len(ids)


def test_sweep_hands_over_claims_of_a_worker_gone(docworld, django_capture_on_commit_callbacks):
    created = services.documents_issue(
        cohort=docworld.a.cohort, kind=DocumentKind.DIPLOMA, actor=None, dispatch=False
    )
    ids = [d.pk for d in created]
    old = timezone.now() - timedelta(seconds=20)
    for pk in ids:
        services._claim(pk, old, services.Claimant(worker="celery@dead", task="t"))
    assert services.documents_requeue_stuck(live_workers=lambda: None) == 0  # cannot tell
    assert services.documents_requeue_stuck(live_workers=lambda: {"celery@dead"}) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.documents_requeue_stuck(live_workers=lambda: {"celery@alive"}) == len(ids)
    assert set(Document.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        DocumentStatus.READY
    }


def test_bulk_retry_renders_every_failed_document_in_one_action(
    docworld, django_capture_on_commit_callbacks, monkeypatch, login, settings
):
    settings.DOCUMENTS_AUTO_RETRIES = 0

    def broken(**kwargs):
        raise pdf.TemplateError("bad template")

    monkeypatch.setattr(pdf, "render_pdfs", broken)
    monkeypatch.setattr(pdf, "render_pdf", broken)
    created = _issue(docworld, django_capture_on_commit_callbacks)
    assert Document.objects.filter(status=DocumentStatus.FAILED).count() == len(created)
    client = login(docworld.a.people["coordinator"])
    body = client.get(reverse("documents:cohort", args=[docworld.a.cohort.pk])).content.decode()
    assert f"Relancer les {len(created)} documents en échec ?" in body or len(created) == 1
    monkeypatch.undo()
    other = login(docworld.b.people["coordinator"])
    url = reverse("documents:retry_failed", args=[docworld.a.cohort.pk])
    assert other.post(url).status_code == 404
    client = login(docworld.a.people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.status_code == 200
    assert Document.objects.filter(pk__in=[d.pk for d in created], status="ready").count() == len(
        created
    )
    assert "relancé" in response.content.decode()


def test_email_task_retries_when_the_database_is_lost_then_sends_once(
    docworld, django_capture_on_commit_callbacks, monkeypatch, mailoutbox
):
    from celery.exceptions import Retry
    from django.db import OperationalError

    from documents.tasks import email_documents

    created = _issue(docworld, django_capture_on_commit_callbacks)
    real = services.documents_email_send
    fails = {"n": 1}

    def lost_once(**kwargs):
        if fails["n"]:
            fails["n"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(services, "documents_email_send", lost_once)
    states = []
    for attempt in range(3):
        try:
            with django_capture_on_commit_callbacks(execute=True):
                email_documents.apply(
                    kwargs={"cohort_id": docworld.a.cohort.pk}, task_id="mail", retries=attempt
                )
        except Retry:
            states.append("RETRY")
        else:
            states.append("SUCCESS")
            break
    assert states == ["RETRY", "SUCCESS"]
    recipients = {d.recipient.email for d in created if d.recipient}
    assert recipients and {m.to[0] for m in mailoutbox} == recipients
    assert len(mailoutbox) == len(recipients)


# --- A worker's main process killed: the documents of its batch are taken over at once -------
def _dead_pid() -> int:
    """The id of a process of this machine that has ended (and been reaped)."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _batch_of_three(world):
    build_documents_world(world, extra_students=2)  # the student persona and two more
    docs = services.documents_issue(
        cohort=world.a.cohort, kind=DocumentKind.DIPLOMA, actor=None, dispatch=False
    )
    assert len(docs) == 3
    return [d.pk for d in docs]


def _live(prefix="celery@here"):
    return services.Claimant(
        worker=prefix, task="live-task", process=str(services.ProcessKey.current())
    )


def _dead_claim(pk, *, main_pid: int | None = None, where: str | None = None):
    pid = _dead_pid()
    key = services.ProcessKey(where or services.machine(), pid, main_pid or pid)
    by = services.Claimant(worker="celery@dead", task="dead-task", process=str(key))
    assert services._claim(pk, timezone.now(), by)


def test_render_task_takes_over_the_batch_of_a_dead_main_process_at_once(
    world, media, django_capture_on_commit_callbacks
):
    """A worker's main process and its pool killed: one document was being rendered (its
    claim is seconds old, far from the stale age) and one was pending, its message held by
    the dead process. The next render task of the batch, on another worker of the machine,
    queues both again as it starts, and they are rendered: the whole batch is ready."""
    rendering, held, mine = _batch_of_three(world)
    _dead_claim(rendering)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.documents_render(document_ids=[mine], by=_live()) == 1
    docs = Document.objects.filter(pk__in=[rendering, held, mine])
    assert set(docs.values_list("status", flat=True)) == {DocumentStatus.READY}
    assert Document.objects.get(pk=rendering).attempts == 2
    settings_row = DocumentSettings.objects.get(cohort=world.a.cohort)
    assert settings_row.requeued_count == 2 and settings_row.requeued_at is not None


def test_a_dead_pool_child_of_a_live_worker_releases_only_its_own_claims(
    world, media, django_capture_on_commit_callbacks
):
    """A pool child killed, its main process alive: its claims are queued again (its message
    comes back too, harmless), but the pending documents are left to the live worker."""
    rendering, pending, mine = _batch_of_three(world)
    main = subprocess.Popen(["sleep", "30"])
    try:
        _dead_claim(rendering, main_pid=main.pid)
        assert services.documents_take_over() == 1
    finally:
        main.kill()
        main.wait()
    assert Document.objects.get(pk=rendering).status == DocumentStatus.PENDING
    assert Document.objects.get(pk=pending).status == DocumentStatus.PENDING
    assert services.documents_take_over() == 0  # handled once


def test_claims_of_live_processes_or_other_machines_are_left_alone(world, media):
    rendering, other_machine, _mine = _batch_of_three(world)
    alive = subprocess.Popen(["sleep", "30"])
    try:
        key = services.ProcessKey(services.machine(), alive.pid, alive.pid)
        by = services.Claimant(worker="celery@alive", task="t", process=str(key))
        assert services._claim(rendering, timezone.now(), by)
        _dead_claim(other_machine, where="other-host:pid:[1]")
        assert services.documents_take_over() == 0
        assert services.documents_render(document_ids=[rendering], by=_live()) == 0
    finally:
        alive.kill()
        alive.wait()
    statuses = Document.objects.filter(pk__in=[rendering, other_machine])
    assert set(statuses.values_list("status", flat=True)) == {DocumentStatus.RENDERING}


def test_sweep_queues_the_pending_documents_of_a_gone_workers_batch(
    world, media, django_capture_on_commit_callbacks
):
    """On another machine (no pid to look at) the sweep's ping tells: a worker that does not
    answer has its claims queued again, and the pending documents of its batch with them."""
    rendering, held, _mine = _batch_of_three(world)
    old = timezone.now() - timedelta(seconds=20)
    services._claim(rendering, old, services.Claimant(worker="celery@gone", task="t"))
    Document.objects.filter(pk=_mine).update(status=DocumentStatus.READY)  # done meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        assert services.documents_requeue_stuck(live_workers=lambda: {"celery@alive"}) == 2
    assert Document.objects.get(pk=held).status == DocumentStatus.READY
    assert Document.objects.get(pk=rendering).status == DocumentStatus.READY


def test_process_key_reads_back_and_pid_alive():
    key = services.ProcessKey.current(main_pid=1)
    assert services.ProcessKey.parse(str(key)) == key
    assert services.ProcessKey.parse("garbage") is None
    assert services.pid_alive(os.getpid())
    assert not services.pid_alive(_dead_pid())
