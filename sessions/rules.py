"""Who may do what with sessions, attendance and coaching (django-rules). Views and
templates use the same predicates."""

from __future__ import annotations

import rules

from cohorts.models import CoachAssignment, Cohort, Team, TeamMember
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for


@rules.predicate
def coordinates_cohort(user, cohort: Cohort | None) -> bool:
    if cohort is None:
        return roles_for(user).has(Role.COORDINATOR)
    return cohort.programme.organisation_id in roles_for(user).orgs(Role.COORDINATOR)


@rules.predicate
def manages_session(user, session) -> bool:
    return session is not None and coordinates_cohort(user, session.cohort)


@rules.predicate
def runs_session(user, session) -> bool:
    """In charge of the session (read from the prefetched list when there is one)."""
    if session is None or not user.is_authenticated:
        return False
    return any(p.pk == user.pk for p in session.people_in_charge.all())


@rules.predicate
def coaches_team(user, team: Team | None) -> bool:
    if team is None or not user.is_authenticated:
        return False
    return CoachAssignment.objects.filter(team=team, coach=user).exists()


@rules.predicate
def coordinates_team(user, team: Team | None) -> bool:
    return team is not None and coordinates_cohort(user, team.cohort)


@rules.predicate
def member_of_team(user, team: Team | None) -> bool:
    if team is None or not user.is_authenticated:
        return False
    return TeamMember.objects.filter(team=team, user=user).exists()


rules.add_perm("meetings.add_session", coordinates_cohort)
rules.add_perm("meetings.change_session", manages_session)
rules.add_perm("meetings.take_attendance", manages_session | runs_session)
rules.add_perm("meetings.view_attendance_rates", coordinates_cohort)
rules.add_perm("meetings.write_coaching_note", coaches_team | coordinates_team)
rules.add_perm("meetings.answer_coaching_question", coaches_team | coordinates_team)
rules.add_perm("meetings.ask_coach", member_of_team)
