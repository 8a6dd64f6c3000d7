"""The chair's live view: progress without marks or ranking, refreshed by HTMX polling."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.trophies.factories import juror, ready_jury
from trophies.models import Score

pytestmark = pytest.mark.django_db


def test_live_view_shows_who_finished_and_what_is_missing_without_marks(world, login):
    jury, (j1, j2), (f1, f2), crits = ready_jury(world.a.cohort)
    for f in (f1, f2):
        for c in crits:
            Score.objects.create(jury=jury, member=j1, finalist=f, criterion=c, value=4)
    Score.objects.create(jury=jury, member=j2, finalist=f1, criterion=crits[0], value=3)
    client = login(world.a.people["coordinator"])
    page = client.get(reverse("trophies:jury_live", args=[jury.pk])).content.decode()
    assert 'hx-trigger="every 5s"' in page
    fragment = client.get(reverse("trophies:jury_live", args=[jury.pk]), HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body
    assert "terminé" in body and "2 / 2" in body and "0 / 2" in body
    assert f"{f1.team}, {f2.team}" in body
    assert "Classement" not in body and "Résultat" not in body


def test_live_view_query_count_does_not_grow_with_jurors(world, login, django_assert_num_queries):
    jury, _m, _f, _c = ready_jury(world.a.cohort, jurors=1, finalists=1)
    client = login(world.a.people["coordinator"])
    url = reverse("trophies:jury_live", args=[jury.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url, HTTP_HX_REQUEST="true")
    for _ in range(8):
        juror(jury)
    with django_assert_num_queries(len(one)):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.content.decode().count("0 / 1") == 9


def test_live_view_is_404_for_a_juror_and_another_coordinator(world, login):
    jury, _m, _f, _c = ready_jury(world.a.cohort)
    juror(jury, world.a.people["juror"])
    for person in (world.a.people["juror"], world.b.people["coordinator"]):
        assert login(person).get(reverse("trophies:jury_live", args=[jury.pk])).status_code == 404
