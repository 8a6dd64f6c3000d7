"""The audience award: one vote per person present at the closing session."""

import pytest
from django.urls import reverse

from sessions.models import Attendance
from tests.factories import UserFactory
from tests.trophies.factories import ClosingSessionFactory, ready_jury
from trophies.models import AudienceVote, Jury

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(world):
    session = ClosingSessionFactory(cohort=world.a.cohort)
    jury, _m, finalists, _c = ready_jury(
        world.a.cohort, closing_session=session, audience_award=True
    )
    present = UserFactory()
    Attendance.objects.create(session=session, user=present, method="qr_code", present=True)
    absent = UserFactory()
    Attendance.objects.create(session=session, user=absent, method="roll_call", present=False)
    return jury, finalists, present, absent


def test_attendee_votes_once(login, audience):
    jury, finalists, present, _absent = audience
    client = login(present)
    url = reverse("trophies:audience_vote", args=[jury.pk])
    assert "Votez une fois pour votre projet préféré." in client.get(url).content.decode()
    client.post(url, {"finalist": finalists[0].pk})
    response = client.post(url, {"finalist": finalists[1].pk})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Vous avez déjà voté" in page and str(finalists[0].team.name) in page
    vote = AudienceVote.objects.get()
    assert (vote.user, vote.finalist) == (present, finalists[0])
    # Without an audience award the page does not exist, even for someone present.
    Jury.objects.filter(pk=jury.pk).update(audience_award=False)
    assert client.get(url).status_code == 404


def test_person_absent_from_the_closing_session_cannot_vote(login, audience):
    jury, finalists, _present, absent = audience
    url = reverse("trophies:audience_vote", args=[jury.pk])
    assert login(absent).post(url, {"finalist": finalists[0].pk}).status_code == 404
    assert not AudienceVote.objects.exists()


def test_audience_vote_before_opening_is_refused(login, audience):
    jury, finalists, present, _absent = audience
    Jury.objects.filter(pk=jury.pk).update(status="setup")
    response = login(present).post(
        reverse("trophies:audience_vote", args=[jury.pk]), {"finalist": finalists[0].pk}
    )
    assert response.status_code == 400
    assert not AudienceVote.objects.exists()


def test_audience_vote_for_a_project_of_another_jury_is_refused(world, login, audience):
    jury, _finalists, present, _absent = audience
    _other, _m, other_finalists, _c = ready_jury(world.b.cohort)
    response = login(present).post(
        reverse("trophies:audience_vote", args=[jury.pk]), {"finalist": other_finalists[0].pk}
    )
    assert response.status_code == 400
    assert not AudienceVote.objects.exists()


def test_audience_qr_is_an_inline_svg_for_the_coordinator(world, login, audience):
    jury, _f, _p, _a = audience
    response = login(world.a.people["coordinator"]).get(
        reverse("trophies:audience_qr", args=[jury.pk])
    )
    body = response.content.decode()
    assert "<svg" in body and "style=" not in body
    assert f"/jury/{jury.pk}/audience/" in body
