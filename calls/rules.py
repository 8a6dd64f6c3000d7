"""Who may do what in a call for projects (django-rules), built on the core's predicates.

- the programme's coordinators run the call (create, edit, publish, check admissibility,
  invite experts, assign them, read the synthesis);
- the members of an applicant organisation (an applicant, coordinator or municipal staff role
  in it) write its dossier;
- an expert is the person whose address holds the call's seat and who holds the expert role in
  the programme's organisation."""

from __future__ import annotations

import rules

from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from curiouslab.accounts.rules import coordinates_programme

# The roles of an organisation whose holders write its dossiers.
APPLICANT_ROLES = (Role.APPLICANT, Role.COORDINATOR, Role.MUNICIPAL_STAFF)


def applicant_org_ids(user) -> set[int]:
    r = roles_for(user)
    ids: set[int] = set()
    for role in APPLICANT_ROLES:
        ids |= r.orgs(role)
    return ids


@rules.predicate
def writes_dossier(user, dossier) -> bool:
    if dossier is None or not user.is_authenticated:
        return False
    return dossier.organisation_id in applicant_org_ids(user)


@rules.predicate
def holds_seat(user, expert) -> bool:
    """``expert`` (a seat on a call) is the user's."""
    if expert is None or not user.is_authenticated:
        return False
    return (
        expert.email.lower() == user.email.lower()
        and expert.coordinating_organisation_id in roles_for(user).orgs(Role.EXPERT)
    )


rules.add_perm("calls.manage_call", coordinates_programme)
rules.add_perm("calls.edit_dossier", writes_dossier)
rules.add_perm("calls.check_admissibility", coordinates_programme)
rules.add_perm("calls.give_opinion", holds_seat)
