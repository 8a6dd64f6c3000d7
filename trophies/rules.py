"""Who may do what with a jury (django-rules), shared by views and templates."""

from __future__ import annotations

import rules

from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from curiouslab.accounts.rules import coordinates_programme, is_coordinator, is_juror
from trophies.models import JuryStatus

# The jury's coordinator is the core's "coordinates the programme" (one definition).
coordinates_jury = coordinates_programme


@rules.predicate
def sits_on_jury(user, jury) -> bool:
    """A seat on the jury, as long as the juror role in its organisation is held. A view that
    listed the juries by seat says so with ``jury._member_user_ids`` (no query per row)."""
    if jury is None or not user.is_authenticated:
        return False
    if jury.coordinating_organisation_id not in roles_for(user).orgs(Role.JUROR):
        return False
    cached = getattr(jury, "_member_user_ids", None)
    if cached is not None:
        return user.pk in cached
    return jury.members.filter(user=user).exists()


@rules.predicate
def chairs_jury(user, jury) -> bool:
    """The jury's chair, as long as they hold a coordinator or a juror role in its
    organisation: not necessarily the coordinator who created the jury."""
    if jury is None or not user.is_authenticated or jury.chair_id != user.pk:
        return False
    org = jury.coordinating_organisation_id
    r = roles_for(user)
    return org in r.orgs(Role.COORDINATOR) or org in r.orgs(Role.JUROR)


@rules.predicate
def jury_in_setup(user, jury) -> bool:
    return jury is not None and jury.status == JuryStatus.SETUP


@rules.predicate
def jury_open(user, jury) -> bool:
    return jury is not None and jury.status == JuryStatus.OPEN


@rules.predicate
def jury_closed(user, jury) -> bool:
    return jury is not None and jury.status == JuryStatus.CLOSED


@rules.predicate
def results_out(user, jury) -> bool:
    return jury is not None and jury.status in (JuryStatus.CLOSED, JuryStatus.PUBLISHED)


@rules.predicate
def jury_published(user, jury) -> bool:
    return jury is not None and jury.status == JuryStatus.PUBLISHED


rules.add_perm("trophies.list_juries", is_coordinator | is_juror)
rules.add_perm("trophies.add_jury", is_coordinator)
rules.add_perm("trophies.manage_jury", coordinates_jury)
rules.add_perm("trophies.change_jury", coordinates_jury & jury_in_setup)
rules.add_perm("trophies.open_jury", coordinates_jury & jury_in_setup)
rules.add_perm("trophies.close_jury", coordinates_jury & jury_open)
rules.add_perm("trophies.publish_jury", coordinates_jury & jury_closed)
# The ranking stays hidden while voting is open, so that nobody is influenced.
# The chair deliberates once voting is closed: they see the results and cast the deciding vote.
rules.add_perm(
    "trophies.view_results",
    ((coordinates_jury | chairs_jury) & results_out) | (sits_on_jury & jury_published),
)
rules.add_perm("trophies.cast_vote", (coordinates_jury | chairs_jury) & jury_closed)
rules.add_perm("trophies.score_jury", sits_on_jury & jury_open)
# A conflict of interest is declared before or during the vote, never after.
rules.add_perm("trophies.declare_conflict", sits_on_jury & (jury_in_setup | jury_open))
