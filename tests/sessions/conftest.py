from dataclasses import dataclass

import pytest

from cohorts.models import Team
from curiouslab.accounts.models import Role, User
from tests.challenges.factories import ChallengeFactory
from tests.factories import TeamFactory, member
from tests.sessions.factories import CoachAssignmentFactory, TeamMemberFactory


@dataclass
class Cast:
    """Side A of the world with two teams: the student's team (coached by A's coach, on a
    challenge of A's municipality) and another team of the same cohort."""

    world: object
    team: Team
    other_team: Team
    teammate: User
    other_student: User

    def __getattr__(self, name):
        return self.world.a.people[name]

    @property
    def cohort(self):
        return self.world.a.cohort


@pytest.fixture
def cast(world):
    a = world.a
    challenge = ChallengeFactory(accepted=True, call=a.cohort, municipality=a.municipality)
    team = TeamFactory(cohort=a.cohort, name="Les Curieux", challenge=challenge)
    TeamMemberFactory(team=team, user=a.people["student"], school=a.school)
    teammate = TeamMemberFactory(team=team, school=a.school).user
    CoachAssignmentFactory(team=team, coach=a.people["coach"])
    other_team = TeamFactory(cohort=a.cohort, name="Les Audacieux")
    other_student = member(Role.STUDENT, a.school)
    TeamMemberFactory(team=other_team, user=other_student, school=a.school)
    return Cast(world, team, other_team, teammate, other_student)
