"""Factories of the sessions tests (team members and coaches from the cohorts spine
included; the challenge and the team are the shared ones of tests/challenges and tests/factories)."""

import datetime

import factory
from django.utils import timezone

from cohorts.models import CoachAssignment, TeamMember
from curiouslab.accounts.models import OrganisationKind
from sessions.models import Attendance, CoachingEntry, Session, SessionKind
from tests.factories import CohortFactory, OrganisationFactory, TeamFactory, UserFactory


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    cohort = factory.SelfAttribute("team.cohort")
    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.SCHOOL)
    discipline = "design"


class CoachAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachAssignment

    team = factory.SubFactory(TeamFactory)
    coach = factory.SubFactory(UserFactory)


def _in(hours: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


class SessionFactory(factory.django.DjangoModelFactory):
    """A two-hour working session starting in three days."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    kind = SessionKind.WORKING
    title = factory.Sequence(lambda n: f"Séance de travail {n}")
    starts_at = factory.LazyFunction(lambda: _in(72))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    place = "Pôle Léonard de Vinci"
    address = "12 rue Jean Monnet, 92400 Courbevoie"
    agenda = "Accueil ; travail en équipes ; restitution."

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.invited_teams.set(extracted)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for role in extracted:
                self.invited_roles.create(role=role)

    @factory.post_generation
    def in_charge(self, create, extracted, **kwargs):
        if create and extracted:
            self.people_in_charge.set(extracted)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)
    present = True
    method = Attendance.Method.ROLL_CALL


class CoachingEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingEntry

    team = factory.SubFactory(TeamFactory)
    kind = CoachingEntry.Kind.NOTE
    author = factory.SubFactory(UserFactory)
    body = "Pensez à interroger les usagers du marché le samedi matin."


def running(**kwargs) -> Session:
    """A session that started an hour ago and ends in an hour."""
    return SessionFactory(starts_at=_in(-1), ends_at=_in(1), **kwargs)
