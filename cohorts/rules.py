"""Who may do what in the cohorts app (django-rules), shared by views and templates.
Objects passed here come from the selectors, with their programme loaded."""

from __future__ import annotations

import rules

from cohorts.models import CoachAssignment, Cohort, Programme, TeamMember
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from curiouslab.accounts.rules import is_coordinator


def _programme_org(obj) -> int | None:
    """The coordinating organisation of a programme, cohort, or anything with a cohort
    (team, milestone, enrolment)."""
    if isinstance(obj, Programme):
        return obj.organisation_id
    if isinstance(obj, Cohort):
        return obj.programme.organisation_id
    cohort = getattr(obj, "cohort", None)
    return cohort.programme.organisation_id if cohort is not None else None


@rules.predicate
def coordinates(user, obj) -> bool:
    """The user coordinates the programme of ``obj`` (programme, cohort, team, milestone…)."""
    if obj is None:
        return False
    return _programme_org(obj) in roles_for(user).orgs(Role.COORDINATOR)


@rules.predicate
def refers_school_of(user, enrolment) -> bool:
    return enrolment is not None and enrolment.school_id in roles_for(user).orgs(
        Role.SCHOOL_REFERENT
    )


@rules.predicate
def is_member_of(user, team) -> bool:
    if team is None or not roles_for(user).has(Role.STUDENT):
        return False
    cache = getattr(team, "_member_ids", None)
    if cache is not None:
        return user.id in cache
    return TeamMember.objects.filter(team=team, user=user).exists()


@rules.predicate
def coaches(user, team) -> bool:
    return team is not None and CoachAssignment.objects.filter(team=team, coach=user).exists()


@rules.predicate
def is_challenge_municipality(user, obj) -> bool:
    """``obj``: a challenge, or a scenario or team whose challenge is the municipality's."""
    challenge = getattr(obj, "challenge", obj)
    return challenge is not None and challenge.municipality_id in roles_for(user).orgs(
        Role.MUNICIPAL_STAFF
    )


rules.add_perm("cohorts.manage_programme", coordinates)
rules.add_perm("cohorts.manage_cohort", coordinates)
rules.add_perm("cohorts.manage_team", coordinates)
rules.add_perm("cohorts.manage_enrolment", coordinates | refers_school_of)
rules.add_perm("cohorts.decide_enrolment", coordinates)
rules.add_perm("cohorts.work_on_team", is_member_of)
rules.add_perm("cohorts.select_scenario", is_challenge_municipality)
rules.add_perm("cohorts.comment_deliverable", coordinates | coaches | is_challenge_municipality)
rules.add_perm("cohorts.grant_extension", coordinates)
rules.add_perm("cohorts.create_cohort", is_coordinator)
rules.add_perm("cohorts.create_programme", is_coordinator)
