"""Who may do what with sessions, attendance and coaching (django-rules). Views and
templates use the same predicates."""

from __future__ import annotations

import rules

from cohorts.models import Cohort
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from curiouslab.accounts.rules import coaches_team, coordinates_programme, in_team


@rules.predicate
def coordinates_cohort(user, cohort: Cohort | None) -> bool:
    """Without a cohort (the "new session" button): any coordinator; with one, the
    coordinator of its programme (the core's rule)."""
    if cohort is None:
        return roles_for(user).has(Role.COORDINATOR)
    return coordinates_programme(user, cohort)


@rules.predicate
def manages_session(user, session) -> bool:
    return coordinates_programme(user, session)


@rules.predicate
def runs_session(user, session) -> bool:
    """In charge of the session (read from the prefetched list when there is one)."""
    if session is None or not user.is_authenticated:
        return False
    return any(p.pk == user.pk for p in session.people_in_charge.all())


rules.add_perm("meetings.add_session", coordinates_cohort)
rules.add_perm("meetings.change_session", manages_session)
rules.add_perm("meetings.take_attendance", manages_session | runs_session)
rules.add_perm("meetings.view_attendance_rates", coordinates_cohort)
rules.add_perm("meetings.write_coaching_note", coaches_team | coordinates_programme)
rules.add_perm("meetings.answer_coaching_question", coaches_team | coordinates_programme)
rules.add_perm("meetings.ask_coach", in_team)
