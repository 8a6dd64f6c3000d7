"""Issue #12.2: a team puts forward several scenarios ("the possibles"); the municipality hears
when one is in, reaches them from her challenge's page, from her home page during the kickoff
window and from the e-mail, reads them side by side and selects the most relevant ones."""

import datetime
import re

import pytest
from django.utils import timezone

from cohorts.models import KickoffScenario
from tests.cohorts import factories as f

pytestmark = pytest.mark.django_db


def _put_forward(client, team, title, text):
    return client.post(f"/cohorts/teams/{team.pk}/scenario/", {"title": title, "text": text})


def test_team_puts_forward_two_possibles_and_the_municipality_hears_of_each(
    setup, login, mailoutbox, django_capture_on_commit_callbacks
):
    client = login(setup.student)
    with django_capture_on_commit_callbacks(execute=True):
        assert _put_forward(client, setup.team, "La halle", "Une halle ouverte le soir.")
        assert _put_forward(client, setup.team, "Le marché", "Un marché flottant.").status_code
    assert list(
        KickoffScenario.objects.filter(team=setup.team).values_list("title", flat=True)
    ) == ["La halle", "Le marché"]
    to_muni = [m for m in mailoutbox if setup.muni_staff.email in m.to]
    assert len(to_muni) == 2
    subject = to_muni[0].subject
    assert "Un scénario de lancement pour « Réinventer la place du marché » est arrivé" in subject
    link = f"/cohorts/challenges/{setup.challenge.pk}/scenarios/"
    assert link in to_muni[0].body and "Les Défricheurs" in to_muni[0].body
    # Nobody outside the challenge's municipality hears of it.
    assert not [m for m in mailoutbox if setup.other_muni_staff.email in m.to]

    # Updating a possible changes it in place and sends nothing more.
    first = KickoffScenario.objects.get(title="La halle")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/cohorts/teams/{setup.team.pk}/scenario/{first.pk}/",
            {"title": "La halle du soir", "text": "Une halle ouverte jusqu'à 22 h."},
        )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.title == "La halle du soir" and "22 h" in first.text
    assert KickoffScenario.objects.filter(team=setup.team).count() == 2
    assert mailoutbox == []
    # Another team's student cannot update it.
    other = login(setup.student2).post(
        f"/cohorts/teams/{setup.team.pk}/scenario/{first.pk}/", {"text": "Pris !"}
    )
    assert other.status_code == 404


def test_possibles_of_a_team_side_by_side_and_several_selected(setup, login):
    rival = f.team(setup.cohort, "Les Rivaux", challenge=setup.challenge)
    halle = f.scenario(setup.team, setup.challenge, "Une halle ouverte le soir.")
    barge = f.scenario(setup.team, setup.challenge, "Un marché flottant sur la Seine.")
    f.scenario(rival, setup.challenge, "Une place sans voitures.")
    url = f"/cohorts/challenges/{setup.challenge.pk}/scenarios/"
    client = login(setup.muni_staff)
    body = client.get(url).content.decode()
    # One section per team; the team's possibles in the same row.
    sections = re.findall(r'<section class="mb-4 scenario-team".*?</section>', body, re.S)
    assert len(sections) == 2
    defricheurs = next(s for s in sections if "Les Défricheurs" in s)
    assert "Une halle ouverte" in defricheurs and "Un marché flottant" in defricheurs
    assert "2 scénarios" in defricheurs and "Piste 1" in defricheurs and "Piste 2" in defricheurs
    assert f'href="/challenges/{setup.challenge.pk}/"' in body  # the way back

    assert client.post(f"/cohorts/scenarios/{halle.pk}/select/").status_code == 302
    assert client.post(f"/cohorts/scenarios/{barge.pk}/select/").status_code == 302
    halle.refresh_from_db()
    barge.refresh_from_db()
    assert halle.selected and barge.selected


def test_challenge_page_leads_to_its_scenarios(setup, login):
    setup.challenge.submitted_at = timezone.now()  # the coordinators see it once submitted
    setup.challenge.save()
    f.scenario(setup.team, setup.challenge)
    f.scenario(setup.team, setup.challenge, "Un second possible.")
    link = f'href="/cohorts/challenges/{setup.challenge.pk}/scenarios/"'
    for person in (setup.muni_staff, setup.coordinator):
        body = login(person).get(f"/challenges/{setup.challenge.pk}/").content.decode()
        assert link in body
        assert "2 scénarios de lancement" in body
    # A challenge in no cohort has no scenarios to show.
    loose = f.challenge(setup.programme, setup.municipality, title="Hors promotion")
    body = login(setup.muni_staff).get(f"/challenges/{loose.pk}/").content.decode()
    assert "/scenarios/" not in body


def test_home_page_points_to_the_scenarios_during_the_kickoff_window(setup, login):
    f.scenario(setup.team, setup.challenge)
    link = f'href="/cohorts/challenges/{setup.challenge.pk}/scenarios/"'
    setup.cohort.kickoff = timezone.localdate() + datetime.timedelta(days=3)
    setup.cohort.save()
    body = login(setup.muni_staff).get("/").content.decode()
    assert link in body and "1 scénario remis" in body
    # Another municipality's agent sees nothing of it.
    assert link not in login(setup.other_muni_staff).get("/").content.decode()
    # Months before kickoff, nothing on the home page.
    setup.cohort.kickoff = timezone.localdate() + datetime.timedelta(days=90)
    setup.cohort.save()
    assert link not in login(setup.muni_staff).get("/").content.decode()
