"""The roll call stays live: a tap sends back its row with the counter, and the page's poll
gets nothing while no attendance changed, then the rows and the counter once one did (a QR
check-in, another device's tap)."""

import re

import pytest
from django.urls import reverse

from sessions.services import attendance_check_in, checkin_token
from tests.sessions.factories import running

pytestmark = pytest.mark.django_db


def _state(html: str) -> str:
    return re.search(r'id="attendance-poll" hx-get="[^"?]*\?state=([^"]*)"', html).group(1)


def test_a_tap_sends_back_the_counter_out_of_band(cast, login):
    session = running(cohort=cast.cohort, teams=[cast.team])
    client = login(cast.coordinator)
    url = reverse("sessions:attendance_toggle", args=[session.pk, cast.student.pk])
    html = client.post(url, {"present": "1"}, HTTP_HX_REQUEST="true").text
    assert 'id="attendance-counter" role="status" hx-swap-oob="true"' in html
    assert "Présents : 1 sur 2 personnes invitées" in html
    assert 'id="attendance-poll"' in html and 'hx-swap-oob="true" hidden' in html


def test_the_poll_is_empty_until_an_attendance_changes(cast, login):
    session = running(cohort=cast.cohort, teams=[cast.team])
    client = login(cast.coordinator)
    url = reverse("sessions:attendance", args=[session.pk])
    page = client.get(url).text
    state = _state(page)
    assert "Présents : 0 sur 2 personnes invitées" in page

    polled = client.get(url, {"state": state}, HTTP_HX_REQUEST="true")
    assert polled.status_code == 204

    attendance_check_in(session=session, user=cast.teammate, token=checkin_token(session))
    polled = client.get(url, {"state": state}, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200
    html = polled.text
    assert "<html" not in html
    assert '<template><tbody id="attendance-rows" hx-swap-oob="true">' in html
    assert "Présents : 1 sur 2 personnes invitées" in html
    assert "Émargement par QR code" in html
    assert _state(html) != state
    assert client.get(url, {"state": _state(html)}, HTTP_HX_REQUEST="true").status_code == 204
