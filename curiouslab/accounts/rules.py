"""Permission predicates of the shared core (django-rules). Views, templates and services use
the same rules; every app adds its own in ``<app>/rules.py``, built from these. Anything not
granted is denied.

The three relations every app asks about are written here once:

- :func:`coordinates_programme`: the user holds the coordinator role in the organisation that
  coordinates the programme the object belongs to. Each model that lives in a programme says
  which organisation that is with its ``coordinating_organisation_id`` property (one explicit
  accessor per model, no type switch);
- :func:`coaches_team`: the user is assigned as a coach of the team;
- :func:`in_team`: the user is a member of the team *and* still holds a student role: a
  student whose role was withdrawn loses the team's pages with it (default deny).

Views pass prefetched ids when they have them (``team._member_ids``, ``team._coach_ids``), so
a list of teams asks nothing per row."""

from __future__ import annotations

import rules
from django.utils.translation import gettext as _

from curiouslab.accounts.models import Organisation, Role
from curiouslab.accounts.roles import roles_for
from curiouslab.errors import DomainError


def has_role(role: str):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user) -> bool:
        return roles_for(user).has(role)

    return predicate


is_coordinator = has_role(Role.COORDINATOR)
is_municipal_staff = has_role(Role.MUNICIPAL_STAFF)
is_school_referent = has_role(Role.SCHOOL_REFERENT)
is_student = has_role(Role.STUDENT)
is_coach = has_role(Role.COACH)
is_juror = has_role(Role.JUROR)
is_platform_admin = has_role(Role.PLATFORM_ADMIN)
is_expert = has_role(Role.EXPERT)


@rules.predicate
def coordinates_programme(user, obj) -> bool:
    """The user coordinates the programme of ``obj`` (a programme, cohort, team, milestone,
    enrolment, challenge, session, jury, document… anything with
    ``coordinating_organisation_id``)."""
    if obj is None or not user.is_authenticated:
        return False
    return obj.coordinating_organisation_id in roles_for(user).orgs(Role.COORDINATOR)


@rules.predicate
def coaches_team(user, team) -> bool:
    """The user is one of the team's coaches."""
    if team is None or not user.is_authenticated:
        return False
    cached = getattr(team, "_coach_ids", None)
    if cached is not None:
        return user.pk in cached
    return team.coach_assignments.filter(coach_id=user.pk).exists()


@rules.predicate
def in_team(user, team) -> bool:
    """The user belongs to the team: a member row, and a student role still held."""
    if team is None or not user.is_authenticated or not roles_for(user).has(Role.STUDENT):
        return False
    cached = getattr(team, "_member_ids", None)
    if cached is not None:
        return user.pk in cached
    return team.members.filter(user_id=user.pk).exists()


@rules.predicate
def can_invite_to(user, organisation: Organisation | None) -> bool:
    """Coordinators invite into their own organisation and those attached to it; municipal
    staff into their municipality; school referents into their school."""
    if organisation is None:
        return roles_for(user).has_any(Role.COORDINATOR, Role.MUNICIPAL_STAFF, Role.SCHOOL_REFERENT)
    return organisation.id in invitable_organisation_ids(user, organisation)


def invitable_organisation_ids(user, organisation: Organisation | None = None) -> set[int]:
    r = roles_for(user)
    ids = set(r.orgs(Role.MUNICIPAL_STAFF)) | set(r.orgs(Role.SCHOOL_REFERENT))
    coordinated = r.orgs(Role.COORDINATOR)
    ids |= set(coordinated)
    if organisation is not None:
        if organisation.territory_id in coordinated:
            ids.add(organisation.id)
    elif coordinated:
        ids |= set(
            Organisation.objects.filter(territory_id__in=coordinated).values_list("id", flat=True)
        )
    return ids


def require(actor, perm: str, obj) -> None:
    """The services' re-check, under the row lock they hold: ``actor`` may ``perm`` on the
    locked ``obj`` (the same rule the view and the template applied), or nothing changes."""
    if not actor.has_perm(perm, obj):
        raise DomainError(_("You are not allowed to do this."), code="permission")


rules.add_perm("accounts.view_auditlog", is_coordinator)
rules.add_perm("accounts.invite", can_invite_to)
