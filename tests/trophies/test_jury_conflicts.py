"""Conflicts of interest, enforced by the server and shown to the coordinator."""

import pytest
from django.urls import reverse

from cohorts.models import CoachAssignment, TeamMember
from curiouslab.accounts.models import AuditLogEntry, Membership, Role
from tests.factories import UserFactory
from tests.trophies.factories import juror, ready_jury
from trophies.models import ConflictDeclaration, Score

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(world):
    jury, _m, finalists, crits = ready_jury(world.a.cohort, jurors=0, finalists=3)
    seat = juror(jury, world.a.people["juror"])
    return jury, seat, finalists, crits


def _try(client, jury, finalist, crits):
    data = {f"mark-{c.pk}": "3" for c in crits}
    return client.post(
        reverse("trophies:sheet_save", args=[jury.pk, finalist.pk]), data, HTTP_HX_REQUEST="true"
    )


def test_juror_of_the_projects_municipality_cannot_score_it(world, login, setting):
    jury, seat, finalists, crits = setting
    Membership.objects.create(
        user=seat.user, organisation=finalists[0].challenge.municipality, role=Role.MUNICIPAL_STAFF
    )
    client = login(seat.user)
    response = _try(client, jury, finalists[0], crits)
    assert response.status_code == 400
    assert "membre de la commune du projet" in response.content.decode()
    assert not Score.objects.exists()
    assert _try(client, jury, finalists[1], crits).status_code == 200


def test_juror_of_a_school_of_the_team_cannot_score_it(world, login, setting):
    jury, seat, finalists, crits = setting
    Membership.objects.create(
        user=seat.user, organisation=world.a.school, role=Role.SCHOOL_REFERENT
    )
    TeamMember.objects.create(
        team=finalists[1].team,
        cohort=jury.cohort,
        user=UserFactory(),
        school=world.a.school,
        discipline="design",
    )
    response = _try(login(seat.user), jury, finalists[1], crits)
    assert "membre d&#x27;une école de l&#x27;équipe" in response.content.decode()
    assert not Score.objects.exists()


def test_juror_who_coached_the_team_cannot_score_it(world, login, setting):
    jury, seat, finalists, crits = setting
    CoachAssignment.objects.create(team=finalists[2].team, coach=seat.user)
    response = _try(login(seat.user), jury, finalists[2], crits)
    assert "a accompagné l&#x27;équipe" in response.content.decode()
    assert not Score.objects.exists()


def test_declared_conflict_blocks_scoring_and_is_audited(world, login, setting):
    jury, seat, finalists, crits = setting
    client = login(seat.user)
    client.post(
        reverse("trophies:conflict_declare", args=[jury.pk, finalists[0].pk]),
        {"reason": "Mon neveu est dans l'équipe"},
    )
    declaration = ConflictDeclaration.objects.get()
    assert declaration.member == seat and declaration.finalist == finalists[0]
    assert AuditLogEntry.objects.filter(action="jury.conflict_declare").exists()
    response = _try(client, jury, finalists[0], crits)
    assert "déclaré : Mon neveu" in response.content.decode()
    assert not Score.objects.exists()
    sheet = client.get(reverse("trophies:sheet", args=[jury.pk])).content.decode()
    assert "Vous ne notez pas ce projet." in sheet
    assert "0 projet complet sur 2" in sheet


def test_excluded_pairs_are_shown_to_the_coordinator_and_logged_at_opening(world, login):
    jury, _m, finalists, _c = ready_jury(world.a.cohort, jurors=0, status="setup")
    seat = juror(jury, world.a.people["juror"])
    CoachAssignment.objects.create(team=finalists[0].team, coach=seat.user)
    client = login(world.a.people["coordinator"])
    page = client.get(reverse("trophies:jury_detail", args=[jury.pk])).content.decode()
    assert "a accompagné l&#x27;équipe" in page and str(finalists[0].team) in page
    client.post(reverse("trophies:jury_transition", args=[jury.pk, "open"]))
    entry = AuditLogEntry.objects.get(action="jury.exclusions")
    assert entry.after["excluded"] == [
        {"juror": seat.pk, "finalist": finalists[0].pk, "reasons": ["a accompagné l'équipe"]}
    ]


def test_scoring_and_the_coordinators_pages_apply_the_same_conflict_rule(world):
    """The scoring transaction checks one pair in one hand-written statement; the coordinator's
    pages compute every pair at once. Both must refuse exactly the same pairs, for the same
    reasons, and an inactive membership excludes nobody."""
    from django.db import transaction

    from trophies.selectors import exclusions_for
    from trophies.services import _seat_for_scoring

    jury, seats, finalists, _c = ready_jury(world.a.cohort, jurors=6, finalists=3)
    municipal, referent, coach, student, declarer, inactive = seats
    Membership.objects.create(
        user=municipal.user,
        organisation=finalists[0].challenge.municipality,
        role=Role.MUNICIPAL_STAFF,
    )
    Membership.objects.create(
        user=referent.user, organisation=world.a.school, role=Role.SCHOOL_REFERENT
    )
    Membership.objects.create(
        user=inactive.user,
        organisation=finalists[0].challenge.municipality,
        role=Role.MUNICIPAL_STAFF,
        is_active=False,
    )
    TeamMember.objects.create(
        team=finalists[1].team,
        cohort=jury.cohort,
        user=student.user,
        school=world.a.school,
        discipline="design",
    )
    CoachAssignment.objects.create(team=finalists[2].team, coach=coach.user)
    ConflictDeclaration.objects.create(
        jury=jury, member=declarer, finalist=finalists[2], reason="Ma fille"
    )
    expected = exclusions_for(jury)
    with transaction.atomic():
        checked = {(m.pk, f.pk): _seat_for_scoring(m, f)[1] for m in seats for f in finalists}
    assert {k: v for k, v in checked.items() if v} == expected
    assert expected[(municipal.pk, finalists[0].pk)] == ["membre de la commune du projet"]
    assert expected[(student.pk, finalists[1].pk)] == ["membre de l'équipe"]
    assert expected[(referent.pk, finalists[1].pk)] == ["membre d'une école de l'équipe"]
    assert expected[(coach.pk, finalists[2].pk)] == ["a accompagné l'équipe"]
    assert expected[(declarer.pk, finalists[2].pk)] == ["déclaré : Ma fille"]
    assert not any(m == inactive.pk for m, _f in expected)
