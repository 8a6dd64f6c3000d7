"""Who may do what in a sprint (django-rules). The national coordinator is the programme's
coordinator (the core's ``coordinates_programme``); a site coordinator is named on the site
and sees that site only; the challenge's owner (its municipality's staff) validates the
option a team retains. Participants have no account: they prove who they are with the signed
link of their confirmation e-mail (``sprints.views.participant``), not with a rule."""

from __future__ import annotations

import rules
from django.core.exceptions import ObjectDoesNotExist

from cohorts.models import Team
from cohorts.rules import is_challenge_municipality
from curiouslab.accounts.rules import coordinates_programme
from sprints.models import Registration, Site, SiteChallenge


def _site_of(obj) -> Site | None:
    if isinstance(obj, Site):
        return obj
    if isinstance(obj, SiteChallenge | Registration):
        return obj.site
    if isinstance(obj, Team):
        try:
            return obj.sprint_challenge.site
        except ObjectDoesNotExist:
            return None
    return None


@rules.predicate
def coordinates_site(user, obj) -> bool:
    """The user is a local coordinator of the site of ``obj`` (a site, a site's challenge, a
    registration, or a sprint's team)."""
    site = _site_of(obj)
    if site is None or not user.is_authenticated:
        return False
    cached = getattr(site, "_coordinator_ids", None)
    if cached is not None:
        return user.pk in cached
    return site.coordinators.filter(pk=user.pk).exists()


@rules.predicate
def owns_team_challenge(user, team) -> bool:
    return team is not None and is_challenge_municipality(user, team)


rules.add_perm("sprints.manage_edition", coordinates_programme)
rules.add_perm("sprints.manage_site", coordinates_programme | coordinates_site)
rules.add_perm("sprints.view_team", coordinates_programme | coordinates_site | owns_team_challenge)
rules.add_perm("sprints.validate_option", owns_team_challenge)
