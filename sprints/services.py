"""Writes of the sprints app: sites and their agenda, the public registration (the site's
capacity decided by the database), cancellation and the waiting list, the assignment to
teams, the team's options and prototype, and the exhibition's feedback."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.models import Challenge
from cohorts.models import Cohort, Team
from cohorts.uploads import check_upload, store
from curiouslab.accounts.models import User
from curiouslab.accounts.rules import require
from curiouslab.audit import audit_log
from curiouslab.errors import DomainError
from curiouslab.mail import Recipient, send_templated_mail
from curiouslab.site import absolute_url
from curiouslab.slugs import unique_slug
from curiouslab.storedfiles import files_atomic
from sessions.enums import SessionKind
from sessions.models import Session
from sprints.assignment import Placement
from sprints.enums import AgendaKind, RegistrationStatus
from sprints.models import (
    AgendaItem,
    Edition,
    Feedback,
    Option,
    PrototypeFile,
    Registration,
    Site,
    SiteChallenge,
)

PASS_SALT = "sprints.pass"  # noqa: S105 -- a signing salt, not a password
CANCEL_SALT = "sprints.cancel"

# The session kind each agenda slot is filed under in the sessions app.
SESSION_KIND = {
    AgendaKind.OPENING_TALK: SessionKind.EXPERT_TALK,
    AgendaKind.MINI_TALK: SessionKind.EXPERT_TALK,
    AgendaKind.TEAM_WORK: SessionKind.WORKING,
    AgendaKind.EXHIBITION: SessionKind.WORKING,
    AgendaKind.LOOK_BACK: SessionKind.CLOSING,
    AgendaKind.BREAK: SessionKind.WORKING,
}

# --- Edition, sites, challenges, agenda -------------------------------------------------------


def edition_create(
    *, cohort: Cohort, actor: User, registration_closes: datetime.datetime, introduction: str = ""
) -> Edition:
    require(actor, "cohorts.manage_cohort", cohort)
    if not cohort.programme.format_spec.uses_sites:
        raise DomainError(_("Only a sprint's edition runs at sites."))
    with transaction.atomic():
        edition = Edition.objects.create(
            cohort=cohort, registration_closes=registration_closes, introduction=introduction
        )
        audit_log(actor=actor, action="sprint_edition.create", obj=edition)
    return edition


def edition_for(*, cohort: Cohort, actor: User) -> Edition:
    """The sprint's side of a sprint programme's cohort, made the first time a coordinator
    opens it (registration closes by default the evening before the opening talks)."""
    edition = Edition.objects.filter(cohort=cohort).first()
    if edition is not None:
        return edition
    eve = datetime.datetime.combine(
        cohort.kickoff - datetime.timedelta(days=1),
        datetime.time(18),
        tzinfo=ZoneInfo("Europe/Paris"),
    )
    return edition_create(cohort=cohort, actor=actor, registration_closes=eve)


def site_create(*, edition: Edition, actor: User, data: dict, coordinators=()) -> Site:
    require(actor, "sprints.manage_edition", edition)
    data = dict(data)
    if not data.get("slug"):
        data["slug"] = unique_slug(
            Site.objects.filter(edition=edition), data["city"], max_length=60, fallback="site"
        )
    with transaction.atomic():
        site = Site.objects.create(edition=edition, **data)
        site.coordinators.set(coordinators)
        audit_log(actor=actor, action="sprint_site.create", obj=site, after={"city": site.city})
    return site


def site_challenge_add(
    *, site: Site, actor: User, challenge: Challenge, room: str = ""
) -> SiteChallenge:
    """Take ``challenge`` (a challenge of the edition's cohort) on at ``site``, with its team."""
    require(actor, "sprints.manage_edition", site.edition)
    cohort = site.edition.cohort
    if challenge.cohort_id != cohort.pk:
        raise DomainError(_("This challenge is not one of this edition's."))
    if SiteChallenge.objects.filter(challenge=challenge).exists():
        raise DomainError(_("This challenge is already taken on at a site."))
    with transaction.atomic():
        team = Team.objects.create(
            cohort=cohort, name=f"{site.city} · {challenge.title}"[:120], challenge=challenge
        )
        site_challenge = SiteChallenge.objects.create(
            site=site, challenge=challenge, team=team, room=room
        )
        audit_log(actor=actor, action="sprint_site.challenge_add", obj=site_challenge)
    return site_challenge


def agenda_item_add(
    *,
    site: Site,
    actor: User,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    room: str = "",
    agenda: str = "",
) -> AgendaItem:
    """One slot of the site's agenda: a session of the cohort, held at the site in its zone."""
    require(actor, "sprints.manage_site", site)
    if ends_at <= starts_at:
        raise DomainError(_("The end must come after the start."))
    with transaction.atomic():
        session = Session.objects.create(
            cohort=site.edition.cohort,
            kind=SESSION_KIND[kind],
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            place=", ".join(p for p in (room, site.venue) if p),
            address=site.address,
            agenda=agenda,
            time_zone=site.time_zone,
        )
        item = AgendaItem.objects.create(site=site, session=session, kind=kind)
        audit_log(actor=actor, action="sprint_site.agenda_add", obj=item, after={"title": title})
    return item


# --- Registration -----------------------------------------------------------------------------

REGISTRATION_TRANSITIONS = {
    RegistrationStatus.WAITING: {RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED},
    RegistrationStatus.CONFIRMED: {RegistrationStatus.CANCELLED},
    RegistrationStatus.CANCELLED: set(),
}


def pass_token(registration: Registration) -> str:
    return signing.dumps(registration.token, salt=PASS_SALT)


def cancel_token(registration: Registration) -> str:
    return signing.dumps(registration.token, salt=CANCEL_SALT)


def registration_from_signed(value: str, *, salt: str) -> Registration | None:
    try:
        token = signing.loads(value, salt=salt)
    except signing.BadSignature:
        return None
    return (
        Registration.objects.select_related("site__edition__cohort__programme", "team")
        .filter(token=token)
        .first()
    )


def _take_place(site_id: int) -> bool:
    """One conditional UPDATE: a place is taken only while ``registered < capacity`` (the
    database decides under concurrency; the check constraint is the backstop)."""
    return bool(
        Site.objects.filter(pk=site_id, registered__lt=F("capacity")).update(
            registered=F("registered") + 1
        )
    )


def _mail_status(registration: Registration, template: str) -> None:
    send_templated_mail(
        recipients=[
            Recipient(
                email=registration.email,
                language=registration.language,
                name=str(registration),
            )
        ],
        template=f"sprints/email/{template}",
        context={
            "registration": registration,
            "site": registration.site,
            "edition": registration.site.edition,
            "pass_url": absolute_url(reverse("sprints:pass", args=[pass_token(registration)])),
            "cancel_url": absolute_url(
                reverse("sprints:cancel", args=[cancel_token(registration)])
            ),
        },
    )


def registration_submit(
    *, edition: Edition, data: dict, language: str = "fr", now=None
) -> Registration:
    """Register a participant (``data``: a valid RegistrationForm's cleaned data). Confirmed
    while the site has room, else on its waiting list; told by e-mail either way. Refused,
    with nothing saved, after the closing date or when the address is already registered."""
    now = now or timezone.now()
    if now > edition.registration_closes:
        raise DomainError(_("Registration for this edition is closed."))
    site = data["site"]
    if site.edition_id != edition.pk:
        raise DomainError(_("Choose one of this edition's sites."))
    choices = [data["choice_1"], data["choice_2"], data["choice_3"]]
    if any(c.site_id != site.pk for c in choices):
        raise DomainError(_("Choose three challenges of the site you register for."))
    if len({c.pk for c in choices}) != 3:
        raise DomainError(_("Choose three different challenges."))
    email = data["email"].strip().lower()
    try:
        with transaction.atomic():
            confirmed = _take_place(site.pk)
            registration = Registration.objects.create(
                edition=edition,
                site=site,
                email=email,
                first_name=data["first_name"].strip(),
                last_name=data["last_name"].strip(),
                collectivite=data["collectivite"].strip(),
                job_family=data["job_family"],
                choice_1=choices[0],
                choice_2=choices[1],
                choice_3=choices[2],
                status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING,
                status_changed_at=now,
                language=language,
            )
            audit_log(
                actor=None,
                action="sprint_registration.create",
                obj=registration,
                organisation=edition.coordinating_organisation_id,
                after={"site": site.pk, "status": registration.status},
            )
            _mail_status(registration, "confirmed" if confirmed else "waiting")
    except IntegrityError:
        # The one live registration per address and edition (the counter's UPDATE is
        # rolled back with it).
        raise DomainError(
            _("This address is already registered for this edition: see the e-mail we sent you.")
        ) from None
    return registration


def registration_set_status(
    *, registration: Registration, status: str, actor: User | None, at=None
) -> Registration:
    """The one writer of ``Registration.status`` (see REGISTRATION_TRANSITIONS). Releasing a
    confirmed place gives it to the first on the waiting list."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = (
            Registration.objects.select_for_update()
            .select_related("site__edition")
            .get(pk=registration.pk)
        )
        if status not in REGISTRATION_TRANSITIONS[locked.status]:
            raise DomainError(_("This registration cannot change to this status."))
        if actor is not None:
            require(actor, "sprints.manage_site", locked.site)
        before = locked.status
        if status == RegistrationStatus.CONFIRMED and not _take_place(locked.site_id):
            raise DomainError(_("This site is full."))
        locked.status = status
        locked.status_changed_at = at
        if status == RegistrationStatus.CANCELLED:
            locked.team = None
        locked.save(update_fields=["status", "status_changed_at", "team"])
        audit_log(
            actor=actor,
            action="sprint_registration.status",
            obj=locked,
            organisation=locked.coordinating_organisation_id,
            before={"status": before},
            after={"status": status},
        )
        if before == RegistrationStatus.CONFIRMED:
            Site.objects.filter(pk=locked.site_id).update(registered=F("registered") - 1)
            _promote_first_waiting(locked.site_id, at)
        if status == RegistrationStatus.CONFIRMED:
            _mail_status(locked, "promoted")
    return locked


def _promote_first_waiting(site_id: int, at) -> None:
    first = (
        Registration.objects.select_for_update(skip_locked=True)
        .filter(site_id=site_id, status=RegistrationStatus.WAITING)
        .order_by("created_at", "id")
        .first()
    )
    if first is not None and _take_place(site_id):
        first.status = RegistrationStatus.CONFIRMED
        first.status_changed_at = at
        first.save(update_fields=["status", "status_changed_at"])
        audit_log(
            actor=None,
            action="sprint_registration.promoted",
            obj=first,
            organisation=first.coordinating_organisation_id,
            after={"status": first.status},
        )
        _mail_status(first, "promoted")


def registration_cancel(*, registration: Registration) -> Registration:
    """The participant's own cancellation (by the signed link of their e-mail)."""
    if registration.status == RegistrationStatus.CANCELLED:
        raise DomainError(_("This registration is already cancelled."))
    return registration_set_status(
        registration=registration, status=RegistrationStatus.CANCELLED, actor=None
    )


def registration_check_in(*, registration: Registration, actor: User) -> Registration:
    require(actor, "sprints.manage_site", registration.site)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise DomainError(_("Only a confirmed participant can be checked in."))
    updated = Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
        checked_in_at=timezone.now()
    )
    if updated:
        registration.refresh_from_db(fields=["checked_in_at"])
    return registration


# --- Assignment -------------------------------------------------------------------------------


def assignment_save(*, site: Site, actor: User, placements: list[Placement]) -> int:
    """Save the (possibly edited) placements of the site's confirmed participants: every
    team one of the site's, or nothing is saved."""
    require(actor, "sprints.manage_site", site)
    teams = set(site.site_challenges.exclude(team=None).values_list("team_id", flat=True))
    with transaction.atomic():
        confirmed = {
            r.pk: r
            for r in Registration.objects.select_for_update().filter(
                site=site, status=RegistrationStatus.CONFIRMED
            )
        }
        changed = []
        for p in placements:
            if p.team_id not in teams or p.person_id not in confirmed:
                raise DomainError(_("A placement names a team or a participant not of this site."))
            r = confirmed[p.person_id]
            r.team_id, r.placement_reason = p.team_id, p.reason[:300]
            changed.append(r)
        Registration.objects.bulk_update(changed, ["team", "placement_reason"])
        audit_log(
            actor=actor, action="sprint_site.assignment", obj=site, after={"placed": len(changed)}
        )
    return len(changed)


# --- Options, prototype, feedback -------------------------------------------------------------


def option_add(*, team: Team, title: str, description: str = "") -> Option:
    title = title.strip()
    if not title:
        raise DomainError(_("Give the option a title."))
    with transaction.atomic():
        option = Option.objects.create(team=team, title=title, description=description.strip())
        audit_log(
            actor=None,
            action="sprint_option.create",
            obj=option,
            organisation=team.coordinating_organisation_id,
        )
    return option


def option_retain(*, option: Option) -> Option:
    """Retain ``option`` (the one of its team): the challenge's owner validates it next."""
    with transaction.atomic():
        Team.objects.select_for_update().get(pk=option.team_id)
        if Option.objects.filter(team_id=option.team_id, validated_at__isnull=False).exists():
            raise DomainError(_("The challenge's owner has already validated the retained option."))
        Option.objects.filter(team_id=option.team_id, retained=True).update(retained=False)
        Option.objects.filter(pk=option.pk).update(retained=True)
        option.retained = True
    return option


def option_validate(*, option: Option, actor: User, comment: str) -> Option:
    """The challenge's owner validates the retained option, with a comment."""
    comment = comment.strip()
    if not comment:
        raise DomainError(_("Say in a comment how the option meets your expectation."))
    with transaction.atomic():
        locked = (
            # Only the option's row: the team's challenge is a nullable join, which
            # PostgreSQL refuses to lock.
            Option.objects.select_for_update(of=("self",))
            .select_related("team__challenge", "team__cohort__programme")
            .get(pk=option.pk)
        )
        require(actor, "sprints.validate_option", locked.team)
        if not locked.retained:
            raise DomainError(_("Only the retained option can be validated."))
        locked.validated_at, locked.validated_by, locked.owner_comment = (
            timezone.now(),
            actor,
            comment,
        )
        locked.save(update_fields=["validated_at", "validated_by", "owner_comment"])
        audit_log(
            actor=actor, action="sprint_option.validate", obj=locked, after={"comment": comment}
        )
    return locked


def prototype_file_add(
    *, team: Team, upload, caption: str = "", actor: User | None = None
) -> PrototypeFile:
    checked = check_upload(upload)
    with files_atomic():
        path = store(checked, folder=f"sprints/prototypes/{team.pk}")
        item = PrototypeFile.objects.create(
            team=team,
            path=path,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=actor,
            caption=caption.strip()[:200],
        )
        audit_log(
            actor=actor,
            action="sprint_prototype.file_add",
            obj=item,
            organisation=team.coordinating_organisation_id,
        )
    return item


def feedback_submit(*, stand: SiteChallenge, registration: Registration, data: dict) -> Feedback:
    """A participant's feedback at a stand: exactly one per participant and stand (the
    database's unique constraint decides when two phones send at once)."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise DomainError(_("Only the sprint's participants can leave feedback."))
    if registration.site.edition_id != stand.site.edition_id:
        raise DomainError(_("This stand is not one of your edition's."))
    if registration.team_id and registration.team_id == stand.team_id:
        raise DomainError(_("This is your own team's stand."))
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                stand=stand,
                registration=registration,
                useful=data["useful"],
                usable=data["usable"],
                change=data.get("change", "").strip(),
            )
    except IntegrityError:
        raise DomainError(_("You have already left feedback at this stand. Thank you!")) from None
