"""Objects of the agents' school for tests: an edition of an agents' school programme, its
agents (team members: employer and job family), modules with sessions, experiments."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from cohorts.models import Team, TeamMember
from curiouslab.accounts.models import Membership, Role
from sessions.models import Attendance, InvitedRole, Session, SessionKind
from territories.models import Commune
from tests.factories import CohortFactory, ProgrammeFactory, UserFactory
from tests.territories.factories import commune as make_commune
from training.models import Experiment, Module, ModuleSession, ReplicationSheet


def edition(organisation, **kwargs):
    programme = ProgrammeFactory(organisation=organisation, format="agents_school")
    return CohortFactory(programme=programme, **kwargs)


def team(cohort, name: str = "Équipe Accueil") -> Team:
    return Team.objects.get_or_create(cohort=cohort, name=name)[0]


def agent(cohort, employer, *, user=None, team_name: str = "Équipe Accueil", family="Accueil"):
    user = user or UserFactory()
    if not Membership.objects.filter(user=user, role=Role.STUDENT).exists():
        Membership.objects.create(user=user, organisation=employer, role=Role.STUDENT)
    TeamMember.objects.create(
        team=team(cohort, team_name), cohort=cohort, user=user, school=employer, discipline=family
    )
    return user


def module(cohort, title: str = "Design de service", hours="7") -> Module:
    return Module.objects.create(
        cohort=cohort,
        title=title,
        objectives="Observer un service.",
        duration_hours=Decimal(hours),
        trainer="Claire Vasseur",
    )


def module_session(module: Module, *, days_ago: int = 3, hours: float = 3.5) -> Session:
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    session = Session.objects.create(
        cohort=module.cohort,
        kind=SessionKind.WORKING,
        title=module.title,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=hours),
    )
    InvitedRole.objects.create(session=session, role=Role.STUDENT)
    ModuleSession.objects.create(module=module, session=session)
    return session


def present(session: Session, *users, present: bool = True) -> None:
    for user in users:
        Attendance.objects.create(
            session=session, user=user, present=present, method=Attendance.Method.ROLL_CALL
        )


def commune(insee: str = "23096", name: str = "Guéret", dep: str = "23") -> Commune:
    found = Commune.objects.filter(insee=insee).first()
    return found or make_commune(insee, name, dep)


def experiment(cohort, team_obj, *, title="Accueil sans rendez-vous", place=None) -> Experiment:
    return Experiment.objects.create(
        cohort=cohort,
        team=team_obj,
        title=title,
        commune=place or commune(),
        service="Maison des solidarités",
    )


def sheet(experiment_obj, *, slug: str, published: bool = False) -> ReplicationSheet:
    return ReplicationSheet.objects.create(
        experiment=experiment_obj,
        slug=slug,
        conditions="Un accueil ouvert.",
        costs="800 euros.",
        steps="Observer, tester.",
        pitfalls="Les heures creuses.",
        status="published" if published else "draft",
        published_at=timezone.now() if published else None,
    )
