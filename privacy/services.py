"""Writes about personal data: a person's export, their erasure, the retention of closed
cohorts and the purge of the audit log.

Erasure anonymises, it does not delete: the user row stays (``User.anonymised_at``) so that
the programme's records keep their shape — a team keeps its size, a jury its marks, a
document its verification code and SHA-256 — and every page that names the person then says
"Anonymised person" (``User.get_full_name``). What is removed: the name, the e-mail address
(allauth's addresses too), the password and the second factors, the calendar feed, the
exports, the name printed in the documents and their PDF files (the verification page then
shows an anonymised holder), the copies of the name and address on jury seats and
invitations."""

from __future__ import annotations

import datetime
import logging
import tempfile
import uuid

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cohorts.models import CoachAssignment, Cohort, TeamMember
from curiouslab.accounts.models import AuditLogEntry, Invitation, Membership, Role, User
from curiouslab.audit import audit_log
from curiouslab.errors import DomainError
from curiouslab.outbox import outbox_enqueue
from documents.models import Document
from privacy import exports
from privacy.enums import ExportStatus
from privacy.models import DataExport
from sessions.models import CalendarFeed
from trophies.models import JuryMember

log = logging.getLogger(__name__)

# Roles whose holders run the programme rather than take part in it: the retention of a
# closed cohort never anonymises them (their records belong to the organisation).
STAFF_ROLES = [Role.COORDINATOR, Role.MUNICIPAL_STAFF, Role.SCHOOL_REFERENT]


def _remove_file(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)


# --- Export ----------------------------------------------------------------------------------
def export_request(*, user: User) -> DataExport:
    """Ask a worker for the ZIP of everything the platform holds about ``user``. One export in
    preparation at a time: asking again while one is being prepared returns it."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        pending = DataExport.objects.filter(user=user, status=ExportStatus.PENDING).first()
        if pending is not None:
            return pending
        export = DataExport.objects.create(user=user)
        audit_log(actor=user, action="person.export", obj=user, object_repr=str(user))
        outbox_enqueue(task="privacy.build_export", kwargs={"export_id": export.pk})
    return export


def export_build(*, export_id: int) -> DataExport | None:
    """The worker's part: write the ZIP to storage and mark the export ready. Idempotent: a
    redelivered task finds the export ready and does nothing."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != ExportStatus.PENDING:
        return export
    name = f"privacy/exports/{export.user_id}/{uuid.uuid4().hex}.zip"
    with tempfile.TemporaryFile() as tmp:
        exports.write_zip(export.user, tmp)
        size = tmp.tell()
        tmp.seek(0)
        name = default_storage.save(name, File(tmp, name=name))
    updated = DataExport.objects.filter(pk=export.pk, status=ExportStatus.PENDING).update(
        status=ExportStatus.READY, file=name, size=size, ready_at=timezone.now()
    )
    if not updated:  # erased or finished meanwhile: leave no file behind
        _remove_file(name)
    export.refresh_from_db()
    return export


def exports_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Exports older than PRIVACY_EXPORT_DAYS: their files and rows removed."""
    limit = (now or timezone.now()) - datetime.timedelta(days=settings.PRIVACY_EXPORT_DAYS)
    old = list(DataExport.objects.filter(requested_at__lt=limit))
    for export in old:
        _remove_file(export.file)
    DataExport.objects.filter(pk__in=[e.pk for e in old]).delete()
    return len(old)


def export_download_name(export: DataExport) -> str:
    return f"curiouslab-mes-donnees-{export.requested_at:%Y-%m-%d}.zip"


# --- Erasure ---------------------------------------------------------------------------------
def _anonymise(user: User, *, at: datetime.datetime) -> list[str]:
    """Anonymise ``user`` (locked by the caller). Returns the files to remove once the
    transaction has committed."""
    from allauth.account.models import EmailAddress  # noqa: PLC0415 -- allauth's models load with the app registry
    from allauth.mfa.models import Authenticator  # noqa: PLC0415 -- allauth's models load with the app registry

    email = user.email
    files: list[str] = []
    documents = list(Document.objects.filter(recipient=user).only("pk", "data", "file"))
    for document in documents:
        files.append(document.file)
        data = {k: v for k, v in document.data.items() if k != "recipient_name"}
        data["recipient_anonymised"] = True
        document.data, document.file = data, ""
    Document.objects.bulk_update(documents, ["data", "file"])
    files += list(DataExport.objects.filter(user=user).values_list("file", flat=True))
    DataExport.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    placeholder = f"anonymised-{user.pk}@invalid.invalid"
    JuryMember.objects.filter(Q(user=user) | Q(email__iexact=email)).update(
        email=placeholder, name=""
    )
    Invitation.objects.filter(email__iexact=email).update(
        email=placeholder, first_name="", last_name=""
    )
    Membership.objects.filter(user=user).update(is_active=False)
    user.first_name = user.last_name = ""
    user.email = placeholder
    user.set_unusable_password()
    user.is_active = False
    user.anonymised_at = at
    user.save(
        update_fields=["first_name", "last_name", "email", "password", "is_active", "anonymised_at"]
    )
    AuditLogEntry.objects.filter(
        content_type__app_label="accounts", content_type__model="user", object_id=str(user.pk)
    ).update(object_repr=str(user))
    return [f for f in files if f]


def _after_commit_remove(files: list[str]) -> None:
    transaction.on_commit(lambda: [_remove_file(name) for name in files])


def person_erase(*, user: User, actor: User, reason: str = "") -> User:
    """Erase ``user``'s personal data, on their own request (``actor`` is then the user)."""
    if actor.pk != user.pk:
        raise DomainError("Seule la personne concernée peut demander l'effacement de ses données.")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.anonymised_at is not None:
            return user
        now = timezone.now()
        audit_log(actor=actor, action="person.erase", obj=user, reason=reason)
        _after_commit_remove(_anonymise(user, at=now))
    return user


# --- Retention -------------------------------------------------------------------------------
def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def cohort_retention_ends(cohort: Cohort) -> datetime.date:
    """The day a cohort's participants are anonymised: its closing session plus its
    programme's retention (``Programme.retention_years``)."""
    return _years_after(cohort.closing, cohort.programme.retention_years)


def _participants(cohorts) -> Q:
    """The people who take part in ``cohorts`` (a queryset): team members, coaches, jurors;
    as subqueries, so nothing of the size of the platform is read into memory. A jury seat
    without an account is left out: a NULL would make the NOT IN of ``exclude`` keep nobody."""
    return (
        Q(pk__in=TeamMember.objects.filter(team__cohort__in=cohorts).values("user_id"))
        | Q(pk__in=CoachAssignment.objects.filter(team__cohort__in=cohorts).values("coach_id"))
        | Q(
            pk__in=JuryMember.objects.filter(jury__cohort__in=cohorts, user__isnull=False).values(
                "user_id"
            )
        )
    )


def retention_apply(*, today: datetime.date | None = None) -> dict[str, int]:
    """Beat, nightly: anonymise the participants of every cohort whose retention has ended.

    A person is kept while they take part in a cohort still within its retention, or hold a
    role that runs a programme (coordinator, municipal staff, school referent). Each cohort is
    marked when done (``Cohort.participants_anonymised_at``), so a second run does nothing;
    a run cut short goes on where it stopped (anonymised people are skipped). Logs and audits
    what it did, per cohort."""
    today = today or timezone.localdate()
    waiting = Cohort.objects.filter(participants_anonymised_at__isnull=True)
    due = [
        c
        for c in waiting.select_related("programme").order_by("closing", "pk")
        if cohort_retention_ends(c) <= today
    ]
    live = waiting.exclude(pk__in=[c.pk for c in due])
    staff = Membership.objects.active().filter(role__in=STAFF_ROLES).values("user_id")
    done = {"cohorts": 0, "people": 0}
    for cohort in due:
        people = 0
        erased = (
            User.objects.filter(_participants(Cohort.objects.filter(pk=cohort.pk)))
            .exclude(_participants(live))
            .exclude(pk__in=staff)
            .filter(anonymised_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for user_id in list(erased):
            with transaction.atomic():
                user = (
                    User.objects.select_for_update()
                    .filter(pk=user_id, anonymised_at__isnull=True)
                    .first()
                )
                if user is None:
                    continue
                _after_commit_remove(_anonymise(user, at=timezone.now()))
                people += 1
        with transaction.atomic():
            Cohort.objects.filter(pk=cohort.pk).update(participants_anonymised_at=timezone.now())
            audit_log(
                actor=None,
                action="cohort.retention",
                obj=cohort,
                organisation=cohort.programme.organisation_id,
                after={"anonymised": people},
            )
        log.info("retention: cohort %s (%s) ended, %d people anonymised", cohort.pk, cohort, people)
        done["cohorts"] += 1
        done["people"] += people
    return done


def audit_log_purge(*, now: datetime.datetime | None = None) -> int:
    """Beat, nightly: delete the audit entries older than AUDIT_LOG_RETENTION_DAYS."""
    limit = (now or timezone.now()) - datetime.timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS)
    deleted, _ = AuditLogEntry.objects.filter(created_at__lt=limit).delete()
    if deleted:
        log.info("audit log: %d entries older than %s deleted", deleted, limit.date())
    return deleted
