"""The agents' school: modules scheduled as sessions with attendance, each agent's training
record (hours = durations of the module sessions attended), experiments on a commune with
user tests, indicators, evaluation and a replication sheet public once published; scope and
refusals (French messages, nothing half-saved)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cohorts.models import Team, TeamMember
from sessions.selectors import session_invitees
from sessions.services import attendance_set
from tests.cohorts.test_formats import _link, _speaks_of_none
from tests.training import factories as f
from training import selectors
from training.models import Experiment, Indicator, Module, ModuleSession, ReplicationSheet, UserTest

pytestmark = pytest.mark.django_db


def _school(world):
    cohort = f.edition(world.a.departement)
    agent = f.agent(cohort, world.a.departement, user=world.a.people["student"])
    return cohort, agent


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- Modules ---------------------------------------------------------------------------------
def test_coordinator_adds_a_module_and_schedules_it_clicking_from_home(world, login):
    cohort, agent = _school(world)
    client = login(world.a.people["coordinator"])
    programmes = client.get(_link(client.get(reverse("home")).text, "Programmes")).text
    detail = client.get(_link(programmes, cohort.name)).text
    url = _link(detail, "Modules")
    assert url == reverse("training:modules", args=[cohort.pk])
    response = client.post(
        url,
        {
            "title": "Les bases du design de service",
            "objectives": "Observer un service.",
            "duration_hours": "7",
            "trainer": "Claire Vasseur",
        },
    )
    module = Module.objects.get(cohort=cohort)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Claire Vasseur" in page.text
    response = client.post(
        reverse("training:module_schedule", args=[module.pk]),
        {"starts_at": "2026-10-06T09:00", "ends_at": "2026-10-06T12:30", "place": "Guéret"},
    )
    assert response.status_code == 302
    session = ModuleSession.objects.get(module=module).session
    # Every agent of the edition is invited, so their attendance can be taken.
    assert list(session_invitees(session)) == [agent]
    attendance_set(session=session, user=agent, present=True, actor=world.a.people["coordinator"])
    assert selectors.training_records(cohort)[0].hours == 3.5
    page = client.get(reverse("training:module_detail", args=[module.pk]))
    assert reverse("sessions:attendance", args=[session.pk]) in page.text


def test_a_module_refuses_bad_input_and_saves_nothing(world, login):
    cohort, _agent = _school(world)
    f.module(cohort, "Prototyper")
    client = login(world.a.people["coordinator"])
    url = reverse("training:modules", args=[cohort.pk])
    bad = {"title": "", "objectives": "x", "duration_hours": "0", "trainer": "T"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.text
    response = client.post(url, {**bad, "title": "prototyper", "duration_hours": "3"})
    assert response.status_code == 400
    assert "Un module de cette session de formation porte déjà ce titre" in _text(response)
    assert Module.objects.filter(cohort=cohort).count() == 1
    module = Module.objects.get(cohort=cohort)
    response = client.post(
        reverse("training:module_schedule", args=[module.pk]),
        {"starts_at": "2026-10-06T12:00", "ends_at": "2026-10-06T09:00"},
    )
    assert response.status_code == 400
    assert "Une séance doit finir après avoir commencé" in _text(response)
    assert not ModuleSession.objects.exists()


def test_modules_are_a_404_outside_an_agents_school(world, login):
    client = login(world.a.people["coordinator"])
    assert client.get(reverse("training:modules", args=[world.a.cohort.pk])).status_code == 404
    cohort_page = client.get(reverse("cohorts:cohort_detail", args=[world.a.cohort.pk])).text
    assert reverse("training:modules", args=[world.a.cohort.pk]) not in cohort_page


# --- Training records ------------------------------------------------------------------------
def test_hours_are_the_durations_of_the_module_sessions_attended(world, login):
    cohort, agent = _school(world)
    other = f.agent(cohort, world.a.departement)
    design, proto = f.module(cohort, "Design"), f.module(cohort, "Prototyper", "3.5")
    morning = f.module_session(design, days_ago=10, hours=3.5)
    afternoon = f.module_session(design, days_ago=9, hours=3)
    proto_session = f.module_session(proto, days_ago=5, hours=2)
    f.present(morning, agent, other)
    f.present(afternoon, agent)
    f.present(proto_session, agent, present=False)
    records = {r.user: r for r in selectors.training_records(cohort)}
    assert (records[agent].hours, records[agent].module_titles) == (6.5, "Design")
    assert (records[other].hours, records[other].module_titles) == (3.5, "Design")
    # The agent sees their own record from their home page, and not the other agent's.
    client = login(agent)
    url = _link(client.get(reverse("home")).text, "Mon parcours de formation")
    page = _text(client.get(url))
    assert "6,5 heures de formation, 1 module suivi" in page
    assert other.email not in page


def test_the_coordinators_table_asks_the_same_queries_for_1_and_many_agents(
    world, login, django_assert_num_queries
):
    cohort, agent = _school(world)
    module = f.module(cohort)
    session = f.module_session(module)
    f.present(session, agent)
    client = login(world.a.people["coordinator"])
    url = reverse("training:records", args=[cohort.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(12):
        user = f.agent(cohort, world.a.departement, team_name=f"Équipe {i % 3}")
        f.present(session, user)
    with django_assert_num_queries(len(one)):
        page = client.get(url)
    assert page.text.count("<tr>") == 14


def test_agent_add_puts_the_agent_in_a_team_and_refuses_what_is_wrong(world, login):
    cohort, _agent = _school(world)
    client = login(world.a.people["coordinator"])
    url = reverse("training:agent_add", args=[cohort.pk])
    data = {
        "email": "lea.martin@creuse.example.org",
        "first_name": "Léa",
        "last_name": "Martin",
        "employer": world.a.municipality.pk,
        "job_family": "Action sociale",
        "team_name": "Équipe Solidarités",
    }
    assert client.post(url, data).status_code == 302
    member = TeamMember.objects.get(cohort=cohort, user__email="lea.martin@creuse.example.org")
    assert (member.school, member.discipline, member.team.name) == (
        world.a.municipality,
        "Action sociale",
        "Équipe Solidarités",
    )
    # Twice in the same edition: refused, and the new team it named is not created.
    response = client.post(url, {**data, "team_name": "Équipe Fantôme"})
    assert response.status_code == 400
    assert "est déjà dans une équipe de cette session de formation" in _text(response)
    assert not Team.objects.filter(name="Équipe Fantôme").exists()
    # An employer of another département is not a choice.
    response = client.post(url, {**data, "email": "x@example.org", "employer": world.b.school.pk})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in _text(response)
    assert not TeamMember.objects.filter(user__email="x@example.org").exists()


# --- Experiments -----------------------------------------------------------------------------
def _experiment(world):
    cohort, agent = _school(world)
    team = cohort.teams.get()
    return cohort, agent, f.experiment(cohort, team)


def test_coordinator_starts_an_experiment_on_a_commune_of_the_territory(world, login):
    cohort, _agent = _school(world)
    dep = world.a.departement
    gueret = f.commune()
    dep.departement_id = gueret.departement_id
    dep.save(update_fields=["departement"])
    elsewhere = f.commune("92050", "Nanterre", "92")
    client = login(world.a.people["coordinator"])
    url = reverse("training:experiments", args=[cohort.pk])
    data = {
        "title": "Accueil sans rendez-vous",
        "commune": elsewhere.insee,
        "service": "Maison des solidarités",
        "team": cohort.teams.get().pk,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Choisissez une commune dans la liste des suggestions" in _text(response)
    assert not Experiment.objects.exists()
    response = client.post(url, {**data, "commune": gueret.insee})
    assert response.status_code == 302
    assert Experiment.objects.get().commune == gueret


def test_the_team_writes_its_experiment_and_bad_input_saves_nothing(world, login):
    _cohort, agent, experiment = _experiment(world)
    client = login(agent)
    detail = reverse("training:experiment_detail", args=[experiment.pk])
    assert client.get(detail).status_code == 200
    response = client.post(
        reverse("training:user_test_add", args=[experiment.pk]),
        {"held_on": "2026-11-04", "people_met": "0", "learnt": "Rien"},
    )
    assert response.status_code == 400
    assert "supérieure ou égale à 1" in _text(response)
    assert not UserTest.objects.exists()
    client.post(
        reverse("training:user_test_add", args=[experiment.pk]),
        {"held_on": "2026-11-04", "people_met": "12", "learnt": "Le guichet est introuvable."},
    )
    url = reverse("training:indicator_save", args=[experiment.pk])
    client.post(url, {"name": "Attente", "unit": "minutes", "before": "35"})
    client.post(url, {"name": "attente", "unit": "minutes", "before": "35", "after": "15"})
    assert Indicator.objects.get().after == 15
    response = client.post(url, {"name": "Files", "unit": "", "before": "abc"})
    assert response.status_code == 400
    assert Indicator.objects.count() == 1
    response = client.post(
        reverse("training:sheet_save", args=[experiment.pk]),
        {"conditions": "Un accueil", "costs": "", "steps": "1. Observer", "pitfalls": "x"},
    )
    assert response.status_code == 400
    assert not ReplicationSheet.objects.exists()
    # An agent may not publish: only the coordinator.
    client.post(
        reverse("training:sheet_save", args=[experiment.pk]),
        {"conditions": "Un accueil", "costs": "800 €", "steps": "1. Observer", "pitfalls": "x"},
    )
    sheet = ReplicationSheet.objects.get()
    publish = reverse("training:sheet_status", args=[experiment.pk])
    assert client.post(publish, {"status": "published"}).status_code == 403
    public = reverse("training:sheet_public", args=[sheet.slug])
    assert login(None).get(public).status_code == 404


def test_a_published_sheet_is_public_and_a_withdrawn_one_is_not(world, login):
    _cohort, _agent, experiment = _experiment(world)
    sheet = f.sheet(experiment, slug="accueil-gueret")
    client = login(world.a.people["coordinator"])
    publish = reverse("training:sheet_status", args=[experiment.pk])
    url = reverse("training:sheet_public", args=[sheet.slug])
    assert login(None).get(url).status_code == 404
    client = login(world.a.people["coordinator"])
    assert client.post(publish, {"status": "published"}).status_code == 302
    assert list(selectors.replication_sheets_public()) == [sheet]
    page = login(None).get(url)
    assert page.status_code == 200
    assert "Les heures creuses." in page.text and "Guéret" in page.text
    client = login(world.a.people["coordinator"])
    client.post(publish, {"status": "draft"})
    assert login(None).get(url).status_code == 404


def test_scope_an_agent_sees_their_team_only_and_another_departement_gets_404(world, login):
    cohort, agent, experiment = _experiment(world)
    other_agent = f.agent(cohort, world.a.departement, team_name="Équipe Voirie")
    detail = reverse("training:experiment_detail", args=[experiment.pk])
    assert login(other_agent).get(detail).status_code == 404
    assert login(agent).get(detail).status_code == 200
    outsider = login(world.b.people["coordinator"])
    for url in [
        detail,
        reverse("training:records", args=[cohort.pk]),
        reverse("training:experiments", args=[cohort.pk]),
    ]:
        assert outsider.get(url).status_code == 404
    page = login(other_agent).get(reverse("training:my_record")).text
    assert experiment.title not in page


def test_the_agents_school_pages_speak_of_none_of_the_school_year(world, login):
    cohort, agent, experiment = _experiment(world)
    module = f.module(cohort)
    f.present(f.module_session(module), agent)
    f.sheet(experiment, slug="fiche-mots", published=True)
    client = login(world.a.people["coordinator"])
    for url in [
        reverse("training:modules", args=[cohort.pk]),
        reverse("training:module_detail", args=[module.pk]),
        reverse("training:records", args=[cohort.pk]),
        reverse("training:experiments", args=[cohort.pk]),
        reverse("training:experiment_detail", args=[experiment.pk]),
        reverse("training:sheet_public", args=["fiche-mots"]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        _speaks_of_none(response.text, "agents_school", url)
    agent_client = login(agent)
    for url in [
        reverse("training:my_record"),
        reverse("training:experiment_detail", args=[experiment.pk]),
    ]:
        _speaks_of_none(agent_client.get(url).text, "agents_school", url)


def test_the_sessions_pages_of_a_module_speak_of_none_of_the_school_year(world, login):
    cohort, agent = _school(world)
    session = f.module_session(f.module(cohort))
    client = login(world.a.people["coordinator"])
    for url in [
        reverse("sessions:detail", args=[session.pk]),
        reverse("sessions:attendance", args=[session.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        _speaks_of_none(response.text, "agents_school", url)
    # The roll call lists the agent: invited through the participants' role.
    assert agent.last_name in response.text


def test_the_agents_record_page_asks_the_same_queries_with_few_and_many_modules(
    world, login, django_assert_num_queries
):
    cohort, agent = _school(world)
    module = f.module(cohort)
    f.present(f.module_session(module), agent)
    client = login(agent)
    url = reverse("training:my_record")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(6):
        f.present(f.module_session(f.module(cohort, f"Module {i}"), days_ago=20 + i), agent)
    with django_assert_num_queries(len(one)):
        page = _text(client.get(url))
    assert "7 modules suivis" in page
