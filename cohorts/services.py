"""Writes of the cohorts app: cohorts and their calendar, assembly, enrolment, teams,
kickoff selection and deliverables. Each function runs in one transaction, locks the row
whose state changes, checks the rule, writes the audit log and queues e-mail on commit."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.models import Challenge, ChallengeStatus
from cohorts import selectors, uploads
from cohorts.composition import check_members
from cohorts.enums import EnrolmentStatus, ProgrammeFormat, TeamStatus
from cohorts.formats import FORMATS
from cohorts.models import (
    CoachAssignment,
    Cohort,
    DeadlineExtension,
    Deliverable,
    DeliverableFile,
    DeliverableVersion,
    DraftSession,
    KickoffScenario,
    Milestone,
    Programme,
    ScenarioFile,
    SchoolEnrolment,
    Team,
    TeamMember,
    VersionComment,
)
from curiouslab.accounts.enums import COORDINATING_KINDS
from curiouslab.accounts.models import Invitation, Membership, Organisation, Role, User
from curiouslab.accounts.roles import roles_for
from curiouslab.accounts.rules import require
from curiouslab.accounts.selectors import users_with_role
from curiouslab.accounts.services import invitation_create
from curiouslab.audit import audit_log, snapshot
from curiouslab.errors import DomainError
from curiouslab.mail import send_templated_mail
from curiouslab.slugs import unique_slug
from curiouslab.storedfiles import files_atomic
from documents.models import DocumentSettings
from documents.selectors import settings_for
from documents.services import settings_save
from sessions.models import Session
from sessions.services import SessionData, session_create
from trophies.models import Jury
from trophies.services import jury_copy_setup

CALENDAR_FIELDS = [
    "call_opens",
    "call_closes",
    "kickoff",
    "working_starts",
    "working_ends",
    "closing",
]
COHORT_FIELDS = ["name", "year", *CALENDAR_FIELDS]
PROGRAMME_RULE_FIELDS = [
    "name",
    "description",
    "team_min_size",
    "team_max_size",
    "team_min_disciplines",
    "team_min_schools",
    "dpo_email",
    "retention_years",
]


def _org(cohort: Cohort) -> int:
    return cohort.programme.organisation_id


def _check_team_size(data: dict) -> None:
    low, high = data.get("team_min_size"), data.get("team_max_size")
    if low is not None and high is not None and low > high:
        raise DomainError(_("The minimum team size cannot exceed the maximum."))


def _check_calendar(data: dict) -> None:
    dates = [data[f] for f in CALENDAR_FIELDS]
    if any(a > b for a, b in zip(dates, dates[1:], strict=False)):
        raise DomainError(
            _(
                "The calendar must run in order: call opens, call closes, kickoff, working "
                "period, closing."
            )
        )


# --- Programmes and cohorts ---------------------------------------------------------------


def programme_update(*, programme: Programme, actor: User, data: dict) -> Programme:
    require(actor, "cohorts.manage_programme", programme)
    _check_team_size(data)
    # What the form of its format shows; the format itself never changes.
    fields = [name for name in PROGRAMME_RULE_FIELDS if name in data]
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        before = snapshot(programme, fields)
        for name in fields:
            setattr(programme, name, data[name])
        programme.save(update_fields=fields)
        audit_log(
            actor=actor,
            action="programme.update",
            obj=programme,
            organisation=programme.organisation_id,
            before=before,
            after=snapshot(programme, fields),
        )
    return programme


def programme_create(*, organisation: Organisation, actor: User, data: dict) -> Programme:
    """A coordinator starts a programme; their (coordinating) organisation runs it."""
    if organisation.id not in roles_for(actor).orgs(Role.COORDINATOR):
        raise DomainError(_("You do not coordinate this organisation."), code="forbidden")
    if organisation.kind not in COORDINATING_KINDS:
        raise DomainError(
            _(
                "Only a coordinating organisation (a département, a région, an intercommunality, a CNFPT delegation, a State service or a partner) can run a programme."
            )
        )
    if data.get("format", ProgrammeFormat.SCHOOL_YEAR) not in FORMATS:
        raise DomainError(_("Choose one of the formats."))
    _check_team_size(data)
    with transaction.atomic():
        slug = unique_slug(
            Programme.objects.all(), data["name"], max_length=70, fallback="programme"
        )
        # The rules a format does not use keep the model's defaults.
        programme = Programme.objects.create(
            organisation=organisation,
            slug=slug,
            format=data.get("format", ProgrammeFormat.SCHOOL_YEAR),
            **{name: data[name] for name in PROGRAMME_RULE_FIELDS if name in data},
        )
        audit_log(
            actor=actor,
            action="programme.create",
            obj=programme,
            organisation=organisation.id,
            after=snapshot(programme, ["organisation", "slug", "format", *PROGRAMME_RULE_FIELDS]),
        )
    return programme


def cohort_create(*, programme: Programme, actor: User, data: dict) -> Cohort:
    require(actor, "cohorts.manage_programme", programme)
    _check_calendar(data)
    with transaction.atomic():
        if Cohort.objects.filter(programme=programme, year=data["year"]).exists():
            raise DomainError(programme.terms.one_per_year)
        cohort = Cohort.objects.create(programme=programme, **{f: data[f] for f in COHORT_FIELDS})
        audit_log(
            actor=actor,
            action="cohort.create",
            obj=cohort,
            organisation=programme.organisation_id,
            after=snapshot(cohort, COHORT_FIELDS),
        )
    return cohort


def cohort_update(*, cohort: Cohort, actor: User, data: dict) -> Cohort:
    require(actor, "cohorts.manage_cohort", cohort)
    _check_calendar(data)
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().select_related("programme").get(pk=cohort.pk)
        if (
            data["year"] != cohort.year
            and Cohort.objects.filter(programme=cohort.programme, year=data["year"]).exists()
        ):
            raise DomainError(cohort.programme.terms.one_per_year)
        before = snapshot(cohort, COHORT_FIELDS)
        for name in COHORT_FIELDS:
            setattr(cohort, name, data[name])
        cohort.save(update_fields=COHORT_FIELDS)
        audit_log(
            actor=actor,
            action="cohort.update",
            obj=cohort,
            organisation=_org(cohort),
            before=before,
            after=snapshot(cohort, COHORT_FIELDS),
        )
    return cohort


def shift_year(value, years: int = 1):
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def shift_moment(value: datetime.datetime, years: int = 1) -> datetime.datetime:
    """The same local day and hour ``years`` later, in the site's time zone (Europe/Paris):
    18:00 stays 18:00 when one date is in summer time and the other in winter time."""
    tz = timezone.get_default_timezone()
    local = timezone.localtime(value, tz).replace(tzinfo=None)
    return timezone.make_aware(shift_year(local, years), tz)


def _next_name(name: str, year: int) -> str:
    new = re.sub(rf"{year}\s*-\s*{year + 1}", f"{year + 1}-{year + 2}", name)
    if new == name:
        new = name.replace(str(year), str(year + 1))
    return new if new != name else f"{name} ({year + 1}-{year + 2})"


def cohort_create_next(*, cohort: Cohort, actor: User) -> Cohort:
    """The next school year's cohort: calendar shifted by one year, milestones (at the same
    local hour) and the jury's rules, criteria and award categories copied, the jury named
    for its own year. The sessions' plan and the diploma attendance rule are copied as drafts
    that a coordinator confirms (``copied_session_confirm``, ``copied_rule_confirm``).
    People's data (enrolments, teams, challenges, deliverables) is never copied; the team
    composition rule lives on the programme and carries over as it is."""
    require(actor, "cohorts.manage_cohort", cohort)
    with transaction.atomic():
        source = Cohort.objects.select_for_update().select_related("programme").get(pk=cohort.pk)
        year = source.year + 1
        if Cohort.objects.filter(programme=source.programme, year=year).exists():
            raise DomainError(source.programme.terms.one_per_year)
        rule = (
            DocumentSettings.objects.filter(cohort=source)
            .values_list("attendance_min_percent", flat=True)
            .first()
        )
        new = Cohort.objects.create(
            programme=source.programme,
            year=year,
            name=_next_name(source.name, source.year),
            previous=source,
            attendance_rule_to_confirm=rule,
            **{f: shift_year(getattr(source, f)) for f in CALENDAR_FIELDS},
        )
        milestones = [
            Milestone(
                cohort=new,
                kind=m.kind,
                name=m.name,
                description=m.description,
                deadline=shift_moment(m.deadline),
            )
            for m in source.milestones.all()
        ]
        Milestone.objects.bulk_create(milestones)
        juries = jury_copy_setup(source=source, target=new)
        for jury in Jury.objects.filter(cohort=new):
            jury.name = _next_name(jury.name, source.year)
            jury.save(update_fields=["name"])
        drafts = DraftSession.objects.bulk_create(
            DraftSession(
                cohort=new,
                kind=s.kind,
                title=s.title,
                starts_at=shift_moment(s.starts_at),
                ends_at=shift_moment(s.ends_at),
                place=s.place,
                address=s.address,
                capacity=s.capacity,
                agenda=s.agenda,
                invited_roles=sorted(r.role for r in s.invited_roles.all()),
            )
            for s in Session.objects.filter(cohort=source).prefetch_related("invited_roles")
        )
        audit_log(
            actor=actor,
            action="cohort.create_next",
            obj=new,
            organisation=_org(source),
            after={
                **snapshot(new, COHORT_FIELDS),
                "from": source.pk,
                "milestones": len(milestones),
                "juries": juries,
                "sessions_to_confirm": len(drafts),
                "attendance_rule_to_confirm": rule,
            },
        )
    return new


def copied_session_confirm(*, draft: DraftSession, actor: User):
    """A session copied from last year becomes a session of the cohort (as planned then; the
    coordinator edits it like any other)."""
    require(actor, "cohorts.manage_cohort", draft.cohort)
    with transaction.atomic():
        draft = (
            DraftSession.objects.select_for_update()
            .select_related("cohort__programme")
            .filter(pk=draft.pk)
            .first()
        )
        if draft is None:
            raise DomainError(_("This copied session has already been confirmed or set aside."))
        session = session_create(
            cohort=draft.cohort,
            actor=actor,
            data=SessionData(
                kind=draft.kind,
                title=draft.title,
                starts_at=draft.starts_at,
                ends_at=draft.ends_at,
                place=draft.place,
                address=draft.address,
                capacity=draft.capacity,
                agenda=draft.agenda,
                invited_roles=list(draft.invited_roles),
            ),
        )
        draft.delete()
    return session


def copied_sessions_confirm_all(*, cohort: Cohort, actor: User) -> int:
    """Every session copied from last year joins the calendar, or none does."""
    require(actor, "cohorts.manage_cohort", cohort)
    with transaction.atomic():
        drafts = list(DraftSession.objects.select_for_update().filter(cohort=cohort))
        for draft in drafts:
            copied_session_confirm(draft=draft, actor=actor)
    return len(drafts)


def copied_session_discard(*, draft: DraftSession, actor: User) -> None:
    require(actor, "cohorts.manage_cohort", draft.cohort)
    with transaction.atomic():
        draft = (
            DraftSession.objects.select_for_update()
            .select_related("cohort__programme")
            .filter(pk=draft.pk)
            .first()
        )
        if draft is None:
            return
        audit_log(
            actor=actor,
            action="cohort.copied_session_discard",
            obj=draft.cohort,
            organisation=_org(draft.cohort),
            before={"title": draft.title, "starts_at": draft.starts_at.isoformat()},
        )
        draft.delete()


def copied_rule_confirm(*, cohort: Cohort, actor: User) -> int:
    """The diploma attendance rule copied from last year applies to this cohort."""
    require(actor, "cohorts.manage_cohort", cohort)
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().select_related("programme").get(pk=cohort.pk)
        rule = cohort.attendance_rule_to_confirm
        if rule is None:
            raise DomainError(_("There is no copied attendance rule to confirm."))
        doc_settings = settings_for(cohort)
        doc_settings.attendance_min_percent = rule
        settings_save(doc_settings=doc_settings, actor=actor)
        cohort.attendance_rule_to_confirm = None
        cohort.save(update_fields=["attendance_rule_to_confirm"])
    return rule


def milestone_save(
    *, cohort: Cohort, actor: User, data: dict, milestone: Milestone | None = None
) -> Milestone:
    require(actor, "cohorts.manage_cohort", cohort)
    fields = ["kind", "name", "description", "deadline"]
    with transaction.atomic():
        if milestone is None:
            milestone = Milestone.objects.create(cohort=cohort, **{f: data[f] for f in fields})
            before = None
            action = "milestone.create"
        else:
            milestone = Milestone.objects.select_for_update().get(pk=milestone.pk, cohort=cohort)
            before = snapshot(milestone, fields)
            for f in fields:
                setattr(milestone, f, data[f])
            milestone.save(update_fields=fields)
            action = "milestone.update"
        audit_log(
            actor=actor,
            action=action,
            obj=milestone,
            organisation=_org(cohort),
            before=before,
            after=snapshot(milestone, fields),
        )
    return milestone


# --- Cohort assembly ------------------------------------------------------------------------


def cohort_challenge_add(*, cohort: Cohort, challenge: Challenge, actor: User) -> Challenge:
    require(actor, "cohorts.manage_cohort", cohort)
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if challenge.cohort_id == cohort.pk:
            return challenge
        if timezone.localdate() >= cohort.kickoff:
            raise DomainError(
                _("Challenges can only be added to the selection before the kickoff.")
            )
        if challenge.programme_id != cohort.programme_id:
            raise DomainError(_("This challenge belongs to another programme."))
        if challenge.status != ChallengeStatus.ACCEPTED:
            raise DomainError(_("Only accepted challenges can be added to the selection."))
        if challenge.cohort_id is not None:
            raise DomainError(_("This challenge is already in another selection."))
        challenge.cohort = cohort
        challenge.save(update_fields=["cohort"])
        audit_log(
            actor=actor,
            action="cohort.challenge_add",
            obj=challenge,
            organisation=_org(cohort),
            before={"cohort": None},
            after={"cohort": cohort.pk},
        )
    return challenge


def cohort_challenge_remove(*, cohort: Cohort, challenge: Challenge, actor: User) -> Challenge:
    require(actor, "cohorts.manage_cohort", cohort)
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if challenge.cohort_id != cohort.pk:
            return challenge
        if timezone.localdate() >= cohort.kickoff:
            raise DomainError(
                _("A challenge can only be taken out of the selection before the kickoff.")
            )
        if Team.objects.filter(challenge=challenge).exists():
            raise DomainError(
                _("Teams are assigned to this challenge: assign them elsewhere first.")
            )
        challenge.cohort = None
        challenge.save(update_fields=["cohort"])
        audit_log(
            actor=actor,
            action="cohort.challenge_remove",
            obj=challenge,
            organisation=_org(cohort),
            before={"cohort": cohort.pk},
            after={"cohort": None},
        )
    return challenge


# --- School enrolment -----------------------------------------------------------------------


def clean_disciplines(raw: str | list[str]) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else raw
    seen: dict[str, str] = {}
    for item in items:
        name = " ".join(item.split()).strip()
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


def enrolment_request(
    *, cohort: Cohort, school: Organisation, actor: User, disciplines: list[str]
) -> SchoolEnrolment:
    if school.kind != "school":
        raise DomainError(_("Only a school can enrol in a cohort."))
    if timezone.localdate() > cohort.working_ends:
        raise DomainError(_("This cohort's working period is over."))
    disciplines = clean_disciplines(disciplines)
    if not disciplines:
        raise DomainError(_("Name at least one discipline of your students."))
    with transaction.atomic():
        enrolment, created = SchoolEnrolment.objects.get_or_create(
            cohort=cohort,
            school=school,
            defaults={"disciplines": disciplines, "requested_by": actor},
        )
        if not created:
            raise DomainError(_("Your school has already asked to take part in this cohort."))
        audit_log(
            actor=actor,
            action="enrolment.request",
            obj=enrolment,
            organisation=_org(cohort),
            after={"school": school.pk, "disciplines": disciplines},
        )
        coordinators = users_with_role(organisation_id=_org(cohort), role=Role.COORDINATOR)
        send_templated_mail(
            recipients=coordinators,
            template="cohorts/email/enrolment_requested",
            context={"enrolment": enrolment},
        )
    return enrolment


def enrolment_update_disciplines(
    *, enrolment: SchoolEnrolment, actor: User, disciplines: list[str]
) -> SchoolEnrolment:
    require(actor, "cohorts.manage_enrolment", enrolment)
    disciplines = clean_disciplines(disciplines)
    if not disciplines:
        raise DomainError(_("Name at least one discipline of your students."))
    with transaction.atomic():
        enrolment = SchoolEnrolment.objects.select_for_update().get(pk=enrolment.pk)
        before = enrolment.disciplines
        enrolment.disciplines = disciplines
        enrolment.save(update_fields=["disciplines"])
        audit_log(
            actor=actor,
            action="enrolment.disciplines",
            obj=enrolment,
            organisation=_org(enrolment.cohort),
            before={"disciplines": before},
            after={"disciplines": disciplines},
        )
    return enrolment


# Where an enrolment may go from each status: the coordinator approves or declines a request,
# and may still approve a declined one; an approved school stays.
ENROLMENT_TRANSITIONS = {
    EnrolmentStatus.REQUESTED: {EnrolmentStatus.APPROVED, EnrolmentStatus.DECLINED},
    EnrolmentStatus.DECLINED: {EnrolmentStatus.APPROVED},
    EnrolmentStatus.APPROVED: set(),
}


def enrolment_set_status(
    *,
    enrolment: SchoolEnrolment,
    actor: User,
    status: str,
    at: datetime.datetime | None = None,
) -> SchoolEnrolment:
    """The one writer of ``SchoolEnrolment.status`` (the coordinator decides), along
    ``ENROLMENT_TRANSITIONS``; ``at`` a past moment for the demo's history."""
    require(actor, "cohorts.decide_enrolment", enrolment)
    with transaction.atomic():
        enrolment = (
            SchoolEnrolment.objects.select_for_update()
            .select_related("cohort__programme", "school")
            .get(pk=enrolment.pk)
        )
        if enrolment.status == status:
            return enrolment
        if status not in ENROLMENT_TRANSITIONS[enrolment.status]:
            raise DomainError(_("This enrolment can no longer be changed this way."))
        before = enrolment.status
        enrolment.status = status
        enrolment.decided_by = actor
        enrolment.decided_at = at or timezone.now()
        enrolment.save(update_fields=["status", "decided_by", "decided_at"])
        audit_log(
            actor=actor,
            action=f"enrolment.{status}",
            obj=enrolment,
            organisation=_org(enrolment.cohort),
            before={"status": before},
            after={"status": status},
            at=at,
        )
        referents = users_with_role(organisation_id=enrolment.school_id, role=Role.SCHOOL_REFERENT)
        send_templated_mail(
            recipients=referents,
            template="cohorts/email/enrolment_decided",
            context={"enrolment": enrolment},
        )
    return enrolment


def _match_discipline(enrolment: SchoolEnrolment, discipline: str) -> str | None:
    wanted = " ".join(discipline.split()).lower()
    for known in enrolment.disciplines:
        if known.lower() == wanted:
            return known
    return None


def student_invite(
    *,
    enrolment: SchoolEnrolment,
    actor: User,
    email: str,
    first_name: str,
    last_name: str,
    discipline: str,
    level: str = "",
    language: str = "fr",
) -> Invitation:
    require(actor, "cohorts.manage_enrolment", enrolment)
    if enrolment.status == SchoolEnrolment.Status.DECLINED:
        raise DomainError(_("This school's enrolment was declined."))
    known = _match_discipline(enrolment, discipline)
    if known is None:
        raise DomainError(
            _("Unknown discipline “%(d)s”: use one the school declared (%(list)s).")
            % {"d": discipline, "list": enrolment.discipline_list}
        )
    return invitation_create(
        organisation=enrolment.school,
        role=Role.STUDENT,
        email=email,
        invited_by=actor,
        first_name=first_name,
        last_name=last_name,
        discipline=known,
        level=level,
        language=language,
    )


@dataclass
class ImportRow:
    line: int
    name: str
    email: str
    discipline: str
    level: str
    problems: list[str] = field(default_factory=list)
    # From separate first and last name columns; else the name's first word is the first name.
    given: str = ""
    family: str = ""

    @property
    def first_name(self) -> str:
        if self.given or self.family:
            return self.given
        return self.name.split(" ", 1)[0] if self.name else ""

    @property
    def last_name(self) -> str:
        if self.given or self.family:
            return self.family
        return self.name.split(" ", 1)[1] if " " in self.name else ""


# What an imported row may hold: the columns' lengths (Invitation), and no control character.
IMPORT_LIMITS = {"first_name": 150, "last_name": 150, "email": 254, "discipline": 80, "level": 40}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _import_cell_problems(row: ImportRow) -> list[str]:
    problems = []
    labels = {
        "first_name": _("first name"),
        "last_name": _("last name"),
        "email": _("e-mail address"),
        "discipline": _("discipline"),
        "level": _("level"),
    }
    for name, limit in IMPORT_LIMITS.items():
        value = getattr(row, name)
        if len(value) > limit:
            problems.append(
                _("The %(field)s has more than %(n)d characters.")
                % {"field": labels[name], "n": limit}
            )
        if _CONTROL.search(value):
            problems.append(
                _("The %(field)s contains a control character.") % {"field": labels[name]}
            )
    return problems


def student_import_check(*, enrolment: SchoolEnrolment, rows: list[dict]) -> list[ImportRow]:
    """Check every row of an import and list its problems; two queries whatever the size."""
    result = []
    emails = {(r.get("email") or "").strip().lower() for r in rows}
    members = set(
        Membership.objects.filter(
            organisation=enrolment.school, role=Role.STUDENT, user__email__in=emails
        ).values_list("user__email", flat=True)
    )
    invited = set(
        Invitation.objects.pending()
        .filter(organisation=enrolment.school, role=Role.STUDENT, email__in=emails)
        .values_list("email", flat=True)
    )
    seen: dict[str, int] = {}
    for i, raw in enumerate(rows, start=2):  # line 1 is the header
        row = ImportRow(
            line=i,
            name=" ".join((raw.get("name") or "").split()),
            email=(raw.get("email") or "").strip().lower(),
            discipline=" ".join((raw.get("discipline") or "").split()),
            level=(raw.get("level") or "").strip(),
            given=" ".join((raw.get("first_name") or "").split()),
            family=" ".join((raw.get("last_name") or "").split()),
        )
        if not row.name:
            row.problems.append(_("The name is missing."))
        row.problems.extend(_import_cell_problems(row))
        try:
            validate_email(row.email)
        except Exception:
            row.problems.append(_("“%(e)s” is not a valid e-mail address.") % {"e": row.email[:80]})
        else:
            if row.email in seen:
                row.problems.append(
                    _("This address already appears on line %(n)d.") % {"n": seen[row.email]}
                )
            else:
                seen[row.email] = i
            if row.email in members:
                row.problems.append(_("This student is already a member of the school."))
            elif row.email in invited:
                row.problems.append(_("This student has already been invited."))
        known = _match_discipline(enrolment, row.discipline)
        if known is None:
            row.problems.append(_("Unknown discipline “%(d)s”.") % {"d": row.discipline or "—"})
        else:
            row.discipline = known
        result.append(row)
    return result


def student_import(
    *, enrolment: SchoolEnrolment, actor: User, rows: list[dict], language: str = "fr"
) -> int:
    """Invite every row, or nobody: a single problem refuses the whole import."""
    require(actor, "cohorts.manage_enrolment", enrolment)
    if enrolment.status == SchoolEnrolment.Status.DECLINED:
        raise DomainError(_("This school's enrolment was declined."))
    checked = student_import_check(enrolment=enrolment, rows=rows)
    if not checked:
        raise DomainError(_("The file has no student."))
    if any(r.problems for r in checked):
        raise DomainError(_("The file still has problems: nothing was imported."))
    with transaction.atomic():
        for row in checked:
            invitation_create(
                organisation=enrolment.school,
                role=Role.STUDENT,
                email=row.email,
                invited_by=actor,
                first_name=row.first_name,
                last_name=row.last_name,
                discipline=row.discipline,
                level=row.level,
                language=language,
            )
        audit_log(
            actor=actor,
            action="enrolment.import_students",
            obj=enrolment,
            organisation=_org(enrolment.cohort),
            after={"count": len(checked)},
        )
    return len(checked)


# --- Teams ------------------------------------------------------------------------------------


def _student_membership(*, cohort: Cohort, user: User) -> Membership:
    membership = (
        Membership.objects.active()
        .filter(
            user=user,
            role=Role.STUDENT,
            organisation__enrolments__cohort=cohort,
            organisation__enrolments__status=SchoolEnrolment.Status.APPROVED,
        )
        .order_by("id")
        .first()
    )
    if membership is None:
        raise DomainError(
            _("%(name)s is not a student of a school enrolled in this cohort.") % {"name": user}
        )
    return membership


def _add_member(team: Team, user: User) -> TeamMember:
    membership = _student_membership(cohort=team.cohort, user=user)
    try:
        with transaction.atomic():
            return TeamMember.objects.create(
                team=team,
                cohort=team.cohort,
                user=user,
                school_id=membership.organisation_id,
                discipline=membership.discipline,
            )
    except IntegrityError as exc:
        raise DomainError(
            _("%(name)s is already in a team of this cohort.") % {"name": user}
        ) from exc


def team_create(*, cohort: Cohort, actor: User, name: str, members: list[User]) -> Team:
    require(actor, "cohorts.manage_cohort", cohort)
    name = name.strip()
    if not name:
        raise DomainError(_("Give the team a name."))
    with transaction.atomic():
        if Team.objects.filter(cohort=cohort, name__iexact=name).exists():
            raise DomainError(_("A team of this cohort already has this name."))
        team = Team.objects.create(cohort=cohort, name=name)
        for user in members:
            _add_member(team, user)
        audit_log(
            actor=actor,
            action="team.create",
            obj=team,
            organisation=_org(cohort),
            after={"name": name, "members": [u.pk for u in members]},
        )
    return team


def _lock_team(team: Team) -> Team:
    return Team.objects.select_for_update().select_related("cohort__programme").get(pk=team.pk)


def team_member_add(*, team: Team, actor: User, user: User) -> TeamMember:
    with transaction.atomic():
        team = _lock_team(team)
        if team.status == Team.Status.CONFIRMED:
            raise DomainError(_("This team is confirmed: reopen it before changing its members."))
        require(actor, "cohorts.change_team_members", team)
        member = _add_member(team, user)
        audit_log(
            actor=actor,
            action="team.member_add",
            obj=team,
            organisation=_org(team.cohort),
            after={"user": user.pk},
        )
    return member


def team_member_remove(*, team: Team, actor: User, member: TeamMember) -> None:
    with transaction.atomic():
        team = _lock_team(team)
        if team.status == Team.Status.CONFIRMED:
            raise DomainError(_("This team is confirmed: reopen it before changing its members."))
        require(actor, "cohorts.change_team_members", team)
        deleted, _rows = TeamMember.objects.filter(pk=member.pk, team=team).delete()
        if deleted:
            audit_log(
                actor=actor,
                action="team.member_remove",
                obj=team,
                organisation=_org(team.cohort),
                before={"user": member.user_id},
            )


# A forming team is confirmed once it meets the programme's rule; a confirmed one may reopen
# until it is bound to its challenge.
TEAM_TRANSITIONS = {
    TeamStatus.FORMING: {TeamStatus.CONFIRMED},
    TeamStatus.CONFIRMED: {TeamStatus.FORMING},
}


def team_set_status(
    *, team: Team, actor: User, status: str, at: datetime.datetime | None = None
) -> Team:
    """The one writer of ``Team.status``, along ``TEAM_TRANSITIONS``: confirm a forming team
    (only when it meets the programme's rule) or reopen it; ``at`` a past moment for the
    demo's history."""
    with transaction.atomic():
        team = _lock_team(team)
        if team.status == status:
            return team
        if status not in TEAM_TRANSITIONS.get(team.status, set()):
            raise DomainError(_("Unknown team status."))
        require(
            actor,
            "cohorts.confirm_team" if status == TeamStatus.CONFIRMED else "cohorts.manage_team",
            team,
        )
        if status == Team.Status.CONFIRMED:
            members = list(team.members.values_list("school_id", "discipline"))
            composition = check_members(programme=team.cohort.programme, members=members)
            if not composition.met:
                raise DomainError(
                    _("This team does not meet the programme's rule: %(problems)s")
                    % {"problems": " ".join(composition.problems)}
                )
        elif team.challenge_bound_at is not None:
            raise DomainError(_("This team is bound to its challenge and can no longer change."))
        before = team.status
        team.status = status
        team.save(update_fields=["status"])
        audit_log(
            actor=actor,
            action=f"team.{status}",
            obj=team,
            organisation=_org(team.cohort),
            before={"status": before},
            after={"status": status},
            at=at,
        )
    return team


def team_assign_challenge(*, team: Team, actor: User, challenge: Challenge | None) -> Team:
    with transaction.atomic():
        team = _lock_team(team)
        if team.challenge_bound_at is not None:
            raise DomainError(_("This team is bound to its challenge and can no longer change."))
        if challenge is not None and challenge.cohort_id != team.cohort_id:
            raise DomainError(_("This challenge is not in the team's cohort."))
        require(actor, "cohorts.assign_team_challenge", team)
        before = team.challenge_id
        team.challenge = challenge
        team.save(update_fields=["challenge"])
        audit_log(
            actor=actor,
            action="team.assign_challenge",
            obj=team,
            organisation=_org(team.cohort),
            before={"challenge": before},
            after={"challenge": challenge.pk if challenge else None},
        )
    return team


def coach_assign(*, team: Team, actor: User, coach: User) -> CoachAssignment:
    programme_org = team.cohort.programme.organisation_id
    if (
        not Membership.objects.active()
        .filter(user=coach, role=Role.COACH, organisation_id=programme_org)
        .exists()
    ):
        raise DomainError(_("This person is not a coach of the programme."))
    with transaction.atomic():
        require(actor, "cohorts.manage_team", _lock_team(team))
        assignment, created = CoachAssignment.objects.get_or_create(team=team, coach=coach)
        if created:
            audit_log(
                actor=actor,
                action="team.coach_assign",
                obj=team,
                organisation=programme_org,
                after={"coach": coach.pk},
            )
            send_templated_mail(
                recipients=[coach],
                template="cohorts/email/coach_assigned",
                context={"team": team},
            )
    return assignment


def teams_create_from_proposal(
    *, cohort: Cohort, actor: User, groups: list[tuple[str, list[User]]]
) -> list[Team]:
    """Save an edited proposal: all the teams, or none."""
    require(actor, "cohorts.manage_cohort", cohort)
    with transaction.atomic():
        return [team_create(cohort=cohort, actor=actor, name=n, members=m) for n, m in groups if m]


# --- Kickoff ---------------------------------------------------------------------------------


def _store_files(files, *, folder: str, model, actor: User, **parent) -> list:
    """Check every file first, then stream them to storage."""
    checked = [uploads.check_upload(f) for f in files]
    stored = []
    for c in checked:
        path = uploads.store(c, folder=folder)  # deleted should the transaction roll back
        stored.append(
            model.objects.create(
                path=path,
                original_name=c.name,
                content_type=c.content_type,
                size=c.size,
                uploaded_by=actor,
                **parent,
            )
        )
    return stored


def scenario_save(
    *,
    team: Team,
    actor: User,
    text: str,
    files: list,
    title: str = "",
    scenario: KickoffScenario | None = None,
) -> KickoffScenario:
    """One of the team's scenarios for its challenge, until the end of kickoff day: a new
    possible when ``scenario`` is None, otherwise that one updated. The municipality hears
    when a new one is in."""
    require(actor, "cohorts.work_on_team", team)
    text = text.strip()
    title = title.strip()
    if not text:
        raise DomainError(_("Write the scenario."))
    with files_atomic():  # the files stored in it go with a rollback
        team = _lock_team(team)
        if team.challenge_id is None:
            raise DomainError(_("The team has no challenge yet."))
        if timezone.localdate() > team.cohort.kickoff:
            raise DomainError(_("Scenarios could be handed in until kickoff day."))
        created = scenario is None
        if created:
            scenario = KickoffScenario.objects.create(
                team=team, challenge_id=team.challenge_id, title=title, text=text
            )
        else:
            scenario = (
                KickoffScenario.objects.select_for_update()
                .filter(pk=scenario.pk, team=team, challenge_id=team.challenge_id)
                .first()
            )
            if scenario is None:
                raise DomainError(_("This scenario is not one of your team's for its challenge."))
            if scenario.selected:
                raise DomainError(_("This scenario has been selected and can no longer change."))
            scenario.title = title
            scenario.text = text
            scenario.save(update_fields=["title", "text", "updated_at"])
        _store_files(
            files,
            folder=f"cohorts/scenarios/{team.pk}",
            model=ScenarioFile,
            actor=actor,
            scenario=scenario,
        )
        audit_log(
            actor=actor,
            action="scenario.create" if created else "scenario.update",
            obj=scenario,
            organisation=_org(team.cohort),
            after={"files": len(files)},
        )
        if created:
            challenge = team.challenge
            send_templated_mail(
                recipients=users_with_role(
                    organisation_id=challenge.municipality_id, role=Role.MUNICIPAL_STAFF
                ),
                template="cohorts/email/scenario_submitted",
                context={"scenario": scenario, "team": team, "challenge": challenge},
            )
    return scenario


def scenario_select(*, scenario: KickoffScenario, actor: User) -> KickoffScenario:
    """The municipality picks a scenario: recorded, notified, and the team is bound to the
    challenge for the year."""
    require(actor, "cohorts.select_scenario", scenario)
    with transaction.atomic():
        scenario = (
            KickoffScenario.objects.select_for_update()
            .select_related("challenge", "team__cohort__programme")
            .get(pk=scenario.pk)
        )
        if scenario.selected:
            return scenario
        team = _lock_team(scenario.team)
        if timezone.localdate() > team.cohort.working_ends:
            raise DomainError(_("The working period of this cohort is over."))
        if team.challenge_bound_at is not None and team.challenge_id != scenario.challenge_id:
            raise DomainError(_("This team is already bound to another challenge."))
        now = timezone.now()
        scenario.selected = True
        scenario.selected_at = now
        scenario.selected_by = actor
        scenario.save(update_fields=["selected", "selected_at", "selected_by"])
        team.challenge_id = scenario.challenge_id
        team.challenge_bound_at = team.challenge_bound_at or now
        team.save(update_fields=["challenge", "challenge_bound_at"])
        audit_log(
            actor=actor,
            action="scenario.select",
            obj=scenario,
            organisation=_org(team.cohort),
            after={"team": team.pk, "challenge": scenario.challenge_id},
        )
        recipients = list(User.objects.filter(team_memberships__team=team)) + list(
            users_with_role(organisation_id=_org(team.cohort), role=Role.COORDINATOR)
        )
        send_templated_mail(
            recipients=recipients,
            template="cohorts/email/scenario_selected",
            context={"scenario": scenario, "team": team, "challenge": scenario.challenge},
        )
    return scenario


# --- Deliverables -----------------------------------------------------------------------------


def clean_links(raw: str) -> list[str]:
    links = []
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        if not re.match(r"^https?://[^\s<>\"]+$", line):
            raise DomainError(
                _("“%(link)s” is not a web address (http or https).") % {"link": line}
            )
        links.append(line)
    return links


def deliverable_submit(
    *,
    team: Team,
    milestone: Milestone,
    actor: User,
    note: str = "",
    links: list[str] | None = None,
    files: list | None = None,
) -> DeliverableVersion:
    """A new version of the team's deliverable; earlier versions are kept. Refused after the
    deadline unless the coordinator extended it for this team."""
    require(actor, "cohorts.work_on_team", team)
    links = links or []
    files = files or []
    if not files and not links:
        raise DomainError(_("Add at least one file or link."))
    if milestone.cohort_id != team.cohort_id:
        raise DomainError(_("This milestone belongs to another cohort."))
    with files_atomic():  # the files stored in it go with a rollback
        team = _lock_team(team)
        if timezone.now() > selectors.team_deadline(team, milestone)[1]:
            raise DomainError(
                _("The deadline of “%(m)s” has passed: the deliverable is frozen.")
                % {"m": milestone.name}
            )
        deliverable, _created = Deliverable.objects.get_or_create(team=team, milestone=milestone)
        deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
        now = timezone.now()
        version = DeliverableVersion.objects.create(
            deliverable=deliverable,
            number=deliverable.version_count + 1,
            note=note.strip(),
            links=links,
            submitted_by=actor,
        )
        _store_files(
            files,
            folder=f"cohorts/deliverables/{team.pk}/{milestone.pk}",
            model=DeliverableFile,
            actor=actor,
            version=version,
        )
        deliverable.version_count = F("version_count") + 1
        deliverable.last_submitted_at = now
        update = ["version_count", "last_submitted_at"]
        if deliverable.first_submitted_at is None:
            deliverable.first_submitted_at = now
            update.append("first_submitted_at")
        deliverable.save(update_fields=update)
        audit_log(
            actor=actor,
            action="deliverable.submit",
            obj=version,
            organisation=_org(team.cohort),
            after={"number": version.number, "files": len(files), "links": len(links)},
        )
    return version


def extension_grant(
    *, team: Team, milestone: Milestone, actor: User, until: datetime.datetime, reason: str = ""
) -> DeadlineExtension:
    require(actor, "cohorts.grant_extension", team)
    if milestone.cohort_id != team.cohort_id:
        raise DomainError(_("This milestone belongs to another cohort."))
    if until <= milestone.deadline:
        raise DomainError(_("An extension must end after the milestone's deadline."))
    with transaction.atomic():
        extension, created = DeadlineExtension.objects.select_for_update().get_or_create(
            team=team,
            milestone=milestone,
            defaults={"until": until, "reason": reason, "granted_by": actor},
        )
        before = None if created else {"until": extension.until}
        if not created:
            extension.until = until
            extension.reason = reason
            extension.granted_by = actor
            extension.save(update_fields=["until", "reason", "granted_by"])
        audit_log(
            actor=actor,
            action="deliverable.extend",
            obj=extension,
            organisation=_org(team.cohort),
            before=before,
            after={"until": until},
            reason=reason,
        )
        send_templated_mail(
            recipients=User.objects.filter(team_memberships__team=team),
            template="cohorts/email/extension_granted",
            context={"team": team, "milestone": milestone, "extension": extension},
        )
    return extension


def version_comment_add(*, version: DeliverableVersion, actor: User, text: str) -> VersionComment:
    require(actor, "cohorts.comment_deliverable", version.deliverable.team)
    text = text.strip()
    if not text:
        raise DomainError(_("Write a comment."))
    with transaction.atomic():
        comment = VersionComment.objects.create(version=version, author=actor, text=text)
        team = version.deliverable.team
        audit_log(
            actor=actor,
            action="deliverable.comment",
            obj=comment,
            organisation=_org(team.cohort),
        )
        send_templated_mail(
            recipients=User.objects.filter(team_memberships__team=team).exclude(pk=actor.pk),
            template="cohorts/email/version_commented",
            context={"team": team, "version": version, "comment": comment},
        )
    return comment
