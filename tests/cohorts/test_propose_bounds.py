"""Bounded work per request: a posted number never sizes work beyond the data."""

import time

import pytest

from cohorts.models import Team
from tests.cohorts import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["99999999999999999999", "7", "-3", "٣", "1e9", "9" * 5000])
def test_team_number_beyond_the_students_is_refused_at_once(setup, login, value):
    students = [f.student(setup.school, d) for d in ("ingénierie", "commerce", "design")]
    before = Team.objects.count()
    data = {f"student-{u.pk}": "1" for u in students}
    data[f"student-{students[0].pk}"] = value
    data["save"] = "1"
    started = time.monotonic()
    response = login(setup.coordinator).post(f"/cohorts/{setup.cohort.pk}/teams/propose/", data)
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert "Un numéro d&#x27;équipe est compris entre 0 et 3." in response.content.decode()
    assert Team.objects.count() == before
    assert elapsed < 2, elapsed
    # The page offers the numbers the data allows, not the posted one.
    assert max(response.context["numbers"]) <= 4


def test_team_name_longer_than_the_column_is_refused(setup, login):
    students = [f.student(setup.school, d) for d in ("ingénierie", "commerce", "design")]
    data = {f"student-{u.pk}": "1" for u in students}
    for name in ("x" * 121, "Les\x00Curieux"):
        data.update({"name-1": name, "save": "1"})
        response = login(setup.coordinator).post(f"/cohorts/{setup.cohort.pk}/teams/propose/", data)
        assert response.status_code == 400
        assert "120 caractères au plus" in response.content.decode()
    assert not Team.objects.filter(cohort=setup.cohort, members__user=students[0]).exists()
