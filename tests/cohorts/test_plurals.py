"""Counts in the cohorts app read as French: «1 équipe a été créée», «2 équipes ont été
créées», and the composition rule says «1 école» when the programme asks for one."""

import pytest

from cohorts.composition import check_counts
from tests.cohorts import factories as f

pytestmark = pytest.mark.django_db


def _propose(setup, login, groups: int):
    students = [
        f.student(school, discipline)
        for school in (setup.school, setup.school2)
        for discipline in ("ingénierie", "commerce", "design")
    ]
    data = f.proposal_data({u.pk: str(1 + i % groups) for i, u in enumerate(students)})
    url = f"/cohorts/{setup.cohort.pk}/teams/propose/"
    return login(setup.coordinator).post(url, data, follow=True).content.decode()


def test_one_team_created_is_singular(setup, login):
    assert "1 équipe a été créée." in _propose(setup, login, 1)


def test_several_teams_created_are_plural(setup, login):
    assert "2 équipes ont été créées." in _propose(setup, login, 2)


def test_composition_rule_agrees_with_its_number(setup):
    programme = setup.programme
    programme.team_min_schools = 1
    programme.team_min_disciplines = 1
    problems = check_counts(programme=programme, size=3, disciplines=0, schools=0).problems
    assert "Il faut des étudiants d'au moins 1 école (actuellement 0)." in problems
    assert "Il faut au moins 1 discipline (actuellement 0)." in problems
    programme.team_min_schools = 2
    problems = check_counts(programme=programme, size=3, disciplines=3, schools=1).problems
    assert "Il faut des étudiants d'au moins 2 écoles (actuellement 1)." in problems
