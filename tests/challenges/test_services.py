import datetime

import pytest
from django.utils import timezone

from challenges import services
from challenges.diff import since_last_review
from challenges.models import Challenge, ChallengeStatus, ChallengeTransition, ChallengeVersion
from curiouslab.accounts.models import AuditLogEntry, Role
from curiouslab.errors import DomainError
from tests.challenges.factories import ChallengeFactory, on_side
from tests.factories import member

pytestmark = pytest.mark.django_db


def _status(challenge) -> str:
    return Challenge.objects.get(pk=challenge.pk).status


def test_challenge_create_by_staff_is_a_draft_of_their_municipality(world, staff):
    challenge = services.challenge_create(
        actor=staff,
        municipality=world.a.municipality,
        call=world.a.cohort,
        data={"title": "Kiosque citoyen", "question": "Comment informer ?", "theme": "culture"},
    )
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.DRAFT
    assert challenge.programme == world.a.programme
    assert challenge.created_by == staff
    assert AuditLogEntry.objects.filter(action="challenge.create", object_id=str(challenge.pk))


def test_challenge_create_for_another_municipality_is_refused(world):
    with pytest.raises(DomainError) as exc:
        services.challenge_create(
            actor=world.b.people["municipal_staff"],
            municipality=world.a.municipality,
            call=world.a.cohort,
            data={"title": "X", "question": "Comment ?", "theme": "culture"},
        )
    assert exc.value.code == "role"
    assert not Challenge.objects.exists()


def test_challenge_submit_notifies_the_coordinators_after_commit(
    draft, staff, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.challenge_submit(challenge=draft, actor=staff)
    draft.refresh_from_db()
    assert draft.status == ChallengeStatus.SUBMITTED
    assert draft.submitted_at is not None
    t = ChallengeTransition.objects.get(challenge=draft)
    assert (t.from_status, t.to_status, t.actor) == ("draft", "submitted", staff)
    assert AuditLogEntry.objects.get(action="challenge.submit").actor == staff
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    assert "Nouveau défi" in mailoutbox[0].subject
    assert draft.title in mailoutbox[0].subject


def test_challenge_submit_twice_is_refused_the_second_time(draft, staff, mailoutbox):
    services.challenge_submit(challenge=draft, actor=staff)
    with pytest.raises(DomainError) as exc:
        services.challenge_submit(challenge=draft, actor=staff)  # a stale object, as a 2nd click
    assert "déjà été soumis" in str(exc.value)
    assert ChallengeTransition.objects.filter(challenge=draft).count() == 1


def test_challenge_submit_when_the_call_is_closed_is_refused(world, staff):
    cohort = world.a.cohort
    cohort.call_opens = timezone.localdate() - datetime.timedelta(days=60)
    cohort.call_closes = timezone.localdate() - datetime.timedelta(days=1)
    cohort.save()
    challenge = ChallengeFactory(**on_side(world.a))
    with pytest.raises(DomainError) as exc:
        services.challenge_submit(challenge=challenge, actor=staff)
    assert exc.value.code == "call"
    assert _status(challenge) == ChallengeStatus.DRAFT


def test_challenge_submit_with_missing_fields_names_them(world, staff):
    challenge = ChallengeFactory(**on_side(world.a), stakes="", territory="  ")
    with pytest.raises(DomainError) as exc:
        services.challenge_submit(challenge=challenge, actor=staff)
    assert "enjeux" in str(exc.value) and "territoire" in str(exc.value)
    assert _status(challenge) == ChallengeStatus.DRAFT


def test_challenge_submit_by_a_coordinator_is_refused(draft, coordinator):
    with pytest.raises(DomainError) as exc:
        services.challenge_submit(challenge=draft, actor=coordinator)
    assert exc.value.code == "role"


def test_request_changes_needs_a_message(pending, coordinator):
    with pytest.raises(DomainError) as exc:
        services.challenge_request_changes(challenge=pending, actor=coordinator, message="  ")
    assert exc.value.code == "message"
    assert _status(pending) == ChallengeStatus.SUBMITTED


def test_request_changes_sends_the_message_to_the_municipality(
    pending, coordinator, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.challenge_request_changes(
            challenge=pending, actor=coordinator, message="Précisez le public visé & le budget."
        )
    pending.refresh_from_db()
    assert pending.status == ChallengeStatus.CHANGES_REQUESTED
    assert pending.review_message == "Précisez le public visé & le budget."
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert "Précisez le public visé & le budget." in mailoutbox[0].body  # not HTML-escaped
    entry = AuditLogEntry.objects.get(action="challenge.request_changes")
    assert entry.reason == "Précisez le public visé & le budget."
    assert entry.organisation_id == pending.programme.organisation_id


def test_request_changes_by_another_programme_coordinator_is_refused(world, pending):
    with pytest.raises(DomainError) as exc:
        services.challenge_request_changes(
            challenge=pending, actor=world.b.people["coordinator"], message="Non."
        )
    assert exc.value.code == "role"
    assert _status(pending) == ChallengeStatus.SUBMITTED


def test_full_cycle_changes_requested_resubmitted_accepted(pending, coordinator, staff):
    services.challenge_request_changes(challenge=pending, actor=coordinator, message="Précisez.")
    services.challenge_update(
        challenge=pending, actor=staff, data={"users_concerned": "Les familles monoparentales."}
    )
    services.challenge_resubmit(challenge=pending, actor=staff, message="C'est fait.")
    services.challenge_accept(challenge=pending, actor=coordinator, message="Bravo.")
    pending.refresh_from_db()
    assert pending.status == ChallengeStatus.ACCEPTED
    assert pending.decided_at is not None
    assert list(pending.transitions.values_list("to_status", flat=True)) == [
        "submitted",
        "changes_requested",
        "resubmitted",
        "accepted",
    ]


def test_resubmit_before_changes_were_requested_is_refused(pending, staff):
    with pytest.raises(DomainError) as exc:
        services.challenge_resubmit(challenge=pending, actor=staff)
    assert exc.value.code == "state"


def test_decline_needs_a_message_and_keeps_it(pending, coordinator):
    with pytest.raises(DomainError):
        services.challenge_decline(challenge=pending, actor=coordinator, message="")
    services.challenge_decline(challenge=pending, actor=coordinator, message="Hors périmètre.")
    pending.refresh_from_db()
    assert pending.status == ChallengeStatus.DECLINED
    assert pending.review_message == "Hors périmètre."


def test_two_coordinators_deciding_at_once_the_second_is_refused(world, pending, coordinator):
    colleague = member(Role.COORDINATOR, world.a.departement)
    seen_by_colleague = Challenge.objects.get(pk=pending.pk)  # both opened the page
    services.challenge_accept(challenge=pending, actor=coordinator)
    with pytest.raises(DomainError) as exc:
        services.challenge_decline(
            challenge=seen_by_colleague, actor=colleague, message="Trop vague."
        )
    assert "déjà" in str(exc.value) and "Accepté" in str(exc.value)
    pending.refresh_from_db()
    assert pending.status == ChallengeStatus.ACCEPTED
    assert pending.review_message == ""
    assert not ChallengeTransition.objects.filter(to_status="declined").exists()


def test_withdraw_by_the_municipality_tells_the_coordinators(
    pending, staff, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.challenge_withdraw(challenge=pending, actor=staff, message="Projet abandonné.")
    assert _status(pending) == ChallengeStatus.WITHDRAWN
    assert [m.to for m in mailoutbox] == [[coordinator.email]]


def test_withdraw_once_in_a_cohort_is_refused(world, staff, coordinator):
    challenge = ChallengeFactory(
        **on_side(world.a),
        status=ChallengeStatus.ACCEPTED,
        cohort=world.a.cohort,
        submitted_at=timezone.now(),
    )
    with pytest.raises(DomainError) as exc:
        services.challenge_withdraw(challenge=challenge, actor=staff)
    assert exc.value.code == "cohort"
    assert _status(challenge) == ChallengeStatus.ACCEPTED


def test_withdraw_by_a_coordinator_is_refused(pending, coordinator):
    with pytest.raises(DomainError):
        services.challenge_withdraw(challenge=pending, actor=coordinator)
    assert _status(pending) == ChallengeStatus.SUBMITTED


def test_update_of_a_draft_keeps_no_version(draft, staff):
    services.challenge_update(challenge=draft, actor=staff, data={"title": "Nouveau titre"})
    assert Challenge.objects.get(pk=draft.pk).title == "Nouveau titre"
    assert not ChallengeVersion.objects.exists()


def test_update_after_submission_is_kept_as_a_version_and_shown_as_a_diff(draft, staff):
    services.challenge_submit(challenge=draft, actor=staff)
    services.challenge_update(
        challenge=draft, actor=staff, data={"stakes": "Des files d'attente de trois heures."}
    )
    versions = list(ChallengeVersion.objects.filter(challenge=draft))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].changed_fields == ["stakes"]
    draft.refresh_from_db()
    diff = since_last_review(draft, list(draft.transitions.all()))
    assert [d.name for d in diff] == ["stakes"]
    assert ("del", "plusieurs") in diff[0].segments
    assert ("ins", "trois") in diff[0].segments
    assert ("same", "Des files d'attente de ") in diff[0].segments


def test_diff_is_relative_to_the_last_request_for_changes(pending, staff, coordinator):
    services.challenge_update(challenge=pending, actor=staff, data={"territory": "Quartier A"})
    services.challenge_request_changes(challenge=pending, actor=coordinator, message="Et B ?")
    services.challenge_update(challenge=pending, actor=staff, data={"levers": "Un budget"})
    pending.refresh_from_db()
    diff = since_last_review(pending, list(pending.transitions.all()))
    assert [d.name for d in diff] == ["levers"]


def test_update_of_an_accepted_challenge_is_refused(pending, coordinator, staff):
    services.challenge_accept(challenge=pending, actor=coordinator)
    with pytest.raises(DomainError) as exc:
        services.challenge_update(challenge=pending, actor=staff, data={"title": "Autre"})
    assert exc.value.code == "state"
    assert Challenge.objects.get(pk=pending.pk).title == pending.title


def test_comment_from_the_coordinator_is_mailed_to_the_municipality(
    pending, coordinator, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.challenge_comment_add(
            challenge=pending, actor=coordinator, body="Une idée ?"
        )
    assert comment.from_coordinator
    assert [m.to for m in mailoutbox] == [[staff.email]]


def test_comment_on_a_draft_is_refused(draft, staff):
    with pytest.raises(DomainError):
        services.challenge_comment_add(challenge=draft, actor=staff, body="Bonjour")


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (ChallengeStatus.DRAFT, ChallengeStatus.SUBMITTED, True),
        (ChallengeStatus.SUBMITTED, ChallengeStatus.ACCEPTED, True),
        (ChallengeStatus.CHANGES_REQUESTED, ChallengeStatus.RESUBMITTED, True),
        (ChallengeStatus.DRAFT, ChallengeStatus.ACCEPTED, False),
        (ChallengeStatus.DECLINED, ChallengeStatus.ACCEPTED, False),
        (ChallengeStatus.WITHDRAWN, ChallengeStatus.SUBMITTED, False),
    ],
)
def test_the_one_status_writer_follows_the_transitions_map(world, coordinator, start, to, allowed):
    challenge = ChallengeFactory(**on_side(world.a), status=start)
    if allowed:
        services.challenge_set_status(
            challenge=challenge, actor=coordinator, to_status=to, action="test"
        )
    else:
        with pytest.raises(DomainError):
            services.challenge_set_status(
                challenge=challenge, actor=coordinator, to_status=to, action="test"
            )
    challenge.refresh_from_db()
    assert challenge.status == (to if allowed else start)
    assert ChallengeTransition.objects.filter(challenge=challenge).count() == int(allowed)
