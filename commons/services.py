"""The commons' writes: a coordinator proposes a team's project after the cohort's closing
session, the municipality approves the text about its commune, each member consents (or not)
to their name appearing, the coordinator picks the public versions and the licence, then
publishes or unpublishes. Every step audited; ``publication_set_status`` is the one writer of
``Publication.status``."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.models import DeliverableVersion, Team
from commons.enums import OUTCOME_REMINDER_MONTHS, Licence, OutcomeStatus, PublicationStatus
from commons.models import NameConsent, Outcome, OutcomeMilestone, OutcomeReminder, Publication
from curiouslab.accounts.models import Role, User
from curiouslab.accounts.rules import require
from curiouslab.audit import audit_log
from curiouslab.errors import DomainError
from curiouslab.mail import send_templated_mail
from curiouslab.site import absolute_url
from curiouslab.slugs import unique_slug
from curiouslab.storedfiles import files_atomic, store_in_field
from curiouslab.uploads import UploadPolicy, check_upload

TRANSITIONS = {
    PublicationStatus.PROPOSED: {PublicationStatus.APPROVED, PublicationStatus.UNPUBLISHED},
    PublicationStatus.APPROVED: {PublicationStatus.PUBLISHED, PublicationStatus.UNPUBLISHED},
    PublicationStatus.PUBLISHED: {PublicationStatus.UNPUBLISHED},
    PublicationStatus.UNPUBLISHED: {PublicationStatus.PUBLISHED},
}
# Who may move a publication into each state.
STATUS_PERMS = {
    PublicationStatus.APPROVED: "commons.approve_commune_text",
    PublicationStatus.PUBLISHED: "commons.manage_publication",
    PublicationStatus.UNPUBLISHED: "commons.manage_publication",
}


def _org(publication: Publication) -> int:
    return publication.team.coordinating_organisation_id


def _lock(publication: Publication) -> Publication:
    return (
        Publication.objects.select_for_update(of=("self",))
        .select_related("team__cohort__programme", "team__challenge")
        .get(pk=publication.pk)
    )


def _unique_slug(team: Team) -> str:
    return unique_slug(
        Publication.objects.all(),
        f"{team.name}-{team.cohort.programme.slug}",
        max_length=120,
        fallback="projet",
    )


def publication_propose(*, team: Team, actor: User, commune_text: str) -> Publication:
    """Offer ``team``'s project to the commons, once its cohort's closing session is past."""
    with transaction.atomic():
        team = Team.objects.select_for_update().select_related("cohort__programme").get(pk=team.pk)
        require(actor, "commons.propose", team)
        if timezone.localdate() < team.cohort.closing:
            raise DomainError(_("A project is proposed for publication after the closing session."))
        if team.challenge_id is None:
            raise DomainError(_("This team has no challenge: there is no project to publish."))
        if Publication.objects.filter(team=team).exists():
            raise DomainError(_("This project has already been proposed for publication."))
        publication = Publication.objects.create(
            team=team, slug=_unique_slug(team), commune_text=commune_text, proposed_by=actor
        )
        NameConsent.objects.bulk_create(
            NameConsent(publication=publication, user_id=uid)
            for uid in team.members.values_list("user_id", flat=True)
        )
        audit_log(
            actor=actor,
            action="publication.propose",
            obj=publication,
            organisation=_org(publication),
            after={"status": publication.status, "licence": publication.licence},
        )
    return publication


def publication_set_status(
    *,
    publication: Publication,
    actor: User,
    status: str,
    at: datetime.datetime | None = None,
) -> Publication:
    """The one writer of ``Publication.status``, along ``TRANSITIONS``: the municipality
    approves, the coordinator publishes or unpublishes (at once: every public read filters on
    ``published``)."""
    with transaction.atomic():
        publication = _lock(publication)
        if publication.status == status:
            return publication
        if status not in TRANSITIONS.get(publication.status, set()):
            raise DomainError(_("This publication cannot move to that state."))
        require(actor, STATUS_PERMS[status], publication)
        before = publication.status
        publication.status = status
        fields = ["status"]
        now = at or timezone.now()
        if status == PublicationStatus.APPROVED:
            publication.commune_approved_at, publication.commune_approved_by = now, actor
            fields += ["commune_approved_at", "commune_approved_by"]
        elif status == PublicationStatus.PUBLISHED:
            publication.published_at = publication.published_at or now
            fields.append("published_at")
        publication.save(update_fields=fields)
        audit_log(
            actor=actor,
            action=f"publication.{status}",
            obj=publication,
            organisation=_org(publication),
            before={"status": before},
            after={"status": status},
            at=at,
        )
    return publication


def publication_set_terms(
    *, publication: Publication, actor: User, licence: str, versions: list[DeliverableVersion]
) -> Publication:
    """The coordinator picks the licence and the deliverable versions shown (only the team's)."""
    if licence not in Licence.values:
        raise DomainError(_("Unknown licence."))
    with transaction.atomic():
        publication = _lock(publication)
        require(actor, "commons.manage_publication", publication)
        if any(v.deliverable.team_id != publication.team_id for v in versions):
            raise DomainError(_("Only the team's own deliverables may be published."))
        before = {
            "licence": publication.licence,
            "versions": sorted(publication.public_versions.values_list("pk", flat=True)),
        }
        publication.licence = licence
        publication.save(update_fields=["licence"])
        publication.public_versions.set(versions)
        audit_log(
            actor=actor,
            action="publication.terms",
            obj=publication,
            organisation=_org(publication),
            before=before,
            after={"licence": licence, "versions": sorted(v.pk for v in versions)},
        )
    return publication


def consent_set(*, publication: Publication, actor: User, given: bool) -> NameConsent:
    """A member says whether their name may appear; withdrawing takes effect at once."""
    with transaction.atomic():
        publication = _lock(publication)
        require(actor, "commons.consent", publication)
        consent, _new = NameConsent.objects.select_for_update().get_or_create(
            publication=publication, user=actor
        )
        if consent.given is not given:
            consent.given = given
            consent.save(update_fields=["given", "answered_at"])
            audit_log(
                actor=actor,
                action="publication.consent" if given else "publication.consent_withdraw",
                obj=publication,
                organisation=_org(publication),
                after={"given": given},
            )
    return consent


def publication_approve(*, publication: Publication, actor: User, commune_text: str) -> Publication:
    """The municipality approves the text about its commune, amended as it wishes: the text
    and the approval are one step (what it approved is what is shown)."""
    with transaction.atomic():
        locked = _lock(publication)
        require(actor, "commons.approve_commune_text", locked)
        if locked.status != PublicationStatus.PROPOSED:
            raise DomainError(_("This text has already been approved."))
        text = commune_text.strip()
        if text != locked.commune_text:
            before = locked.commune_text
            locked.commune_text = text
            locked.save(update_fields=["commune_text"])
            audit_log(
                actor=actor,
                action="publication.commune_text",
                obj=locked,
                organisation=_org(locked),
                before={"commune_text": before},
                after={"commune_text": text},
            )
        return publication_set_status(
            publication=locked, actor=actor, status=PublicationStatus.APPROVED
        )


# --- Follow-up: what the commune built ------------------------------------------------------

PHOTO_POLICY = UploadPolicy(
    kinds={"image/png": {"png"}, "image/jpeg": {"jpg", "jpeg"}, "image/webp": {"webp"}},
    max_bytes=5 * 1024 * 1024,
    accepted=gettext_lazy("a PNG, JPEG or WebP image"),
    max_pixels=6000 * 6000,
)
OUTCOME_FIELDS = ["status", "reason", "progress", "budget", "link", "photo_alt"]


def _locked_outcome(publication: Publication, actor: User) -> tuple[Publication, Outcome]:
    publication = _lock(publication)
    require(actor, "commons.record_outcome", publication)
    if publication.status != PublicationStatus.PUBLISHED:
        raise DomainError(_("The follow-up is recorded for a published project."))
    outcome, _new = Outcome.objects.select_for_update().get_or_create(publication=publication)
    return publication, outcome


def outcome_record(
    *, publication: Publication, actor: User, data: dict, photo=None, remove_photo: bool = False
) -> Outcome:
    """The municipality says what became of its project: the one writer of
    ``Outcome.status`` (any status may follow any other: the commune reports what is, a
    project abandoned may start again). An abandoned project says why; a built one is at
    100 %."""
    status = data.get("status")
    if status not in OutcomeStatus.values:
        raise DomainError(_("Unknown follow-up status."))
    if status == OutcomeStatus.ABANDONED and not (data.get("reason") or "").strip():
        raise DomainError(_("Say why the project was abandoned."))
    checked = check_upload(photo, PHOTO_POLICY) if photo else None
    with files_atomic():
        publication, outcome = _locked_outcome(publication, actor)
        before = {name: str(getattr(outcome, name) or "") for name in OUTCOME_FIELDS}
        for name in OUTCOME_FIELDS:
            setattr(outcome, name, data.get(name) if name == "budget" else data.get(name) or "")
        outcome.progress = 100 if status == OutcomeStatus.DONE else int(data.get("progress") or 0)
        if checked is not None:
            checked.upload.seek(0)
            store_in_field(outcome.photo, f"photo.{checked.extension}", checked.upload)
        elif remove_photo:
            outcome.photo = ""
        outcome.updated_by = actor
        outcome.save()
        after = {name: str(getattr(outcome, name) or "") for name in OUTCOME_FIELDS}
        audit_log(
            actor=actor,
            action="outcome.record",
            obj=publication,
            organisation=_org(publication),
            before=before,
            after={**after, "photo": bool(outcome.photo)},
        )
    return outcome


def outcome_milestone_add(
    *, publication: Publication, actor: User, on: datetime.date, label: str
) -> OutcomeMilestone:
    with transaction.atomic():
        publication, outcome = _locked_outcome(publication, actor)
        milestone = OutcomeMilestone.objects.create(outcome=outcome, on=on, label=label.strip())
        audit_log(
            actor=actor,
            action="outcome.milestone_add",
            obj=publication,
            organisation=_org(publication),
            after={"on": on.isoformat(), "label": milestone.label},
        )
    return milestone


def outcome_milestone_delete(*, milestone: OutcomeMilestone, actor: User) -> None:
    with transaction.atomic():
        publication, _outcome = _locked_outcome(milestone.outcome.publication, actor)
        deleted, _rows = OutcomeMilestone.objects.filter(pk=milestone.pk).delete()
        if deleted:
            audit_log(
                actor=actor,
                action="outcome.milestone_delete",
                obj=publication,
                organisation=_org(publication),
                before={"on": milestone.on.isoformat(), "label": milestone.label},
            )


def _months_later(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


def outcome_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind each published project's municipality 6, 12 and 24 months after the closing
    session to say what became of it. Each step is claimed once by an ``OutcomeReminder``
    row (a second run, a retried task sends nothing); a project published late gets only
    its latest due step, the earlier ones marked as passed. Returns the e-mails queued."""
    today = today or timezone.localdate()
    earliest = _months_later(today, -min(OUTCOME_REMINDER_MONTHS))
    due = (
        Publication.objects.filter(
            status=PublicationStatus.PUBLISHED, team__cohort__closing__lte=earliest
        )
        .select_related("team__cohort", "team__challenge__municipality")
        .prefetch_related("reminders")
    )
    sent = 0
    for publication in due.iterator(chunk_size=500):
        closing = publication.team.cohort.closing
        done = {r.months for r in publication.reminders.all()}
        steps = [
            m
            for m in OUTCOME_REMINDER_MONTHS
            if m not in done and _months_later(closing, m) <= today
        ]
        if not steps:
            continue
        try:
            with transaction.atomic():
                OutcomeReminder.objects.bulk_create(
                    OutcomeReminder(publication=publication, months=m) for m in steps
                )
                people = User.objects.filter(
                    is_active=True,
                    memberships__organisation_id=publication.team.challenge.municipality_id,
                    memberships__role=Role.MUNICIPAL_STAFF,
                ).distinct()
                sent += send_templated_mail(
                    recipients=people,
                    template="commons/email/outcome_reminder",
                    context={
                        "publication": publication,
                        "months": max(steps),
                        "url": absolute_url(reverse("commons:outcome_edit", args=[publication.pk])),
                    },
                )
        except IntegrityError:  # another run claimed it first
            continue
    return sent
