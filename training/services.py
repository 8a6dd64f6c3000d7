"""Writes of the agents' school. Every write re-checks the actor's right
(``curiouslab.accounts.rules.require``), refuses with a French ``DomainError`` and writes its
audit entry in the same transaction: a refusal leaves nothing half-saved."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.formats import Feature
from cohorts.models import Cohort, Team, TeamMember
from curiouslab.accounts.models import Membership, Organisation, Role, User
from curiouslab.accounts.rules import require
from curiouslab.accounts.selectors import commune_in_territory
from curiouslab.audit import audit_log
from curiouslab.errors import DomainError
from curiouslab.slugs import unique_slug
from sessions.enums import SessionKind
from sessions.services import SessionData, session_create
from training import selectors
from training.enums import SheetStatus
from training.models import (
    Experiment,
    Indicator,
    Module,
    ModuleSession,
    ReplicationSheet,
    UserTest,
)


def _org(cohort: Cohort) -> int:
    return cohort.programme.organisation_id


def _check_feature(cohort: Cohort, feature: str) -> None:
    if not cohort.format_spec.uses(feature):
        raise DomainError(_("This programme does not run an agents' school."))


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


# --- Modules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleData:
    title: str
    objectives: str
    duration_hours: Decimal
    trainer: str


def module_create(*, cohort: Cohort, actor: User, data: ModuleData) -> Module:
    require(actor, "training.manage_training", cohort)
    _check_feature(cohort, Feature.MODULES)
    title = _text(data.title, _("Give the module a title."))
    if data.duration_hours is None or data.duration_hours <= 0:
        raise DomainError(_("A module lasts at least half an hour."))
    with transaction.atomic():
        if Module.objects.filter(cohort=cohort, title__iexact=title).exists():
            raise DomainError(_("A module of this training session already has this title."))
        module = Module.objects.create(
            cohort=cohort,
            title=title,
            objectives=_text(data.objectives, _("Write the module's learning objectives.")),
            duration_hours=data.duration_hours,
            trainer=_text(data.trainer, _("Name the module's trainer.")),
        )
        audit_log(
            actor=actor,
            action="training.module_create",
            obj=module,
            organisation=_org(cohort),
            after={"title": title, "duration_hours": str(data.duration_hours)},
        )
    return module


def module_schedule(
    *,
    module: Module,
    actor: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str = "",
    address: str = "",
):
    """Schedule a session of the module: a session of the sessions app to which every agent
    of the edition is invited (the participants' role), so that attendance is taken there."""
    cohort = module.cohort
    require(actor, "training.manage_training", cohort)
    with transaction.atomic():
        session = session_create(
            cohort=cohort,
            actor=actor,
            data=SessionData(
                kind=SessionKind.WORKING,
                title=module.title,
                starts_at=starts_at,
                ends_at=ends_at,
                place=place.strip(),
                address=address.strip(),
                agenda=module.objectives,
                invited_roles=[Role.STUDENT],
            ),
        )
        ModuleSession.objects.create(module=module, session=session)
        audit_log(
            actor=actor,
            action="training.module_schedule",
            obj=module,
            organisation=_org(cohort),
            after={"session": session.pk},
        )
    return session


# --- Agents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgentData:
    email: str
    first_name: str
    last_name: str
    employer: Organisation
    job_family: str
    team_name: str


def agent_add(*, cohort: Cohort, actor: User, data: AgentData) -> TeamMember:
    """Put an agent their employer designated in a team of the edition: their account
    (created when new: they sign in with ProConnect or set a password), the participant
    role in their employer, and their place in the team (employer and job family)."""
    require(actor, "training.manage_training", cohort)
    _check_feature(cohort, Feature.MODULES)
    if not selectors.employers_for(cohort).filter(pk=data.employer.pk).exists():
        raise DomainError(_("Choose the agent's employer among the organisations of the list."))
    email = _text(data.email, _("Give the agent's e-mail address.")).lower()
    team_name = _text(data.team_name, _("Give the name of the agent's team."))
    job_family = _text(data.job_family, _("Give the agent's job family."))
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                first_name=data.first_name.strip(),
                last_name=data.last_name.strip(),
            )
        Membership.objects.get_or_create(
            user=user,
            organisation=data.employer,
            role=Role.STUDENT,
            defaults={"discipline": job_family},
        )
        team, _created = Team.objects.get_or_create(cohort=cohort, name=team_name)
        try:
            with transaction.atomic():
                member = TeamMember.objects.create(
                    team=team,
                    cohort=cohort,
                    user=user,
                    school=data.employer,
                    discipline=job_family,
                )
        except IntegrityError as exc:
            raise DomainError(
                _("%(name)s is already in a team of this training session.") % {"name": user}
            ) from exc
        audit_log(
            actor=actor,
            action="training.agent_add",
            obj=team,
            organisation=_org(cohort),
            after={"user": user.pk, "employer": data.employer.pk, "job_family": job_family},
        )
    return member


# --- Experiments -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExperimentData:
    title: str
    team: Team
    commune: object
    service: str


def experiment_create(*, cohort: Cohort, actor: User, data: ExperimentData) -> Experiment:
    require(actor, "training.manage_training", cohort)
    _check_feature(cohort, Feature.EXPERIMENTS)
    if data.team.cohort_id != cohort.pk:
        raise DomainError(_("Choose a team of this training session."))
    if data.commune is None or not commune_in_territory(
        data.commune, cohort.programme.organisation
    ):
        raise DomainError(_("Choose a commune of your territory."))
    with transaction.atomic():
        experiment = Experiment.objects.create(
            cohort=cohort,
            team=data.team,
            title=_text(data.title, _("Give the experiment a title.")),
            commune=data.commune,
            service=_text(data.service, _("Name the service concerned.")),
        )
        audit_log(
            actor=actor,
            action="training.experiment_create",
            obj=experiment,
            organisation=_org(cohort),
            after={"title": experiment.title, "team": data.team.pk, "commune": data.commune.pk},
        )
    return experiment


def _lock(experiment: Experiment, actor: User) -> Experiment:
    locked = (
        Experiment.objects.select_for_update()
        .select_related("cohort__programme", "team")
        .get(pk=experiment.pk)
    )
    require(actor, "training.change_experiment", locked)
    return locked


def user_test_add(
    *, experiment: Experiment, actor: User, held_on: datetime.date, people_met: int, learnt: str
) -> UserTest:
    if not people_met or people_met < 1:
        raise DomainError(_("A user test meets at least one inhabitant."))
    learnt = _text(learnt, _("Write what the user test taught you."))
    with transaction.atomic():
        experiment = _lock(experiment, actor)
        test = UserTest.objects.create(
            experiment=experiment, held_on=held_on, people_met=people_met, learnt=learnt
        )
        audit_log(
            actor=actor,
            action="training.user_test_add",
            obj=experiment,
            organisation=_org(experiment.cohort),
            after={"held_on": held_on.isoformat(), "people_met": people_met},
        )
    return test


def indicator_save(
    *,
    experiment: Experiment,
    actor: User,
    name: str,
    unit: str,
    before: Decimal,
    after: Decimal | None,
) -> Indicator:
    """Add an indicator, or update the one of the same name (its figure after the
    experiment comes later)."""
    name = _text(name, _("Name the indicator."))
    unit = _text(unit, _("Give the indicator's unit."))
    with transaction.atomic():
        experiment = _lock(experiment, actor)
        indicator, _created = Indicator.objects.update_or_create(
            experiment=experiment,
            name__iexact=name,
            defaults={"name": name, "unit": unit, "before": before, "after": after},
            create_defaults={"name": name, "unit": unit, "before": before, "after": after},
        )
        audit_log(
            actor=actor,
            action="training.indicator_save",
            obj=experiment,
            organisation=_org(experiment.cohort),
            after={"name": name, "before": str(before), "after": str(after)},
        )
    return indicator


def evaluation_save(*, experiment: Experiment, actor: User, evaluation: str) -> Experiment:
    with transaction.atomic():
        experiment = _lock(experiment, actor)
        experiment.evaluation = _text(evaluation, _("Write the evaluation."))
        experiment.save(update_fields=["evaluation"])
        audit_log(
            actor=actor,
            action="training.evaluation_save",
            obj=experiment,
            organisation=_org(experiment.cohort),
        )
    return experiment


SHEET_FIELDS = ("conditions", "costs", "steps", "pitfalls")


def sheet_save(*, experiment: Experiment, actor: User, data: dict) -> ReplicationSheet:
    """Write the replication sheet (a published one changes on its public page at once)."""
    messages = {
        "conditions": _("Write the conditions of the experiment."),
        "costs": _("Write what the experiment cost."),
        "steps": _("Write the steps to follow."),
        "pitfalls": _("Write the pitfalls to avoid."),
    }
    values = {name: _text(data.get(name, ""), messages[name]) for name in SHEET_FIELDS}
    with transaction.atomic():
        experiment = _lock(experiment, actor)
        sheet = ReplicationSheet.objects.filter(experiment=experiment).first()
        if sheet is None:
            slug = unique_slug(
                ReplicationSheet.objects.all(),
                f"{experiment.title} {experiment.commune.name}",
                max_length=100,
                fallback="experimentation",
            )
            sheet = ReplicationSheet.objects.create(experiment=experiment, slug=slug, **values)
        else:
            for name, value in values.items():
                setattr(sheet, name, value)
            sheet.save(update_fields=[*SHEET_FIELDS, "updated_at"])
        audit_log(
            actor=actor,
            action="training.sheet_save",
            obj=sheet,
            organisation=_org(experiment.cohort),
        )
    return sheet


# A draft is published by the coordinator; a published sheet may be withdrawn (back to draft).
SHEET_TRANSITIONS = {
    SheetStatus.DRAFT: {SheetStatus.PUBLISHED},
    SheetStatus.PUBLISHED: {SheetStatus.DRAFT},
}


def sheet_set_status(
    *, sheet: ReplicationSheet, status: str, actor: User, at: datetime.datetime | None = None
) -> ReplicationSheet:
    """The one writer of ``ReplicationSheet.status``."""
    with transaction.atomic():
        sheet = (
            ReplicationSheet.objects.select_for_update()
            .select_related("experiment__cohort__programme")
            .get(pk=sheet.pk)
        )
        if status not in SHEET_TRANSITIONS.get(sheet.status, set()):
            raise DomainError(_("This replication sheet cannot go to this state."))
        require(actor, "training.publish_sheet", sheet)
        before = sheet.status
        sheet.status = status
        if status == SheetStatus.PUBLISHED:
            sheet.published_at, sheet.published_by = at or timezone.now(), actor
        sheet.save(update_fields=["status", "published_at", "published_by"])
        audit_log(
            actor=actor,
            action="training.sheet_status",
            obj=sheet,
            organisation=sheet.coordinating_organisation_id,
            before={"status": before},
            after={"status": status},
        )
    return sheet
