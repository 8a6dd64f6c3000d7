"""Mixed teams: the programme's rule, confirmation, one team per cohort, the proposal."""

import pytest
from django.db import IntegrityError

from cohorts import services
from cohorts.models import Team, TeamMember
from cohorts.proposal import Candidate, propose, team_count
from curiouslab.errors import DomainError
from tests.cohorts import factories as f

pytestmark = pytest.mark.django_db


def _fill(setup, team, specs):
    for school, discipline in specs:
        user = f.student(school, discipline)
        services.team_member_add(team=team, actor=setup.coordinator, user=user)


def test_confirm_refused_when_rule_broken_then_accepted(setup, login):
    team = f.team(setup.cohort, "Équipe Alpha")
    _fill(setup, team, [(setup.school, "ingénierie"), (setup.school, "ingénierie")])
    client = login(setup.coordinator)
    page = client.get(f"/cohorts/teams/{team.pk}/").content.decode()
    assert "Règle non respectée" in page
    assert "Il faut au moins 3 membres." in page
    response = client.post(
        f"/cohorts/teams/{team.pk}/status/", {"status": "confirmed"}, follow=True
    )
    assert "ne respecte pas la règle du programme" in response.content.decode()
    team.refresh_from_db()
    assert team.status == Team.Status.FORMING
    _fill(setup, team, [(setup.school2, "design"), (setup.school2, "commerce")])
    page = client.get(f"/cohorts/teams/{team.pk}/").content.decode()
    assert "Règle respectée" in page
    client.post(f"/cohorts/teams/{team.pk}/status/", {"status": "confirmed"})
    team.refresh_from_db()
    assert team.status == Team.Status.CONFIRMED
    # A confirmed team's members no longer change.
    with pytest.raises(DomainError):
        _fill(setup, team, [(setup.school, "design")])


def test_student_in_at_most_one_team_per_cohort(setup, login):
    team = f.team(setup.cohort, "Équipe Bêta")
    response = login(setup.coordinator).post(
        f"/cohorts/teams/{team.pk}/members/", {"membership": setup.student.pk}, follow=True
    )
    assert "déjà dans une équipe de cette promotion" in response.content.decode()
    assert TeamMember.objects.filter(user=setup.student).count() == 1
    with pytest.raises(IntegrityError):
        TeamMember.objects.create(
            team=team, cohort=setup.cohort, user=setup.student, school=setup.school
        )


def test_student_of_school_not_enrolled_cannot_join(setup):
    outsider_school = f.school(setup.dep, "École non inscrite")
    user = f.student(outsider_school)
    team = f.team(setup.cohort, "Équipe Gamma")
    with pytest.raises(DomainError, match="n'est pas étudiant"):
        services.team_member_add(team=team, actor=setup.coordinator, user=user)


def test_proposal_balances_disciplines_and_schools():
    candidates = []
    n = 0
    for school in (1, 2, 3):
        for discipline in ("ingénierie", "commerce", "design", "droit"):
            for _ in range(2):
                n += 1
                candidates.append(Candidate(n, school, discipline))
    teams = propose(candidates, min_size=3, max_size=5)
    assert len(teams) == team_count(24, 3, 5) == 5
    assert sorted(c.user_id for t in teams for c in t) == list(range(1, 25))
    for team in teams:
        assert 3 <= len(team) <= 5
        assert len({c.discipline for c in team}) >= 3
        assert len({c.school_id for c in team}) >= 2


def test_team_count_respects_minimum():
    assert team_count(7, 3, 6) == 2
    assert team_count(4, 3, 6) == 1
    assert team_count(0, 3, 6) == 0


def test_propose_shows_editable_proposal_and_saves_only_on_confirm(setup, login):
    students = []
    for school in (setup.school, setup.school2):
        for discipline in ("ingénierie", "commerce", "design"):
            students.append(f.student(school, discipline))
    client = login(setup.coordinator)
    url = f"/cohorts/{setup.cohort.pk}/teams/propose/"
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Équipes proposées" in body
    assert Team.objects.filter(cohort=setup.cohort).count() == 2  # nothing saved yet
    groups = response.context["groups"]
    assert len(groups) == 1 and len(groups[0]["members"]) == 6
    assert groups[0]["composition"].met
    # The coordinator moves one student out, renames the team, and saves.
    numbers = {u.pk: "1" for u in students}
    numbers[students[0].pk] = "0"
    data = f.proposal_data(numbers, {1: "Les Pionniers"})
    response = client.post(url, data)
    assert response.status_code == 302
    team = Team.objects.get(cohort=setup.cohort, name="Les Pionniers")
    assert team.members.count() == 5
    assert not TeamMember.objects.filter(user=students[0]).exists()


def test_team_list_constant_queries(setup, login, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(setup.coordinator)
    url = f"/cohorts/{setup.cohort.pk}/teams/"
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(12):
        team = f.team(setup.cohort, f"Équipe {i}")
        f.add_member(team, f.student(setup.school), setup.school)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert "Équipe 11" in response.content.decode()


def test_my_teams_constant_queries_and_scope(setup, login, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(setup.referent)
    with CaptureQueriesContext(connection) as small:
        body = client.get("/cohorts/teams/").content.decode()
    assert "Les Défricheurs" in body and "Les Bâtisseurs" not in body
    for i in range(10):
        team = f.team(setup.cohort, f"Équipe {i}")
        f.add_member(team, f.student(setup.school), setup.school)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/cohorts/teams/")
    assert "Les Défricheurs" in login(setup.student).get("/cohorts/teams/").content.decode()
    assert "Les Défricheurs" in login(setup.coach).get("/cohorts/teams/").content.decode()
    assert "Les Défricheurs" in login(setup.muni_staff).get("/cohorts/teams/").content.decode()
    assert (
        "Les Défricheurs"
        not in login(setup.other_muni_staff).get("/cohorts/teams/").content.decode()
    )


def test_team_pages_refuse_personas_of_the_same_cohort(setup, login):
    url = f"/cohorts/teams/{setup.team.pk}/"
    assert login(setup.student2).get(url).status_code == 404  # student of another team
    assert login(setup.referent2).get(url).status_code == 404  # referent of another school
    assert login(setup.other_muni_staff).get(url).status_code == 404  # not the challenge's
    page = login(setup.student).get(url).content.decode()
    assert "Réinventer la place du marché" in page and "Calendrier" in page


def test_team_services_recheck_the_actors_right_under_the_lock(setup, login):
    """The services apply the rule the page applied: called by someone who may not manage the
    team (another département's coordinator, the team's referent), they change nothing."""
    from curiouslab.accounts.models import OrganisationKind, Role
    from tests.factories import OrganisationFactory, member

    other_dep = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Val-de-Marne")
    outsider = member(Role.COORDINATOR, other_dep)
    user = f.student(setup.school, "design")
    for actor in (outsider, setup.referent):
        with pytest.raises(DomainError, match="pas le droit"):
            services.team_member_add(team=setup.team, actor=actor, user=user)
        with pytest.raises(DomainError, match="pas le droit"):
            services.team_assign_challenge(team=setup.team, actor=actor, challenge=None)
    assert not TeamMember.objects.filter(user=user).exists()
    assert Team.objects.get(pk=setup.team.pk).challenge_id == setup.challenge.pk
    # The coordinator's confirm button and the service agree: a confirmed team shows no
    # member form, and the service refuses to add one.
    _fill(
        setup,
        setup.team,
        [(setup.school, "ingénierie"), (setup.school2, "commerce"), (setup.school, "design")],
    )
    services.team_set_status(team=setup.team, actor=setup.coordinator, status=Team.Status.CONFIRMED)
    page = login(setup.coordinator).get(f"/cohorts/teams/{setup.team.pk}/").content.decode()
    assert "Ajouter à l'équipe" not in page and "Rouvrir l'équipe" in page


@pytest.mark.parametrize(
    "field,url", [("challenge", "challenge"), ("coach", "coach"), ("membership", "members")]
)
def test_a_posted_id_too_long_to_be_one_is_refused_not_a_500(setup, login, field, url):
    """A 5,000-digit number in a select's value (the fuzz test found it) is no row: the page
    answers with its refusal, and the team is unchanged."""
    response = login(setup.coordinator).post(
        f"/cohorts/teams/{setup.team.pk}/{url}/", {field: "9" * 5000}
    )
    assert response.status_code == 302
    team = Team.objects.get(pk=setup.team.pk)
    assert team.challenge_id == setup.challenge.pk and team.members.count() == 1
