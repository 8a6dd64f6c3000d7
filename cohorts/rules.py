"""Who may do what in the cohorts app (django-rules), shared by views and templates.
Objects passed here come from the selectors, with their programme loaded."""

from __future__ import annotations

import rules

from cohorts.enums import EnrolmentStatus, TeamStatus
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from curiouslab.accounts.rules import coaches_team, coordinates_programme, in_team, is_coordinator

# "Coordinates the programme", "belongs to the team" and "coaches the team" have one meaning
# each, the core's (curiouslab.accounts.rules); this app adds the two that are its own.


@rules.predicate
def refers_school_of(user, enrolment) -> bool:
    return enrolment is not None and enrolment.school_id in roles_for(user).orgs(
        Role.SCHOOL_REFERENT
    )


@rules.predicate
def is_challenge_municipality(user, obj) -> bool:
    """``obj``: a challenge, or a scenario or team whose challenge is the municipality's."""
    challenge = getattr(obj, "challenge", obj)
    return challenge is not None and challenge.municipality_id in roles_for(user).orgs(
        Role.MUNICIPAL_STAFF
    )


@rules.predicate
def team_forming(user, team) -> bool:
    """The team is still forming: its members may change, and it may be confirmed."""
    return team is not None and team.status == TeamStatus.FORMING


@rules.predicate
def team_unbound(user, team) -> bool:
    """The team is not bound to its challenge yet (its challenge and status may change)."""
    return team is not None and team.challenge_bound_at is None


@rules.predicate
def enrolment_not_declined(user, enrolment) -> bool:
    return enrolment is not None and enrolment.status != EnrolmentStatus.DECLINED


rules.add_perm("cohorts.manage_programme", coordinates_programme)
rules.add_perm("cohorts.manage_cohort", coordinates_programme)
rules.add_perm("cohorts.manage_team", coordinates_programme)
rules.add_perm("cohorts.manage_enrolment", coordinates_programme | refers_school_of)
rules.add_perm("cohorts.decide_enrolment", coordinates_programme)
rules.add_perm("cohorts.change_team_members", coordinates_programme & team_forming)
rules.add_perm("cohorts.confirm_team", coordinates_programme & team_forming)
rules.add_perm("cohorts.reopen_team", coordinates_programme & ~team_forming & team_unbound)
rules.add_perm("cohorts.assign_team_challenge", coordinates_programme & team_unbound)
rules.add_perm(
    "cohorts.invite_students", (coordinates_programme | refers_school_of) & enrolment_not_declined
)
rules.add_perm("cohorts.work_on_team", in_team)
rules.add_perm("cohorts.select_scenario", is_challenge_municipality)
rules.add_perm(
    "cohorts.comment_deliverable", coordinates_programme | coaches_team | is_challenge_municipality
)
rules.add_perm("cohorts.grant_extension", coordinates_programme)
rules.add_perm("cohorts.create_cohort", is_coordinator)
rules.add_perm("cohorts.create_programme", is_coordinator)
