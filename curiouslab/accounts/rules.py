"""Permission predicates of the shared core (django-rules). Views and templates use the same
rules; every app adds its own in ``<app>/rules.py``. Anything not granted is denied."""

from __future__ import annotations

import rules

from curiouslab.accounts.models import Organisation, Role
from curiouslab.accounts.roles import roles_for


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


rules.add_perm("accounts.view_auditlog", is_coordinator)
rules.add_perm("accounts.invite", can_invite_to)
