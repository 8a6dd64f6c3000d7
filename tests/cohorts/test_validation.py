"""Everything reaching the database is validated like a form field: milestones inside their
cohort's dates, a cohort year within a sane range, jurors' comments within their length."""

import datetime

import pytest
from django.urls import reverse

from cohorts.models import Cohort, Milestone
from tests.trophies.factories import juror, ready_jury
from trophies.models import Score

pytestmark = pytest.mark.django_db


def _milestone(deadline: str) -> dict:
    return {"kind": "final", "name": "Projet final", "description": "", "deadline": deadline}


def test_milestone_outside_the_cohort_dates_is_refused(setup, login):
    client = login(setup.coordinator)
    cohort = setup.cohort
    url = f"/cohorts/{cohort.pk}/milestones/new/"
    for day in (cohort.call_opens - datetime.timedelta(days=1), datetime.date(2999, 6, 1)):
        response = client.post(url, _milestone(f"{day:%Y-%m-%d}T18:00"))
        assert response.status_code == 400
        assert "dans les dates de la promotion" in response.content.decode()
    assert not Milestone.objects.filter(cohort=cohort).exists()
    response = client.post(url, _milestone(f"{cohort.closing:%Y-%m-%d}T09:00"))
    assert response.status_code == 302
    milestone = Milestone.objects.get(cohort=cohort)
    # Editing keeps the rule.
    response = client.post(
        f"/cohorts/milestones/{milestone.pk}/edit/", _milestone("2999-06-01T18:00")
    )
    assert response.status_code == 400
    milestone.refresh_from_db()
    assert milestone.deadline.year != 2999


@pytest.mark.parametrize("year", ["1850", "32767", "99999", "99999999999999999999", "-2026"])
def test_cohort_year_out_of_range_is_refused(setup, login, year):
    data = {
        "name": "Promotion",
        "year": year,
        "call_opens": "2040-05-01",
        "call_closes": "2040-12-15",
        "kickoff": "2041-01-15",
        "working_starts": "2041-01-16",
        "working_ends": "2041-06-05",
        "closing": "2041-06-20",
    }
    client = login(setup.coordinator)
    before = Cohort.objects.count()
    response = client.post(f"/cohorts/programmes/{setup.programme.pk}/new/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "entre 2000 et 2100" in body or "supérieure ou égale à 0" in body
    assert Cohort.objects.count() == before
    response = client.post(f"/cohorts/{setup.cohort.pk}/edit/", data)
    assert response.status_code == 400
    setup.cohort.refresh_from_db()
    assert setup.cohort.name != "Promotion"


@pytest.mark.parametrize("comment", ["x" * 2001, "Très\x00bien"])
def test_juror_comment_too_long_or_with_nul_is_refused(world, login, comment):
    jury, _members, finalists, (c1, _c2) = ready_jury(world.a.cohort, jurors=1, finalists=2)
    seat = juror(jury, world.a.people["juror"])
    response = login(world.a.people["juror"]).post(
        reverse("trophies:sheet_save", args=[jury.pk, finalists[0].pk]),
        {f"mark-{c1.pk}": "4", f"comment-{c1.pk}": comment},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code in (200, 400)
    assert "2000 caractères au plus" in response.content.decode()
    assert not Score.objects.filter(member=seat).exists()
