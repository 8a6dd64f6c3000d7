"""Writes of the challenges app. One function per change of ``Challenge.status``; each
locks the row, checks the transition and the actor's role, records the transition and the
audit entry, and queues the e-mails, all in one transaction."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from challenges.models import (
    CONTENT_FIELDS,
    EDITABLE_STATES,
    UNDER_REVIEW_STATES,
    Challenge,
    ChallengeAttachment,
    ChallengeComment,
    ChallengeStatus,
    ChallengeTransition,
    ChallengeVersion,
    OutcomeStatus,
)
from challenges.rules import coordinates_programme, works_for_municipality
from challenges.selectors import municipality_staff, programme_coordinators
from cohorts.models import Cohort
from curiouslab.accounts.models import Organisation, Role, User
from curiouslab.accounts.roles import roles_for
from curiouslab.audit import audit_log
from curiouslab.errors import DomainError
from curiouslab.mail import send_templated_mail
from curiouslab.site import absolute_url
from curiouslab.storedfiles import files_atomic, store_in_field
from curiouslab.uploads import UploadPolicy, check_upload

# --- Attachments: what we accept, decided on the bytes ------------------------------------

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 10
ATTACHMENT_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
ATTACHMENT_TYPES_HELP = gettext_lazy(
    "PDF, Word, Excel, PowerPoint, OpenDocument or an image (PNG, JPEG, GIF, WebP), 10 MB at most."
)

WRONG_STATE = gettext_lazy("This challenge is “%(status)s”: this action is no longer possible.")


# --- Helpers --------------------------------------------------------------------------------


def _coordinating_org(challenge: Challenge) -> int:
    return challenge.programme.organisation_id


def _require_staff(user: User, challenge: Challenge) -> None:
    if not works_for_municipality(user, challenge):
        raise DomainError(_("Only the staff of the municipality may do this."), code="role")


def _require_coordinator(user: User, challenge: Challenge) -> None:
    if not coordinates_programme(user, challenge):
        raise DomainError(_("Only the coordinators of the programme may do this."), code="role")


def _lock(challenge: Challenge) -> Challenge:
    return (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("programme", "municipality", "call")
        .get(pk=challenge.pk)
    )


def _wrong_state(challenge: Challenge) -> DomainError:
    return DomainError(WRONG_STATE % {"status": challenge.get_status_display()}, code="state")


def _challenge_url(challenge: Challenge) -> str:
    return absolute_url(reverse("challenges:detail", kwargs={"pk": challenge.pk}))


def _notify(challenge: Challenge, recipients: list[User], template: str, **context) -> None:
    send_templated_mail(
        recipients=recipients,
        template=f"challenges/email/{template}",
        context={"challenge": challenge, "url": _challenge_url(challenge), **context},
    )


# Where a challenge may go from each status; the verbs below (submit, request changes,
# resubmit, accept, decline, withdraw) each take one of these arrows.
_REVIEW_OUTCOMES = {
    ChallengeStatus.CHANGES_REQUESTED,
    ChallengeStatus.ACCEPTED,
    ChallengeStatus.DECLINED,
    ChallengeStatus.WITHDRAWN,
}
TRANSITIONS = {
    ChallengeStatus.DRAFT: {ChallengeStatus.SUBMITTED, ChallengeStatus.WITHDRAWN},
    ChallengeStatus.SUBMITTED: _REVIEW_OUTCOMES,
    ChallengeStatus.RESUBMITTED: _REVIEW_OUTCOMES,
    ChallengeStatus.CHANGES_REQUESTED: {
        ChallengeStatus.RESUBMITTED,
        ChallengeStatus.DECLINED,
        ChallengeStatus.WITHDRAWN,
    },
    ChallengeStatus.ACCEPTED: {ChallengeStatus.WITHDRAWN},
}


def challenge_set_status(
    *,
    challenge: Challenge,
    actor: User,
    to_status: str,
    action: str,
    message: str = "",
    extra_fields: tuple[str, ...] = (),
    at: datetime.datetime | None = None,
) -> ChallengeTransition:
    """The one writer of ``Challenge.status``: set the new status on the locked ``challenge``
    (the verbs lock it and check their own preconditions), refuse an arrow that is not in
    ``TRANSITIONS``, and record the change (``at`` a past moment: the demo's history)."""
    from_status = challenge.status
    if to_status not in TRANSITIONS.get(from_status, set()):
        raise _wrong_state(challenge)
    challenge.status = to_status
    challenge.save(update_fields=["status", "updated_at", *extra_fields])
    transition = ChallengeTransition.objects.create(
        challenge=challenge,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        message=message,
        snapshot=challenge.content(),
        created_at=at or timezone.now(),
    )
    audit_log(
        actor=actor,
        action=f"challenge.{action}",
        obj=challenge,
        organisation=_coordinating_org(challenge),
        before={"status": from_status},
        after={"status": to_status},
        reason=message,
        at=at,
    )
    return transition


def _clean_message(message: str, *, required: bool) -> str:
    message = (message or "").strip()
    if required and not message:
        raise DomainError(_("Write a message to the municipality explaining why."), code="message")
    if len(message) > 5000:
        raise DomainError(_("The message is too long (5,000 characters at most)."))
    return message


def _apply(challenge: Challenge, data: dict) -> list[str]:
    """Copy the content fields of ``data`` onto ``challenge``; return the names changed."""
    changed = []
    for name in CONTENT_FIELDS:
        if name in data:
            value = data[name] if data[name] is not None else ""
            if isinstance(value, str):
                value = value.strip()
            if getattr(challenge, name) != value:
                setattr(challenge, name, value)
                changed.append(name)
    return changed


def _next_version_number(challenge: Challenge) -> int:
    return (challenge.versions.aggregate(n=Max("number"))["n"] or 0) + 1


# --- Drafts ---------------------------------------------------------------------------------


@transaction.atomic
def challenge_create(
    *, actor: User, municipality: Organisation, call: Cohort, data: dict
) -> Challenge:
    """A new draft challenge of ``municipality`` answering the call of ``call``."""
    if municipality.id not in roles_for(actor).orgs(Role.MUNICIPAL_STAFF):
        raise DomainError(_("Only the staff of the municipality may do this."), code="role")
    if call.programme.organisation_id != municipality.territory_id:
        raise DomainError(_("This programme is not open to your municipality."))
    if not call.takes_challenges():
        raise DomainError(_("The call for challenges of this year is closed."), code="call")
    challenge = Challenge(
        programme_id=call.programme_id,
        municipality=municipality,
        call=call,
        created_by=actor,
        status=ChallengeStatus.DRAFT,
    )
    _apply(challenge, data)
    challenge.save()
    audit_log(
        actor=actor,
        action="challenge.create",
        obj=challenge,
        organisation=call.programme.organisation_id,
        after=challenge.content(),
    )
    return challenge


@transaction.atomic
def challenge_update(*, challenge: Challenge, actor: User, data: dict) -> Challenge:
    """Save the municipality's edits. Once submitted, each edit is kept as a version."""
    challenge = _lock(challenge)
    _require_staff(actor, challenge)
    if challenge.status not in EDITABLE_STATES:
        raise _wrong_state(challenge)
    before = challenge.content()
    changed = _apply(challenge, data)
    if not changed:
        return challenge
    challenge.save(update_fields=[*changed, "updated_at"])
    if challenge.submitted_at is not None:
        ChallengeVersion.objects.create(
            challenge=challenge,
            number=_next_version_number(challenge),
            data=challenge.content(),
            changed_fields=changed,
            author=actor,
        )
    audit_log(
        actor=actor,
        action="challenge.update",
        obj=challenge,
        organisation=_coordinating_org(challenge),
        before={k: before[k] for k in changed},
        after={k: getattr(challenge, k) for k in changed},
    )
    return challenge


# --- The workflow ---------------------------------------------------------------------------


@transaction.atomic
def challenge_submit(*, challenge: Challenge, actor: User) -> Challenge:
    """Draft → submitted, while the call for challenges is open."""
    challenge = _lock(challenge)
    _require_staff(actor, challenge)
    if challenge.status == ChallengeStatus.SUBMITTED:
        raise DomainError(_("This challenge has already been submitted."), code="state")
    if challenge.status != ChallengeStatus.DRAFT:
        raise _wrong_state(challenge)
    if challenge.call is None or not challenge.call.call_is_open():
        raise DomainError(
            _("The call for challenges is closed: the challenge cannot be submitted."),
            code="call",
        )
    missing = challenge.missing_to_submit()
    if missing:
        raise DomainError(
            _("Fill in these fields before submitting: %(fields)s.")
            % {"fields": ", ".join(missing)},
            code="incomplete",
        )
    challenge.submitted_at = timezone.now()
    challenge_set_status(
        challenge=challenge,
        actor=actor,
        to_status=ChallengeStatus.SUBMITTED,
        action="submit",
        extra_fields=("submitted_at",),
    )
    ChallengeVersion.objects.create(
        challenge=challenge,
        number=_next_version_number(challenge),
        data=challenge.content(),
        changed_fields=[],
        author=actor,
    )
    _notify(challenge, programme_coordinators(challenge), "submitted", actor=actor)
    return challenge


@transaction.atomic
def challenge_request_changes(*, challenge: Challenge, actor: User, message: str) -> Challenge:
    """Submitted or resubmitted → changes requested, with the coordinator's message."""
    challenge = _lock(challenge)
    _require_coordinator(actor, challenge)
    if challenge.status not in UNDER_REVIEW_STATES:
        raise _wrong_state(challenge)
    message = _clean_message(message, required=True)
    challenge.review_message = message
    challenge_set_status(
        challenge=challenge,
        actor=actor,
        to_status=ChallengeStatus.CHANGES_REQUESTED,
        action="request_changes",
        message=message,
        extra_fields=("review_message",),
    )
    _notify(challenge, municipality_staff(challenge), "changes_requested", message=message)
    return challenge


@transaction.atomic
def challenge_resubmit(*, challenge: Challenge, actor: User, message: str = "") -> Challenge:
    """Changes requested → resubmitted. Allowed after the call has closed: the coordinator
    asked for the changes."""
    challenge = _lock(challenge)
    _require_staff(actor, challenge)
    if challenge.status == ChallengeStatus.RESUBMITTED:
        raise DomainError(_("This challenge has already been resubmitted."), code="state")
    if challenge.status != ChallengeStatus.CHANGES_REQUESTED:
        raise _wrong_state(challenge)
    missing = challenge.missing_to_submit()
    if missing:
        raise DomainError(
            _("Fill in these fields before submitting: %(fields)s.")
            % {"fields": ", ".join(missing)},
            code="incomplete",
        )
    message = _clean_message(message, required=False)
    challenge_set_status(
        challenge=challenge,
        actor=actor,
        to_status=ChallengeStatus.RESUBMITTED,
        action="resubmit",
        message=message,
    )
    _notify(challenge, programme_coordinators(challenge), "resubmitted", actor=actor)
    return challenge


def _decided_already(challenge: Challenge) -> DomainError:
    return DomainError(
        _("Someone has already decided on this challenge: it is now “%(status)s”.")
        % {"status": challenge.get_status_display()},
        code="state",
    )


@transaction.atomic
def challenge_accept(*, challenge: Challenge, actor: User, message: str = "") -> Challenge:
    """Submitted or resubmitted → accepted: the challenge may be put in a cohort."""
    challenge = _lock(challenge)
    _require_coordinator(actor, challenge)
    if challenge.status in {ChallengeStatus.ACCEPTED, ChallengeStatus.DECLINED}:
        raise _decided_already(challenge)
    if challenge.status not in UNDER_REVIEW_STATES:
        raise _wrong_state(challenge)
    message = _clean_message(message, required=False)
    challenge.review_message = message
    challenge.decided_at = timezone.now()
    challenge_set_status(
        challenge=challenge,
        actor=actor,
        to_status=ChallengeStatus.ACCEPTED,
        action="accept",
        message=message,
        extra_fields=("review_message", "decided_at"),
    )
    _notify(challenge, municipality_staff(challenge), "accepted", message=message)
    return challenge


@transaction.atomic
def challenge_decline(*, challenge: Challenge, actor: User, message: str) -> Challenge:
    """Submitted, resubmitted or changes requested → declined, with the reason."""
    challenge = _lock(challenge)
    _require_coordinator(actor, challenge)
    if challenge.status in {ChallengeStatus.ACCEPTED, ChallengeStatus.DECLINED}:
        raise _decided_already(challenge)
    if challenge.status not in UNDER_REVIEW_STATES | {ChallengeStatus.CHANGES_REQUESTED}:
        raise _wrong_state(challenge)
    message = _clean_message(message, required=True)
    challenge.review_message = message
    challenge.decided_at = timezone.now()
    challenge_set_status(
        challenge=challenge,
        actor=actor,
        to_status=ChallengeStatus.DECLINED,
        action="decline",
        message=message,
        extra_fields=("review_message", "decided_at"),
    )
    _notify(challenge, municipality_staff(challenge), "declined", message=message)
    return challenge


@transaction.atomic
def challenge_withdraw(*, challenge: Challenge, actor: User, message: str = "") -> Challenge:
    """Withdrawn by its municipality, at any time until it is put in a cohort."""
    challenge = _lock(challenge)
    _require_staff(actor, challenge)
    if challenge.status == ChallengeStatus.WITHDRAWN:
        raise DomainError(_("This challenge has already been withdrawn."), code="state")
    if challenge.cohort_id is not None:
        raise DomainError(
            _("This challenge is in a cohort: ask the coordinators to take it out first."),
            code="cohort",
        )
    if challenge.status == ChallengeStatus.DECLINED:
        raise _wrong_state(challenge)
    message = _clean_message(message, required=False)
    was_submitted = challenge.submitted_at is not None
    challenge_set_status(
        challenge=challenge,
        actor=actor,
        to_status=ChallengeStatus.WITHDRAWN,
        action="withdraw",
        message=message,
    )
    if was_submitted:
        _notify(challenge, programme_coordinators(challenge), "withdrawn", actor=actor)
    return challenge


# --- What became of it ----------------------------------------------------------------------


@transaction.atomic
def challenge_record_outcome(
    *, challenge: Challenge, actor: User, outcome_status: str, outcome: str
) -> Challenge:
    challenge = _lock(challenge)
    if not (works_for_municipality(actor, challenge) or coordinates_programme(actor, challenge)):
        raise DomainError(_("You may not report on this challenge."), code="role")
    if challenge.status != ChallengeStatus.ACCEPTED or challenge.cohort_id is None:
        raise DomainError(_("Only a challenge taken up by a cohort has an outcome."))
    if outcome_status not in OutcomeStatus.values:
        raise DomainError(_("Choose what became of the challenge."))
    before = {"outcome_status": challenge.outcome_status, "outcome": challenge.outcome}
    challenge.outcome_status = outcome_status
    challenge.outcome = (outcome or "").strip()
    challenge.save(update_fields=["outcome_status", "outcome", "updated_at"])
    audit_log(
        actor=actor,
        action="challenge.record_outcome",
        obj=challenge,
        organisation=_coordinating_org(challenge),
        before=before,
        after={"outcome_status": outcome_status, "outcome": challenge.outcome},
    )
    return challenge


# --- Comments -------------------------------------------------------------------------------


@transaction.atomic
def challenge_comment_add(*, challenge: Challenge, actor: User, body: str) -> ChallengeComment:
    """A message in the thread; the other side is told by e-mail."""
    challenge = Challenge.objects.select_related("programme", "municipality").get(pk=challenge.pk)
    staff, coordinator = (
        works_for_municipality(actor, challenge),
        coordinates_programme(actor, challenge),
    )
    if not (staff or coordinator) or challenge.submitted_at is None:
        raise DomainError(_("You may not comment on this challenge."), code="role")
    body = (body or "").strip()
    if not body:
        raise DomainError(_("The comment is empty."))
    if len(body) > 5000:
        raise DomainError(_("The comment is too long (5,000 characters at most)."))
    comment = ChallengeComment.objects.create(
        challenge=challenge, author=actor, body=body, from_coordinator=coordinator and not staff
    )
    audit_log(
        actor=actor,
        action="challenge.comment",
        obj=challenge,
        organisation=_coordinating_org(challenge),
        after={"comment": comment.pk},
    )
    recipients = (
        municipality_staff(challenge)
        if comment.from_coordinator
        else programme_coordinators(challenge)
    )
    _notify(
        challenge,
        [r for r in recipients if r.pk != actor.pk],
        "comment",
        comment=comment,
        actor=actor,
    )
    return comment


# --- Attachments ----------------------------------------------------------------------------


# Old Office files share one container (OLE) whose kind the first bytes do not always tell:
# any of the three names is taken for any of the three kinds.
_OLE_NAMES = {ext: {"doc", "xls", "ppt"} for ext in ("doc", "xls", "ppt")}


def attachment_policy() -> UploadPolicy:
    """The project's upload policy (curiouslab/uploads.py) for a challenge's attachments."""
    return UploadPolicy(
        kinds={
            mime: {ext} | ({"jpeg"} if ext == "jpg" else set()) | _OLE_NAMES.get(ext, set())
            for mime, ext in ATTACHMENT_TYPES.items()
        },
        max_bytes=ATTACHMENT_MAX_BYTES,
        accepted=ATTACHMENT_TYPES_HELP,
    )


def detect_attachment_type(upload: UploadedFile) -> tuple[str, str]:
    """``(content type, extension)`` decided on the bytes of the file, which its name and
    announced type must agree with; DomainError when too large, of a type we do not take, or
    unsafe (curiouslab.uploads)."""
    checked = check_upload(upload, attachment_policy())
    return checked.content_type, ATTACHMENT_TYPES[checked.content_type]


@files_atomic()
def attachment_add(
    *, challenge: Challenge, actor: User, upload: UploadedFile
) -> ChallengeAttachment:
    challenge = _lock(challenge)
    _require_staff(actor, challenge)
    if challenge.status not in EDITABLE_STATES:
        raise _wrong_state(challenge)
    if challenge.attachments.count() >= ATTACHMENT_MAX_COUNT:
        raise DomainError(_("A challenge has 10 attachments at most."), code="count")
    content_type, extension = detect_attachment_type(upload)
    name = (upload.name or "file").replace("/", "_").replace("\\", "_")[-200:]
    attachment = ChallengeAttachment(
        challenge=challenge,
        original_name=name,
        content_type=content_type,
        extension=extension,
        size=upload.size,
        uploaded_by=actor,
    )
    store_in_field(attachment.file, name, upload)
    attachment.save()
    audit_log(
        actor=actor,
        action="challenge.attachment_add",
        obj=challenge,
        organisation=_coordinating_org(challenge),
        after={"attachment": attachment.pk, "name": name, "type": content_type},
    )
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: ChallengeAttachment, actor: User) -> None:
    challenge = _lock(attachment.challenge)
    _require_staff(actor, challenge)
    if challenge.status not in EDITABLE_STATES:
        raise _wrong_state(challenge)
    name, storage_name = attachment.original_name, attachment.file.name
    audit_log(
        actor=actor,
        action="challenge.attachment_delete",
        obj=challenge,
        organisation=_coordinating_org(challenge),
        before={"attachment": attachment.pk, "name": name},
    )
    attachment.delete()
    storage = attachment.file.storage
    transaction.on_commit(lambda: storage.delete(storage_name))
