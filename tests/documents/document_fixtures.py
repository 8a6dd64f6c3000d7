"""Objects and fixtures of the documents' tests: a cohort of one side of the world with a
confirmed team (with the student persona), a forming team, working sessions with
attendance, a coach and an award."""

from __future__ import annotations

import datetime

from django.utils import timezone

from challenges.models import ChallengeStatus, Theme
from cohorts.models import CoachAssignment, Team, TeamMember
from curiouslab.accounts.models import Role
from sessions.models import Attendance, InvitedRole, Session, SessionKind
from tests.challenges.factories import ChallengeFactory
from tests.factories import member
from trophies.models import Award


def make_challenge(side, title="Comment ouvrir un fablab ?"):
    return ChallengeFactory(
        programme=side.programme,
        call=side.cohort,
        municipality=side.municipality,
        cohort=side.cohort,
        status=ChallengeStatus.ACCEPTED,
        title=title,
        question=title,
        theme=Theme.ECONOMY,
    )


def add_student(side, team, **user_kwargs):
    user = member(Role.STUDENT, side.school, **user_kwargs)
    TeamMember.objects.create(
        team=team, cohort=side.cohort, user=user, school=side.school, discipline="design"
    )
    return user


def make_sessions(side, count=4):
    """Ended working sessions the cohort's students are invited to (they count for the
    diploma, see ``sessions.selectors.attendance_rates``)."""
    start = timezone.now() - datetime.timedelta(days=60)
    sessions = [
        Session.objects.create(
            cohort=side.cohort,
            kind=SessionKind.WORKING,
            title=f"Séance {i + 1}",
            starts_at=start + datetime.timedelta(days=7 * i),
            ends_at=start + datetime.timedelta(days=7 * i, hours=3),
        )
        for i in range(count)
    ]
    for s in sessions:
        InvitedRole.objects.create(session=s, role=Role.STUDENT)
    return sessions


def attend(user, sessions):
    for s in sessions:
        Attendance.objects.create(session=s, user=user, present=True, method="roll_call")


def build_documents_world(world, *, extra_students: int = 0):
    """Side A: team "Les Fabricants" (confirmed) with the student persona (all sessions)
    and a low-attendance student; team "En formation" (forming) with one student; a coach,
    an award. Side B: a confirmed team with the other student persona."""
    a = world.a
    challenge = make_challenge(a)
    team = Team.objects.create(
        cohort=a.cohort, name="Les Fabricants", challenge=challenge, status=Team.Status.CONFIRMED
    )
    forming = Team.objects.create(cohort=a.cohort, name="En formation", challenge=challenge)
    sessions = make_sessions(a)
    student = a.people["student"]
    TeamMember.objects.create(
        team=team, cohort=a.cohort, user=student, school=a.school, discipline="ingénierie"
    )
    attend(student, sessions)
    absent = add_student(a, team, first_name="Paul", last_name="Absent")
    attend(absent, sessions[:1])
    newcomer = add_student(a, forming, first_name="Nina", last_name="Nouvelle")
    attend(newcomer, sessions)
    for i in range(extra_students):
        u = add_student(a, team, first_name=f"Élève{i}", last_name="Supplémentaire")
        attend(u, sessions)
    CoachAssignment.objects.create(team=team, coach=a.people["coach"])
    award = Award.objects.create(
        cohort=a.cohort, category="Prix du public", rank=1, team=team, challenge=challenge
    )
    b = world.b
    b_team = Team.objects.create(
        cohort=b.cohort,
        name="Équipe B",
        challenge=make_challenge(b, "Comment apaiser la rue ?"),
        status=Team.Status.CONFIRMED,
    )
    TeamMember.objects.create(
        team=b_team, cohort=b.cohort, user=b.people["student"], school=b.school, discipline="x"
    )
    world.objects.update(
        doc_team=team, doc_absent=absent, doc_newcomer=newcomer, doc_award=award,
        doc_sessions=sessions, doc_b_team=b_team,
    )  # fmt: skip
    return world
