"""Writes of the documents: issuing, rendering, revoking, e-mailing and archives; who gets
what is ``documents.eligibility``, the reads ``documents.selectors``. The PDF itself is made by the pure renderer ``curiouslab.pdf``; this module gathers
its inputs, stores its output and keeps each document's state.

States of a document: pending → rendering → ready / failed (failed → pending on retry).
Workers claim a document with a conditional UPDATE, so a task delivered twice or a worker
killed mid-way never gives a missing or a second document."""

from __future__ import annotations

import base64
import contextlib
import errno
import functools
import hashlib
import logging
import os
import shutil
import socket
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, InterfaceError, transaction
from django.db import OperationalError as DatabaseOperationalError
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.models import Cohort, Programme
from curiouslab import pdf, qr
from curiouslab.accounts.models import User
from curiouslab.accounts.rules import require
from curiouslab.audit import audit_log
from curiouslab.errors import DomainError
from curiouslab.mail import send_templated_mail
from curiouslab.outbox import outbox_enqueue, outbox_enqueue_many
from curiouslab.site import absolute_url
from curiouslab.storedfiles import discard, files_atomic, store, store_in_field
from documents.eligibility import candidates
from documents.models import (
    Document,
    DocumentArchive,
    DocumentBranding,
    DocumentKind,
    DocumentSettings,
    DocumentStatus,
    DocumentTemplate,
)
from documents.selectors import branding_for, template_for

log = logging.getLogger(__name__)


def stale_after() -> timedelta:
    """How long a document may stay pending or rendering before it counts as stuck: by
    default the task time limit and 15 s (a task that ran longer was killed)."""
    return timedelta(seconds=getattr(settings, "DOCUMENTS_STALE_SECONDS", 105))


def archive_stale_after() -> timedelta:
    """An archive's claim counts as dead after the long tasks' time limit and 15 s."""
    return timedelta(seconds=getattr(settings, "DOCUMENTS_LONG_TASK_TIME_LIMIT", 900) + 15)


class TransientError(Exception):
    """A failure that can pass (storage full or unreachable, database connection lost): the
    task retries with backoff instead of recording it as final."""


_TRANSIENT_ERRNOS = {
    errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT,
    errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EHOSTUNREACH,
    errno.ENETUNREACH, errno.EPIPE, errno.ESTALE,
}  # fmt: skip


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` can pass by itself: a database that went away or timed out on a lock
    (``OperationalError``, ``InterfaceError``), a full or unreachable storage (``OSError``
    with such an errno, a connection error, an S3 end point that failed). A template that
    cannot render, a missing file or a bug are permanent."""
    if isinstance(exc, TransientError | DatabaseOperationalError | InterfaceError):
        return True
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    if isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS:
        return True
    module = type(exc).__module__
    if module.startswith(("botocore", "urllib3")):
        name = type(exc).__name__
        if name in {"EndpointConnectionError", "ConnectionClosedError", "ReadTimeoutError",
                    "ConnectTimeoutError", "ProtocolError", "NewConnectionError"}:  # fmt: skip
            return True
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        return code in {"SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout"}
    return exc.__cause__ is not None and is_transient(exc.__cause__)


def chunk_size() -> int:
    return int(getattr(settings, "DOCUMENTS_CHUNK_SIZE", 10))


# --- Template variables ----------------------------------------------------------------------
# name → what it holds; every one is always present (empty when it does not apply).
VARIABLES: list[tuple[str, Any]] = [
    ("recipient_name", gettext_lazy("Full name of the person (diplomas, attestations)")),
    ("school", gettext_lazy("The student's school")),
    ("team", gettext_lazy("Team name (several, comma-separated, for a coach)")),
    ("challenge", gettext_lazy("Title of the team's challenge")),
    ("commune", gettext_lazy("The municipality that set the challenge")),
    ("award_category", gettext_lazy("Trophy category")),
    ("award_rank", gettext_lazy("Rank in the category")),
    ("hours", gettext_lazy("Hours of training attended (training attestation)")),
    ("modules", gettext_lazy("Training modules attended, comma-separated")),
    ("cohort", gettext_lazy("Cohort name")),
    ("programme", gettext_lazy("Programme name")),
    ("school_year", gettext_lazy("School year, e.g. 2025-2026")),
    ("date", gettext_lazy("Date of the closing session, written out")),
    ("signatory_name", gettext_lazy("Who signs")),
    ("signatory_title", gettext_lazy("The signatory's title")),
    ("verification_code", gettext_lazy("The document's verification code")),
    ("verify_url", gettext_lazy("Address of the public verification page")),
    ("qr_code", gettext_lazy("QR code of that address (a PNG image)")),
    ("logo_url", gettext_lazy("The programme's logo, for an img src")),
    ("primary_color", gettext_lazy("The programme's main colour (also in the CSS)")),
    ("accent_color", gettext_lazy("The programme's accent colour (also in the CSS)")),
    ("language", gettext_lazy("Language of the document: fr or en")),
]
DATA_FIELDS = [
    "recipient_name",
    "school",
    "team",
    "challenge",
    "commune",
    "award_category",
    "award_rank",
    "hours",
    "modules",
    "cohort",
    "programme",
    "school_year",
    "date",
    "signatory_name",
    "signatory_title",
]
# What the public verification page shows, in this order (only what the document prints).
PRINTED_LABELS = [
    ("recipient_name", gettext_lazy("Awarded to")),
    ("team", gettext_lazy("Team")),
    ("award_category", gettext_lazy("Trophy category")),
    ("school", gettext_lazy("School")),
    ("hours", gettext_lazy("Hours of training")),
    ("modules", gettext_lazy("Modules")),
    ("challenge", gettext_lazy("Challenge")),
    ("commune", gettext_lazy("Municipality")),
    ("cohort", gettext_lazy("Cohort")),
    ("programme", gettext_lazy("Programme")),
    ("date", gettext_lazy("Date")),
    ("signatory_name", gettext_lazy("Signed by")),
]


def printed_lines(document: Document) -> list[tuple[Any, str]]:
    """(label, value) of what the document prints, for its verification page. A holder whose
    data was erased or whose retention ended is shown as such (privacy.services)."""
    data = dict(document.data)
    if data.get("recipient_anonymised"):
        data["recipient_name"] = _("Anonymised holder")
    return [(label, data[key]) for key, label in PRINTED_LABELS if data.get(key)]


_logo_cache: dict[str, str] = {}


def logo_url(branding: DocumentBranding) -> str:
    """The programme's logo as a data: URL (read from storage once per process), or the
    default logo shipped in static/."""
    name = branding.logo.name if branding.logo else ""
    if not name:
        return "logo.svg"
    if name not in _logo_cache:
        with default_storage.open(name, "rb") as fh:
            content = fh.read()
        mime = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
        _logo_cache[name] = f"data:{mime};base64,{base64.b64encode(content).decode()}"
    return _logo_cache[name]


def verify_url(code: str) -> str:
    return absolute_url(reverse("documents:verify", kwargs={"code": code}))


def render_context(document: Document, branding: DocumentBranding) -> dict[str, Any]:
    url = verify_url(document.verification_code)
    ctx: dict[str, Any] = {name: "" for name, _label in VARIABLES}
    ctx.update({k: str(v) for k, v in document.data.items() if k in DATA_FIELDS})
    ctx.update(
        verification_code=document.verification_code,
        verify_url=url,
        qr_code=qr.qr_image(url),
        logo_url=logo_url(branding),
        primary_color=branding.primary_color,
        accent_color=branding.accent_color,
        language=document.language,
    )
    return ctx


def render_document(
    document: Document, *, template: tuple[str, str] | None = None, branding=None
) -> tuple[str, str, bytes]:
    """Gather the inputs of one document and call the pure renderer."""
    programme = document.cohort.programme
    if branding is None:
        branding = branding_for(programme)
    html, css = template or template_for(
        programme_id=programme.id, kind=document.kind, language=document.language
    )
    return pdf.render_pdf(
        html_template=html,
        css_template=css,
        context=render_context(document, branding),
        filename=document.filename,
        title=_title(document),
    )


# --- Issuing ---------------------------------------------------------------------------------
def queue_rendering(document_ids: list[int]) -> None:
    """Write chunked render tasks to the outbox, published once the transaction commits
    (``curiouslab.outbox``: while the broker is down they wait there, then go)."""
    ids = list(document_ids)
    size = chunk_size()
    outbox_enqueue_many(
        task="documents.render_documents",
        kwargs_list=[{"document_ids": ids[i : i + size]} for i in range(0, len(ids), size)],
        queue=getattr(settings, "DOCUMENTS_QUEUE", None),
    )


def documents_issue(
    *, cohort: Cohort, kind: str, actor: User | None, dispatch: bool = True
) -> list[Document]:
    """Create one pending document for each eligible recipient without a live one, and
    queue their rendering after commit (``dispatch=False``: the caller renders them, as the
    demo seed does). Issuing again creates only what is missing."""
    if actor is not None:  # None: the platform itself (a task, the demo)
        require(actor, "documents.manage_documents", cohort)
    if kind not in DocumentKind.values:
        raise DomainError(_("Unknown kind of document."))
    with transaction.atomic():
        # One issue at a time per cohort: the settings row is its lock.
        DocumentSettings.objects.get_or_create(cohort=cohort)
        DocumentSettings.objects.select_for_update().get(cohort=cohort)
        now = timezone.now()
        new = [
            Document(
                kind=kind,
                cohort=cohort,
                recipient=c.recipient,
                award=c.award,
                organisation=c.organisation,
                language=c.language,
                data=c.data,
                issued_by=actor,
                queued_at=now,
            )
            for c in candidates(cohort=cohort, kind=kind)
            if c.eligible and c.document is None
        ]
        if not new:
            raise DomainError(_("Nothing to issue: everyone eligible already has this document."))
        created = Document.objects.bulk_create(new)
        audit_log(
            actor=actor,
            action="documents.issue",
            obj=cohort,
            organisation=cohort.programme.organisation_id,
            after={"kind": kind, "count": len(created)},
        )
        if dispatch:
            queue_rendering([d.pk for d in created])
    return created


@dataclass(frozen=True)
class Claimant:
    """Who renders: the worker's node name (``celery@host``), the task's id and the process
    (``ProcessKey``, empty outside a worker). A task delivered again after its worker died has
    the same id, so it takes back the documents its first delivery claimed."""

    worker: str = ""
    task: str = ""
    process: str = ""


@functools.cache
def machine() -> str:
    """This machine as far as process ids go: its host name, its kernel's boot id and its PID
    namespace (two machines or two containers never compare each other's pids, even under
    one host name)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink("/proc/self/ns/pid")  # pid:[4026531836]
    except OSError:  # not Linux: the host name alone
        boot, namespace = "-", "-"
    return f"{socket.gethostname()}:{boot}:{namespace}"


@dataclass(frozen=True)
class ProcessKey:
    """Where a claim is rendered: the machine, the rendering process (a pool child) and its
    worker's main process, which holds the messages the worker took from the broker."""

    machine: str
    pid: int
    main_pid: int

    def __str__(self) -> str:
        return f"{self.machine}/{self.pid}/{self.main_pid}"

    @classmethod
    def parse(cls, text: str) -> ProcessKey | None:
        try:
            where, pid, main_pid = text.rsplit("/", 2)
            return cls(where, int(pid), int(main_pid))
        except ValueError:
            return None

    @classmethod
    def current(cls, main_pid: int | None = None) -> ProcessKey:
        return cls(machine(), os.getpid(), main_pid or os.getpid())


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine runs (a zombie, dead but not yet reaped by
    its parent, does not)."""
    if pid <= 0:
        return True  # not a process id: cannot tell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    if not Path("/proc/self").exists():
        return True
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        return True


# Where a document or an archive may go from each status. Every change is a conditional UPDATE
# (workers race for the same rows), made by ``documents_set_status`` alone.
TRANSITIONS = {
    DocumentStatus.PENDING: {
        DocumentStatus.RENDERING,
        DocumentStatus.PENDING,
    },  # claimed; queued again
    DocumentStatus.RENDERING: {
        DocumentStatus.READY,
        DocumentStatus.FAILED,
        DocumentStatus.PENDING,  # released (its worker died, or a transient error to retry)
        DocumentStatus.RENDERING,  # taken over from a stale claim
    },
    DocumentStatus.FAILED: {DocumentStatus.PENDING},  # retried
    DocumentStatus.READY: set(),
}


def documents_set_status(rows: QuerySet, status: str, **fields) -> int:
    """The one writer of ``Document.status`` and ``DocumentArchive.status``: set ``status``
    (and ``fields``) on those of ``rows`` whose status may go there (``TRANSITIONS``), in one
    conditional UPDATE. Returns how many changed: 0 when another worker got there first."""
    sources = [source for source, targets in TRANSITIONS.items() if status in targets]
    return rows.filter(status__in=sources).update(status=status, **fields)


def _claim(document_id: int, now, by: Claimant = Claimant()) -> bool:
    """Claim a document for rendering with one conditional UPDATE: a pending one, one whose
    claim is older than ``stale_after()`` (the task time limit: its task was killed), or one
    claimed by this very task id (a redelivery: the first delivery's worker died)."""
    takeover = Q(status=DocumentStatus.RENDERING, claimed_at__lt=now - stale_after())
    if by.task:
        takeover |= Q(status=DocumentStatus.RENDERING, claim_task=by.task)
    return bool(
        documents_set_status(
            Document.objects.filter(pk=document_id, revoked_at__isnull=True).filter(
                Q(status=DocumentStatus.PENDING) | takeover
            ),
            DocumentStatus.RENDERING,
            claimed_at=now,
            claimed_by=by.worker[:200],
            claim_task=by.task[:64],
            claim_process=by.process[:200],
            attempts=F("attempts") + 1,
        )
    )


def storage_path(document: Document) -> str:
    return f"documents/{document.cohort_id}/{document.kind}/{document.verification_code}.pdf"


def _store(path: str, content: bytes) -> None:
    """Write ``content`` at exactly ``path`` (replacing a partial file left by a killed
    worker), never at an alternative name; a write that fails (a full disk) leaves no
    empty or truncated file behind."""
    if default_storage.exists(path):
        default_storage.delete(path)
    name = store(path, ContentFile(content))
    if name != path:  # someone wrote it meanwhile: keep one file only
        default_storage.delete(name)


def document_render(*, document_id: int, cache: dict | None = None) -> bool:
    """Claim, render and store one document. True when this call made it ready; False when
    it was not claimable (done, revoked, or being rendered by someone else) or failed."""
    return documents_render(document_ids=[document_id], cache=cache) == 1


def documents_render(
    *, document_ids: list[int], cache: dict | None = None, by: Claimant = Claimant()
) -> int:
    """Claim, render and store a chunk of documents; returns how many this call made ready.

    The documents of one programme, kind and language are laid out in one WeasyPrint pass
    (``pdf.render_pdfs``), which costs less than one at a time. Should that pass fail, each
    of its documents is rendered alone, so that one bad document fails alone, with its error.

    A database error (connection lost, lock time-out) propagates: the task retries with
    backoff and, having the same id, takes its claims back. A storage error that can pass
    (disk full) fails the document with its reason, marked transient: the sweep renders it
    again after a delay, a bounded number of times (``documents_retry_transient``)."""
    if by.process:  # a worker of this machine may have died with documents of this batch
        documents_take_over(scope=_batch_of(document_ids), mine=document_ids)
    now = timezone.now()
    claimed = [pk for pk in document_ids if _claim(pk, now, by)]
    if not claimed:
        return 0
    try:
        return _render_claimed(claimed, now, cache)
    finally:
        if by.process:  # one that died while this chunk was rendered
            with contextlib.suppress(DatabaseOperationalError, InterfaceError):
                documents_take_over(scope=_batch_of(document_ids))


def _render_claimed(claimed: list[int], now, cache: dict | None) -> int:
    cache = {} if cache is None else cache
    documents = Document.objects.select_related("cohort__programme").filter(pk__in=claimed)
    groups: dict[tuple, list[Document]] = {}
    for document in documents.order_by("pk"):
        programme = document.cohort.programme
        groups.setdefault((programme.id, document.kind, document.language), []).append(document)
    ready = 0
    for group in groups.values():
        try:
            (html, css), branding = _template_and_branding(group[0], cache)
            contents = pdf.render_pdfs(
                html_template=html,
                css_template=css,
                documents=[
                    pdf.PdfInput(render_context(d, branding), d.filename, _title(d)) for d in group
                ],
            )
        except (DatabaseOperationalError, InterfaceError):
            raise  # the database went away: the task retries
        except Exception:  # one bad document must not fail the others: render them alone
            if len(group) == 1:
                contents = [None]
            else:
                log.warning(
                    "batch of %s documents failed; rendering them one by one",
                    len(group),
                    exc_info=True,
                )
                contents = [None] * len(group)
        for document, content in zip(group, contents, strict=True):
            ready += _finish(document, content, now, cache)
    return ready


def _template_and_branding(document: Document, cache: dict):
    """The HTML and CSS of ``document``'s template and its programme's branding, read once
    per chunk (``cache``)."""
    programme = document.cohort.programme
    tkey = ("template", programme.id, document.kind, document.language)
    if tkey not in cache:
        cache[tkey] = template_for(
            programme_id=programme.id, kind=document.kind, language=document.language
        )
    bkey = ("branding", programme.id)
    if bkey not in cache:
        cache[bkey] = branding_for(programme)
    return cache[tkey], cache[bkey]


def _title(document: Document) -> str:
    return f"{document.get_kind_display()} · {document.data.get('recipient_name', '')}"


def _finish(document: Document, content: bytes | None, now, cache: dict) -> bool:
    """Store a rendered document and mark it ready (rendering it alone first when
    ``content`` is None); on failure record the error on the row."""
    try:
        if content is None:
            template, branding = _template_and_branding(document, cache)
            _name, _type, content = render_document(document, template=template, branding=branding)
        path = storage_path(document)
        _store(path, content)
    except (DatabaseOperationalError, InterfaceError):
        raise  # the database went away: the task retries (and takes its claim back)
    except Exception as exc:  # any other failure is recorded on the row and shown
        log.exception("document %s failed", document.pk)
        failed = documents_set_status(
            Document.objects.filter(
                pk=document.pk, status=DocumentStatus.RENDERING, claimed_at=now
            ),
            DocumentStatus.FAILED,
            error=f"{exc.__class__.__name__}: {exc}"[:2000],
            error_transient=is_transient(exc),
        )
        if failed:  # still ours and not ready: no row points to its path
            discard(storage_path(document))
        return False
    return bool(
        documents_set_status(
            Document.objects.filter(
                pk=document.pk, status=DocumentStatus.RENDERING, claimed_at=now
            ),
            DocumentStatus.READY,
            file=path,
            sha256=hashlib.sha256(content).hexdigest(),
            rendered_at=timezone.now(),
            error="",
            error_transient=False,
        )
    )


def document_retry(*, document: Document, actor: User) -> Document:
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status != DocumentStatus.FAILED:
            raise DomainError(_("Only a failed document can be retried."))
        if document.revoked_at is not None:
            raise DomainError(_("This document has been revoked."))
        require(actor, "documents.retry_document", document)
        documents_set_status(
            Document.objects.filter(pk=document.pk),
            DocumentStatus.PENDING,
            error="",
            error_transient=False,
            retries=0,
            queued_at=timezone.now(),
        )
        document.refresh_from_db()
        audit_log(
            actor=actor,
            action="document.retry",
            obj=document,
            organisation=document.cohort.programme.organisation_id,
        )
        queue_rendering([document.pk])
    return document


def document_revoke(*, document: Document, actor: User, reason: str) -> Document:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the document is revoked."))
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.revoked_at is not None:
            return document
        require(actor, "documents.revoke_document", document)
        document.revoked_at = timezone.now()
        document.revoke_reason = reason
        document.save(update_fields=["revoked_at", "revoke_reason"])
        audit_log(
            actor=actor,
            action="document.revoke",
            obj=document,
            organisation=document.cohort.programme.organisation_id,
            reason=reason,
        )
    return document


def documents_retry_failed(*, cohort: Cohort, actor: User) -> int:
    """Render again every live failed document of ``cohort`` in one action (one audit entry
    with the count). Returns how many; 0 when none had failed."""
    with transaction.atomic():
        require(actor, "documents.manage_documents", cohort)
        ids = list(
            Document.objects.select_for_update()
            .filter(cohort=cohort, status=DocumentStatus.FAILED, revoked_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        documents_set_status(
            Document.objects.filter(pk__in=ids),
            DocumentStatus.PENDING,
            error="",
            error_transient=False,
            retries=0,
            queued_at=timezone.now(),
        )
        audit_log(
            actor=actor,
            action="documents.retry_failed",
            obj=cohort,
            organisation=cohort.programme.organisation_id,
            after={"count": len(ids)},
        )
        queue_rendering(ids)
    return len(ids)


# A claim younger than this is never handed over for a missing worker (a ping can be slow).
CLAIM_GRACE = timedelta(seconds=10)


def documents_requeue_stuck(*, live_workers=None) -> int:
    """The safety net (beat, every quarter of the task time limit): re-queue documents
    pending or rendering for longer than ``stale_after()`` (the task time limit and 15 s:
    their worker or their message was lost), documents being rendered by a process of this
    machine that died (``documents_take_over``), and documents being rendered by a worker
    that is gone, with the pending documents of their batches (the messages it held):
    ``live_workers`` is a callable giving the node names that answered a ping (or None when
    no answer came: then only the age counts). Then documents failed on an error
    that can pass are rendered again (``documents_retry_transient``). Records the re-queue
    on each cohort; returns how many documents were queued again."""
    now = timezone.now()
    cutoff = now - stale_after()
    condition = (
        Q(status=DocumentStatus.PENDING, queued_at__lt=cutoff)
        | Q(status=DocumentStatus.PENDING, queued_at__isnull=True)
        | Q(status=DocumentStatus.RENDERING, claimed_at__lt=cutoff)
    )
    orphan_claims = Q(status=DocumentStatus.RENDERING, claimed_at__lt=now - CLAIM_GRACE) & ~Q(
        claimed_by=""
    )
    if live_workers is not None:
        claimants = set(
            Document.objects.filter(orphan_claims, revoked_at__isnull=True)
            .values_list("claimed_by", flat=True)
            .distinct()
        )
        alive = live_workers() if claimants else None
        if alive:  # nobody answered: cannot tell who is gone
            gone = claimants - set(alive)
            if gone:
                log.warning("documents claimed by workers that are gone: %s", sorted(gone))
                condition |= orphan_claims & Q(claimed_by__in=gone)
                # The messages such a worker held come back only after an hour.
                batches = Document.objects.filter(orphan_claims, claimed_by__in=gone)
                condition |= Q(
                    status=DocumentStatus.PENDING, cohort_id__in=batches.values("cohort_id")
                )
    taken_over = documents_take_over()
    return taken_over + _requeue(condition) + documents_retry_transient(now=now)


def _batch_of(document_ids: list[int]) -> Q:
    """The documents of the cohorts of ``document_ids``: the batches a render task is part of."""
    return Q(cohort_id__in=Document.objects.filter(pk__in=document_ids).values("cohort_id"))


def documents_take_over(*, scope: Q | None = None, mine: list[int] = ()) -> int:
    """Re-queue at once, among the documents of ``scope`` (all by default), those being
    rendered by a process of this machine that is dead (``pid_alive``: a pool child killed,
    or a worker's main process and its pool), without waiting for their claim to age. When a
    worker's main process is dead, the messages it had taken from the broker and not
    acknowledged come back only after the visibility time-out (an hour): the pending
    documents of the batches it was rendering are queued again too (rendering twice is
    harmless; ``mine``, the documents of the calling task, are left to it). Each dead process
    is handled once: its key is then cleared from the rows. Called by each render task as it
    starts and ends (``documents_render``) and by the sweep; processes of another machine
    are left to the sweep's ping. Returns how many were queued again."""
    here = machine()
    me = os.getpid()
    recent = timezone.now() - stale_after()
    claims = Document.objects.filter(revoked_at__isnull=True).exclude(claim_process="")
    if scope is not None:
        claims = claims.filter(scope)
    done = [DocumentStatus.READY, DocumentStatus.FAILED]  # by (status, claimed_at)'s index
    keys = set(
        claims.filter(
            Q(status=DocumentStatus.RENDERING) | Q(status__in=done, claimed_at__gte=recent)
        )
        .values_list("claim_process", flat=True)
        .distinct()
    )
    dead, main_dead = [], []
    for text in keys:
        key = ProcessKey.parse(text)
        if key is None or key.machine != here or me in (key.pid, key.main_pid):
            continue
        if not pid_alive(key.pid):
            dead.append(text)
            if key.main_pid == key.pid or not pid_alive(key.main_pid):
                main_dead.append(text)
    if not dead:
        return 0
    log.warning("documents claimed by processes that died: %s", sorted(dead))
    condition = Q(status=DocumentStatus.RENDERING, claim_process__in=dead)
    if main_dead:
        batches = Document.objects.filter(claim_process__in=main_dead).values("cohort_id")
        condition |= Q(status=DocumentStatus.PENDING, cohort_id__in=batches) & ~Q(pk__in=mine)
    count = _requeue(condition)
    Document.objects.filter(claim_process__in=dead).update(claim_process="")
    return count


def documents_retry_transient(*, now=None) -> int:
    """Render again the documents that failed on an error that can pass (storage full or
    unreachable), each at most ``DOCUMENTS_AUTO_RETRIES`` times, the n-th time
    ``DOCUMENTS_AUTO_RETRY_DELAY`` × 2ⁿ seconds after it failed. Returns how many."""
    now = now or timezone.now()
    limit = int(getattr(settings, "DOCUMENTS_AUTO_RETRIES", 3))
    delay = int(getattr(settings, "DOCUMENTS_AUTO_RETRY_DELAY", 30))
    with transaction.atomic():
        rows = list(
            Document.objects.select_for_update(skip_locked=True)
            .filter(
                status=DocumentStatus.FAILED,
                error_transient=True,
                revoked_at__isnull=True,
                retries__lt=limit,
            )
            .values_list("pk", "retries", "claimed_at")[:RETRY_BATCH]
        )
        due = [
            pk
            for pk, retries, failed_at in rows
            if failed_at is None or failed_at <= now - timedelta(seconds=delay * 2**retries)
        ]
        if not due:
            return 0
        documents_set_status(
            Document.objects.filter(pk__in=due),
            DocumentStatus.PENDING,
            retries=F("retries") + 1,
            queued_at=now,
        )
        queue_rendering(due)
    log.warning("retrying %s documents that failed on a transient error", len(due))
    return len(due)


RETRY_BATCH = 2000


def documents_requeue_lost(*, queued_before) -> int:
    """Re-queue every document still pending that was queued before ``queued_before``: a
    worker whose connection to the broker came back calls it with the time of its return
    (``curiouslab.celery.BrokerReturn``), since the messages of those documents may have been
    lost with the broker (a Redis restarted without its data) or be held, unacknowledged, by a
    connection that died (Redis gives them back only after the visibility timeout, an hour).
    A document whose message did survive is then queued twice; the second render finds it
    claimed or ready and does nothing. Documents being rendered are left to their worker (and
    to ``documents_requeue_stuck``). Returns how many."""
    return _requeue(Q(status=DocumentStatus.PENDING, queued_at__lt=queued_before))


def documents_release_claims(*, worker: str) -> int:
    """Queue again the documents being rendered under ``worker``'s node name: called by a
    worker as it starts (``documents.tasks.release_claims_of_previous_run``), when it holds
    no claim yet, so those are a dead previous run's. Returns how many."""
    if not worker:
        return 0
    return _requeue(Q(status=DocumentStatus.RENDERING, claimed_by=worker))


def _requeue(condition: Q) -> int:
    now = timezone.now()
    with transaction.atomic():
        stuck = list(
            Document.objects.select_for_update(skip_locked=True)
            .filter(revoked_at__isnull=True)
            .filter(condition)
            .values_list("pk", "cohort_id")
        )
        if not stuck:
            return 0
        ids = [pk for pk, _c in stuck]
        # Released (pending again): the re-queued task claims them whatever their claim's age.
        documents_set_status(
            Document.objects.filter(pk__in=ids),
            DocumentStatus.PENDING,
            queued_at=now,
            claim_task="",
            claim_process="",
        )
        per_cohort: dict[int, int] = {}
        for _pk, cohort_id in stuck:
            per_cohort[cohort_id] = per_cohort.get(cohort_id, 0) + 1
        for cohort_id, count in per_cohort.items():
            DocumentSettings.objects.get_or_create(cohort_id=cohort_id)
            DocumentSettings.objects.filter(cohort_id=cohort_id).update(
                requeued_at=now, requeued_count=count
            )
        queue_rendering(ids)
    log.warning("re-queued %s documents", len(ids))
    return len(ids)


# --- Delivery --------------------------------------------------------------------------------
def documents_email_queue(*, cohort: Cohort, actor: User) -> None:
    require(actor, "documents.manage_documents", cohort)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="documents.email",
            obj=cohort,
            organisation=cohort.programme.organisation_id,
        )
        outbox_enqueue(task="documents.email_documents", kwargs={"cohort_id": cohort.pk})


def documents_email_send(*, cohort_id: int) -> int:
    """E-mail each recipient their ready document, once: ``emailed_at`` is claimed with a
    conditional update before the message is queued, in the same transaction."""
    sent = 0
    docs = Document.objects.filter(
        cohort_id=cohort_id,
        status=DocumentStatus.READY,
        revoked_at__isnull=True,
        emailed_at__isnull=True,
        recipient__isnull=False,
    ).select_related("recipient", "cohort")
    for document in docs:
        with transaction.atomic():
            claimed = Document.objects.filter(pk=document.pk, emailed_at__isnull=True).update(
                emailed_at=timezone.now()
            )
            if not claimed:
                continue
            send_templated_mail(
                recipients=[document.recipient],
                template="documents/email/document_ready",
                context={
                    "document": document,
                    "kind": document.get_kind_display(),
                    "cohort": document.cohort.name,
                    "download_url": absolute_url(
                        reverse("documents:download", kwargs={"pk": document.pk})
                    ),
                    "verify_url": verify_url(document.verification_code),
                },
            )
            sent += 1
    return sent


def archive_request(*, cohort: Cohort, actor: User) -> DocumentArchive:
    require(actor, "documents.manage_documents", cohort)
    with transaction.atomic():
        archive = DocumentArchive.objects.create(cohort=cohort, requested_by=actor)
        audit_log(
            actor=actor,
            action="documents.archive",
            obj=archive,
            organisation=cohort.programme.organisation_id,
        )
        outbox_enqueue(task="documents.build_document_archive", kwargs={"archive_id": archive.pk})
    return archive


def archive_build(*, archive_id: int, final: bool = True, task_id: str = "") -> bool:
    """Write the ZIP of a cohort's ready documents into storage, one document at a time
    (streamed from storage to storage, never the whole archive in memory).

    An error that can pass (storage full, database lost) raises ``TransientError`` with the
    archive pending again, for the task to retry, unless ``final`` (its last try): then,
    like any other error, it is recorded on the archive and shown. A task delivered again
    (same ``task_id``) takes back the archive its first delivery claimed."""
    now = timezone.now()
    takeover = Q(status=DocumentStatus.RENDERING, claimed_at__lt=now - archive_stale_after())
    if task_id:
        takeover |= Q(status=DocumentStatus.RENDERING, claim_task=task_id)
    claimed = documents_set_status(
        DocumentArchive.objects.filter(pk=archive_id).filter(
            Q(status=DocumentStatus.PENDING) | takeover
        ),
        DocumentStatus.RENDERING,
        claimed_at=now,
        claim_task=task_id[:64],
    )
    if not claimed:
        return False
    archive = DocumentArchive.objects.select_related("cohort").get(pk=archive_id)
    path = f"documents/{archive.cohort_id}/archives/{archive.pk}.zip"
    docs = Document.objects.filter(
        cohort_id=archive.cohort_id, status=DocumentStatus.READY, revoked_at__isnull=True
    ).order_by("kind", "id")
    count = 0
    try:
        if default_storage.exists(path):
            default_storage.delete(path)
        with contextlib.suppress(NotImplementedError):  # object storage has no folders
            os.makedirs(os.path.dirname(default_storage.path(path)), exist_ok=True)
        with (
            default_storage.open(path, "wb") as target,
            zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as zf,
        ):
            for doc in docs.iterator(chunk_size=200):
                arcname = f"{doc.kind}/{_safe_name(doc.display_name)}-{doc.verification_code}.pdf"
                with default_storage.open(doc.file, "rb") as src, zf.open(arcname, "w") as dst:
                    shutil.copyfileobj(src, dst, 256 * 1024)
                count += 1
        size = default_storage.size(path)
    except Exception as exc:  # recorded and shown
        error = f"{exc.__class__.__name__}: {exc}"[:2000]
        if is_transient(exc) and not final:
            log.warning("archive %s: %s; it will be retried", archive_id, error)
            discard(path)
            with contextlib.suppress(DatabaseOperationalError, InterfaceError):
                documents_set_status(
                    DocumentArchive.objects.filter(pk=archive_id, claimed_at=now),
                    DocumentStatus.PENDING,
                    error=error,
                )
            raise TransientError(error) from exc
        log.exception("archive %s failed", archive_id)
        documents_set_status(
            DocumentArchive.objects.filter(pk=archive_id), DocumentStatus.FAILED, error=error
        )
        discard(path)  # a failed archive points to no file
        return False
    documents_set_status(
        DocumentArchive.objects.filter(pk=archive_id),
        DocumentStatus.READY,
        file=path,
        document_count=count,
        size=size,
        finished_at=timezone.now(),
    )
    return True


def _safe_name(text: str) -> str:
    return slugify(text)[:60] or "document"


# --- Templates -------------------------------------------------------------------------------
def sample_document(*, programme: Programme, kind: str, language: str) -> Document:
    """An unsaved document of ``kind`` from the programme's most recent cohort with data (the
    first eligible candidate), or with placeholder data when there is none yet."""
    for cohort in Cohort.objects.filter(programme=programme).order_by("-year")[:3]:
        for c in candidates(cohort=cohort, kind=kind):
            if c.eligible:
                return Document(
                    kind=kind, cohort=cohort, recipient=c.recipient, award=c.award,
                    organisation=c.organisation, language=language, data=c.data,
                )  # fmt: skip
    cohort = Cohort.objects.filter(programme=programme).order_by("-year").first()
    data = {name: f"[{name}]" for name in DATA_FIELDS}
    if cohort is None:
        cohort = Cohort(programme=programme, name=data["cohort"], year=timezone.now().year)
    return Document(kind=kind, cohort=cohort, language=language, data=data)


def template_check(*, programme: Programme, kind: str, language: str, html: str, css: str) -> bytes:
    """Render the template with real data of the programme inside a transaction that is
    rolled back, and return the PDF. A broken template raises ``DomainError`` with why."""
    css_errors = pdf.check_css(css)
    if css_errors:
        raise DomainError("; ".join(css_errors[:5]))
    try:
        with transaction.atomic():
            document = sample_document(programme=programme, kind=kind, language=language)
            if document.cohort.pk:
                try:  # the same path as a real document, then rolled back
                    with transaction.atomic():
                        document.save()
                except IntegrityError:  # already issued to this candidate: render it unsaved
                    document.pk = None
            branding = branding_for(programme)
            _n, _t, content = render_document(document, template=(html, css), branding=branding)
            transaction.set_rollback(True)
    except pdf.TemplateError as exc:
        raise DomainError(_("The template cannot be used: %(error)s") % {"error": exc}) from exc
    return content


def template_save(
    *, programme: Programme, kind: str, language: str, html: str, css: str, actor: User
) -> DocumentTemplate:
    require(actor, "documents.manage_documents", programme)
    template_check(programme=programme, kind=kind, language=language, html=html, css=css)
    with transaction.atomic():
        obj, created = DocumentTemplate.objects.select_for_update().get_or_create(
            programme=programme,
            kind=kind,
            language=language,
            defaults={"html": html, "css": css, "updated_by": actor},
        )
        if not created:
            obj.html, obj.css, obj.updated_by = html, css, actor
            obj.save(update_fields=["html", "css", "updated_by", "updated_at"])
        audit_log(
            actor=actor,
            action="documents.template_save",
            obj=obj,
            organisation=programme.organisation_id,
        )
    return obj


def template_reset(*, programme: Programme, kind: str, language: str, actor: User) -> None:
    require(actor, "documents.manage_documents", programme)
    with transaction.atomic():
        obj = DocumentTemplate.objects.filter(
            programme=programme, kind=kind, language=language
        ).first()
        if obj is None:
            return
        audit_log(
            actor=actor,
            action="documents.template_reset",
            obj=obj,
            organisation=programme.organisation_id,
        )
        obj.delete()


def branding_save(*, branding: DocumentBranding, actor: User) -> DocumentBranding:
    require(actor, "documents.manage_documents", branding.programme)
    new_logo = bool(branding.logo) and not branding.logo._committed
    before = (
        DocumentBranding.objects.filter(pk=branding.pk).values_list("logo", flat=True).first()
        if branding.pk
        else None
    )
    with files_atomic():
        if new_logo:
            store_in_field(branding.logo, branding.logo.name, branding.logo.file)
        branding.save()
        if before and before != branding.logo.name:  # the logo replaced or removed
            storage = branding.logo.storage
            transaction.on_commit(lambda: discard(before, storage))
        audit_log(
            actor=actor,
            action="documents.branding_save",
            obj=branding,
            organisation=branding.programme.organisation_id,
        )
    return branding


def settings_save(*, doc_settings: DocumentSettings, actor: User | None) -> DocumentSettings:
    """Save the cohort's settings (the defaults of ``settings_for`` become a row)."""
    with transaction.atomic():
        doc_settings, _created = DocumentSettings.objects.update_or_create(
            cohort=doc_settings.cohort,
            defaults={"attendance_min_percent": doc_settings.attendance_min_percent},
        )
        audit_log(
            actor=actor,
            action="documents.settings_save",
            obj=doc_settings,
            organisation=doc_settings.cohort.programme.organisation_id,
            after={"attendance_min_percent": doc_settings.attendance_min_percent},
        )
    return doc_settings
