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
    numbers = {u.pk: "1" for u in students}
    numbers[students[0].pk] = value
    data = f.proposal_data(numbers)
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
    for name in ("x" * 121, "Les\x00Curieux"):
        data = f.proposal_data({u.pk: "1" for u in students}, {1: name})
        response = login(setup.coordinator).post(f"/cohorts/{setup.cohort.pk}/teams/propose/", data)
        assert response.status_code == 400
        assert "120 caractères au plus" in response.content.decode()
    assert not Team.objects.filter(cohort=setup.cohort, members__user=students[0]).exists()


def test_more_forms_than_students_are_refused_unbuilt(setup, login):
    """A posted form count beyond the students is refused, whatever it says."""
    students = [f.student(setup.school, d) for d in ("ingénierie", "commerce", "design")]
    data = f.proposal_data({u.pk: "1" for u in students})
    data["student-TOTAL_FORMS"] = data["team-TOTAL_FORMS"] = "1000000000"
    response = login(setup.coordinator).post(f"/cohorts/{setup.cohort.pk}/teams/propose/", data)
    assert response.status_code == 400
    assert "3 formulaires" in response.content.decode()
    assert not Team.objects.filter(cohort=setup.cohort, members__user=students[0]).exists()


def test_a_student_not_to_place_is_refused(setup, login):
    """A user id that is not an unassigned student of the cohort places nobody."""
    students = [f.student(setup.school, d) for d in ("ingénierie", "commerce", "design")]
    outsider = f.student(f.school(setup.dep, "École hors cohorte"))
    data = f.proposal_data({**{u.pk: "1" for u in students[:2]}, outsider.pk: "1"})
    response = login(setup.coordinator).post(f"/cohorts/{setup.cohort.pk}/teams/propose/", data)
    assert response.status_code == 400
    assert "Les étudiants à placer ont changé" in response.content.decode()
    assert not Team.objects.filter(cohort=setup.cohort, members__user=outsider).exists()
