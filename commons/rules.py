"""Who may do what with a publication (django-rules), built on the core's predicates."""

from __future__ import annotations

import rules

from cohorts.rules import is_challenge_municipality
from curiouslab.accounts.rules import coordinates_programme, in_team


@rules.predicate
def municipality_of_publication(user, publication) -> bool:
    return publication is not None and is_challenge_municipality(user, publication.team)


@rules.predicate
def member_of_publication(user, publication) -> bool:
    return publication is not None and in_team(user, publication.team)


rules.add_perm("commons.propose", coordinates_programme)
rules.add_perm("commons.manage_publication", coordinates_programme)
rules.add_perm("commons.approve_commune_text", municipality_of_publication)
rules.add_perm("commons.consent", member_of_publication)
rules.add_perm("commons.record_outcome", municipality_of_publication)
