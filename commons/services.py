"""The commons' writes: a coordinator proposes a team's project after the cohort's closing
session, the municipality approves the text about its commune, each member consents (or not)
to their name appearing, the coordinator picks the public versions and the licence, then
publishes or unpublishes. Every step audited; ``publication_set_status`` is the one writer of
``Publication.status``."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import DeliverableVersion, Team
from commons.enums import Licence, PublicationStatus
from commons.models import NameConsent, Publication
from curiouslab.accounts.models import User
from curiouslab.accounts.rules import require
from curiouslab.audit import audit_log
from curiouslab.errors import DomainError
from curiouslab.slugs import unique_slug

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
