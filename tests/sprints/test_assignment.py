"""Point 3 of issue 17: the assignment to teams, a pure function that respects the
preferences, mixes collectivités and job families, explains each placement; the coordinator
edits it before it is saved."""

import time
from collections import Counter

import pytest
from django.urls import reverse

from sprints.assignment import Person, assign
from sprints.models import Registration
from tests.sprints.factories import make_sprint, register

JOBS = ["management", "social", "education", "culture", "urban", "technical", "digital"]


def _people(n: int, teams: list[int], collectivites: int = 20) -> list[Person]:
    people = []
    for i in range(n):
        # Skewed preferences: the first teams are everyone's favourites.
        first = teams[(i * 7) % (len(teams) // 2 or 1)]
        others = [t for t in teams if t != first]
        people.append(
            Person(
                id=i,
                collectivite=f"c{i % collectivites}",
                job_family=JOBS[i % len(JOBS)],
                choices=(first, others[i % len(others)], others[(i * 3 + 1) % len(others)]),
            )
        )
    return people


def test_200_participants_to_14_teams_under_a_second():
    teams = list(range(100, 114))
    people = _people(200, teams)
    started = time.perf_counter()
    placements = assign(people, teams)
    assert time.perf_counter() - started < 1.0
    assert len(placements) == 200 and {p.person_id for p in placements} == set(range(200))
    sizes = Counter(p.team_id for p in placements)
    assert max(sizes.values()) - min(sizes.values()) <= 1  # even teams (15 or 14)
    by_id = {p.id: p for p in people}
    in_choices = sum(1 for p in placements if p.team_id in by_id[p.person_id].choices)
    assert in_choices >= 180  # at least 90 % get one of their three choices
    assert all(p.reason for p in placements)


def test_teams_mix_collectivites_and_job_families():
    teams = [1, 2]
    # Four agents of the same city and job, four of another: both prefer team 1.
    people = [Person(i, "rennes", "digital", (1, 2)) for i in range(4)] + [
        Person(10 + i, "brest", "social", (1, 2)) for i in range(4)
    ]
    placements = assign(people, teams)
    by_team = {t: [p.person_id for p in placements if p.team_id == t] for t in teams}
    for members in by_team.values():
        cities = Counter("rennes" if m < 10 else "brest" for m in members)
        assert cities["rennes"] == cities["brest"] == 2


def test_first_choice_when_there_is_room_and_it_says_so():
    (placement,) = assign([Person(1, "a", "digital", (7, 8, 9))], [7, 8, 9])
    assert placement.team_id == 7 and placement.rank == 0
    assert "premier choix" in placement.reason


def test_same_input_same_placements():
    teams = list(range(14))
    people = _people(100, teams)
    assert assign(people, teams) == assign(list(reversed(people)), teams)


@pytest.mark.django_db
def test_the_coordinator_edits_the_proposal_before_saving(client):
    sprint = make_sprint()
    regs = [register(sprint, "Rennes", n) for n in range(6)]
    site = sprint.sites["Rennes"]
    client.force_login(sprint.site_coordinators["Rennes"])
    url = reverse("sprints:assignment", args=[site.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert not Registration.objects.filter(team__isnull=False).exists()  # proposed, not saved
    form = page.context["form"]
    data = {name: form[name].initial for name in form.fields}
    moved_to = sprint.challenges["Rennes"][2].team_id
    data[f"r{regs[0].pk}"] = moved_to
    assert client.post(url, data).status_code == 302
    regs[0].refresh_from_db()
    assert regs[0].team_id == moved_to and regs[0].placement_reason
    assert Registration.objects.filter(site=site, team__isnull=False).count() == 6


@pytest.mark.django_db
def test_a_team_of_another_site_is_refused_and_nothing_saved(client):
    sprint = make_sprint()
    regs = [register(sprint, "Rennes", n) for n in range(3)]
    client.force_login(sprint.coordinator)
    url = reverse("sprints:assignment", args=[sprint.sites["Rennes"].pk])
    form = client.get(url).context["form"]
    data = {name: form[name].initial for name in form.fields}
    data[f"r{regs[1].pk}"] = sprint.challenges["La Réunion"][0].team_id
    assert client.post(url, data).status_code == 400
    assert not Registration.objects.filter(team__isnull=False).exists()
