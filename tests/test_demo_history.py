"""The demo's states come from the status writers, not from fields written by hand: every
status it shows has the history a real platform would have left — the transitions and audit
entries, dated in the past (``at=``) — and a second run changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from challenges.models import Challenge, ChallengeStatus
from cohorts.models import SchoolEnrolment, Team
from curiouslab.accounts.models import AuditLogEntry
from training.models import ReplicationSheet
from training.selectors import training_records
from trophies.models import Jury, JuryStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def _entries(action, model_objects):
    return {
        int(pk)
        for pk in AuditLogEntry.objects.filter(action=action).values_list("object_id", flat=True)
    } >= {o.pk for o in model_objects}


def test_demo_statuses_carry_the_history_their_writers_leave():
    call_command("seed_demo", stdout=io.StringIO())
    transitions_before = AuditLogEntry.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert AuditLogEntry.objects.count() == transitions_before  # nothing replayed

    challenges = list(Challenge.objects.prefetch_related("transitions"))
    assert {c.status for c in challenges} >= {
        ChallengeStatus.DRAFT,
        ChallengeStatus.ACCEPTED,
        ChallengeStatus.RESUBMITTED,
        ChallengeStatus.WITHDRAWN,
    }
    for challenge in challenges:
        steps = list(challenge.transitions.all())
        if challenge.status == ChallengeStatus.DRAFT:
            assert steps == []
            continue
        # The last arrow ends where the challenge stands; each one starts where the last ended.
        assert steps[-1].to_status == challenge.status, challenge
        assert [s.from_status for s in steps] == [ChallengeStatus.DRAFT] + [
            s.to_status for s in steps[:-1]
        ]
        assert challenge.submitted_at == steps[0].created_at < timezone.now()
    accepted = [c for c in challenges if c.status == ChallengeStatus.ACCEPTED]
    assert _entries("challenge.accept", accepted)
    assert all(c.decided_at is not None for c in accepted)

    approved = list(SchoolEnrolment.objects.filter(status=SchoolEnrolment.Status.APPROVED))
    assert approved and _entries("enrolment.approved", approved)
    assert all(e.decided_at.year in (2025, 2026) and e.decided_by for e in approved)
    confirmed = list(Team.objects.filter(status=Team.Status.CONFIRMED))
    assert confirmed and _entries("team.confirmed", confirmed)
    old = AuditLogEntry.objects.filter(action="team.confirmed").order_by("created_at").first()
    assert old.created_at.year in (2025, 2026) and old.created_at < timezone.now()
    jury = Jury.objects.get(status=JuryStatus.OPEN)
    assert _entries("jury.open", [jury])

    # The Creuse agents' school: its sheet was published by the writer, its agents' records
    # come from the attendance taken at the module sessions.
    sheet = ReplicationSheet.objects.get(status="published")
    assert _entries("training.sheet_status", [sheet])
    assert sheet.experiment.user_tests.count() == 2 and sheet.experiment.indicators.count() == 2
    cohort = sheet.experiment.cohort
    assert cohort.programme.organisation.name == "Département de la Creuse"
    hours = {r.user.email: r.hours for r in training_records(cohort)}
    assert hours["lea.martin@creuse.example.org"] == 10.5
    assert hours["marc.durand@gueret.example.org"] == 3.5


def test_demo_call_for_projects_is_seeded_through_its_services():
    from calls.models import Call, Decision, Opinion

    call_command("seed_demo", stdout=io.StringIO())
    call = Call.objects.get(programme__slug="programme-lit")
    assert call.dossiers.count() == 17 and call.experts.count() == 6
    assert (
        Opinion.objects.filter(assignment__dossier__call=call, submitted_at__isnull=False).count()
        == 48  # 16 admissible dossiers × 3 experts
    )
    assert call.committee.status == "locked"
    assert Decision.objects.filter(committee=call.committee, outcome="laureate").count() == 8
    assert AuditLogEntry.objects.filter(action="dossier.submitted").count() == 17
    assert AuditLogEntry.objects.filter(action="committee.locked").count() == 1
