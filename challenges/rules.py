"""Who may do what with a challenge (django-rules). Views and templates use these same rules;
the services check them again, with the row locked."""

from __future__ import annotations

import rules

from challenges.models import EDITABLE_STATES, UNDER_REVIEW_STATES, Challenge, ChallengeStatus
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from curiouslab.accounts.rules import coordinates_programme, is_coordinator, is_municipal_staff


@rules.predicate
def works_for_municipality(user, challenge: Challenge) -> bool:
    return challenge.municipality_id in roles_for(user).orgs(Role.MUNICIPAL_STAFF)


@rules.predicate
def is_editable(user, challenge: Challenge) -> bool:
    return challenge.status in EDITABLE_STATES


@rules.predicate
def is_draft(user, challenge: Challenge) -> bool:
    return challenge.status == ChallengeStatus.DRAFT


@rules.predicate
def changes_requested(user, challenge: Challenge) -> bool:
    return challenge.status == ChallengeStatus.CHANGES_REQUESTED


@rules.predicate
def under_review(user, challenge: Challenge) -> bool:
    return challenge.status in UNDER_REVIEW_STATES


@rules.predicate
def declinable(user, challenge: Challenge) -> bool:
    return challenge.status in UNDER_REVIEW_STATES | {ChallengeStatus.CHANGES_REQUESTED}


@rules.predicate
def withdrawable(user, challenge: Challenge) -> bool:
    return challenge.cohort_id is None and challenge.status in EDITABLE_STATES | {
        ChallengeStatus.ACCEPTED
    }


@rules.predicate
def was_submitted(user, challenge: Challenge) -> bool:
    return challenge.submitted_at is not None


@rules.predicate
def in_a_cohort(user, challenge: Challenge) -> bool:
    return challenge.cohort_id is not None and challenge.status == ChallengeStatus.ACCEPTED


can_view = works_for_municipality | (coordinates_programme & was_submitted)

rules.add_perm("challenges.list_own", is_municipal_staff)
rules.add_perm("challenges.review", is_coordinator)
rules.add_perm("challenges.create", is_municipal_staff)
rules.add_perm("challenges.view_challenge", can_view)
rules.add_perm("challenges.change_challenge", works_for_municipality & is_editable)
rules.add_perm("challenges.submit_challenge", works_for_municipality & is_draft)
rules.add_perm("challenges.resubmit_challenge", works_for_municipality & changes_requested)
rules.add_perm("challenges.withdraw_challenge", works_for_municipality & withdrawable)
rules.add_perm("challenges.request_changes", coordinates_programme & under_review)
rules.add_perm("challenges.accept_challenge", coordinates_programme & under_review)
rules.add_perm("challenges.decline_challenge", coordinates_programme & declinable)
rules.add_perm("challenges.comment_challenge", can_view & was_submitted)
rules.add_perm(
    "challenges.record_outcome", (works_for_municipality | coordinates_programme) & in_a_cohort
)
rules.add_perm("challenges.see_review_diff", coordinates_programme & was_submitted)
rules.add_perm("challenges.view_outcome", can_view & in_a_cohort)
