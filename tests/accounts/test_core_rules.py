"""The three relations every app asks about, written once in curiouslab/accounts/rules.py,
and "the people holding role R in organisation O" (curiouslab/accounts/selectors.py)."""

import pytest

from cohorts.models import CoachAssignment, Team, TeamMember
from curiouslab.accounts.models import Membership, Role
from curiouslab.accounts.roles import roles_for
from curiouslab.accounts.rules import coaches_team, coordinates_programme, in_team
from curiouslab.accounts.selectors import users_with_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The same person as a new request sees them (roles are cached per user object)."""
    return type(user).objects.get(pk=user.pk)


def _team(world):
    team = Team.objects.create(cohort=world.a.cohort, name="Les Défricheurs")
    student = world.a.people["student"]
    TeamMember.objects.create(
        team=team, cohort=team.cohort, user=student, school=world.a.school, discipline="design"
    )
    CoachAssignment.objects.create(team=team, coach=world.a.people["coach"])
    return team


def test_coordinates_programme_reads_each_objects_coordinating_organisation(world):
    team = _team(world)
    coordinator, other = world.a.people["coordinator"], world.b.people["coordinator"]
    for obj in (world.a.programme, world.a.cohort, team):
        assert coordinates_programme(coordinator, obj), obj
        assert not coordinates_programme(other, obj), obj
        assert not coordinates_programme(world.a.people["municipal_staff"], obj), obj
    assert not coordinates_programme(coordinator, None)


def test_coaches_team_is_an_assignment_and_reads_the_prefetched_ids(world):
    team = _team(world)
    assert coaches_team(world.a.people["coach"], team)
    assert not coaches_team(world.b.people["coach"], team)
    team._coach_ids = set()
    assert not coaches_team(world.a.people["coach"], team)


def test_in_team_needs_the_member_row_and_the_student_role(world):
    team = _team(world)
    student = world.a.people["student"]
    assert in_team(student, team)
    assert not in_team(world.b.people["student"], team)
    Membership.objects.filter(user=student, role=Role.STUDENT).update(is_active=False)
    assert not in_team(_fresh(student), team)


def test_users_with_role_are_the_active_holders_of_the_active_role(world):
    dep = world.a.departement
    coordinator = world.a.people["coordinator"]
    left = UserFactory()
    Membership.objects.create(user=left, organisation=dep, role=Role.COORDINATOR, is_active=False)
    gone = UserFactory(is_active=False)
    Membership.objects.create(user=gone, organisation=dep, role=Role.COORDINATOR)
    found = users_with_role(organisation_id=dep.pk, role=Role.COORDINATOR)
    assert list(found) == [coordinator]
    assert roles_for(_fresh(coordinator)).has(Role.COORDINATOR)
    assert not users_with_role(
        organisation_id=world.b.departement.pk, role=Role.COORDINATOR
    ).filter(pk=coordinator.pk)
