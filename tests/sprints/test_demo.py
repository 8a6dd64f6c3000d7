"""The sprint's demo (sprints/demo.py, run by seed_demo): the CNFPT 2018 edition at three
sites, the Rennes site full with its waiting list, teams formed, Etel's prototype with its
exhibition feedback."""

import io

import pytest
from django.core.management import call_command

from sprints.models import Edition, Feedback, Option, Registration

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def test_the_demo_sprint(client):
    # (A second run changes nothing: tests/test_demo_history.py runs the whole seed twice.)
    call_command("seed_demo", stdout=io.StringIO())
    edition = Edition.objects.get(cohort__year=2018)
    sites = {s.city: s for s in edition.sites.all()}
    assert set(sites) == {"Rennes", "La Réunion", "Strasbourg"}
    assert sites["La Réunion"].time_zone == "Indian/Reunion"
    titles = set(
        sites["Rennes"].site_challenges.values_list("challenge__municipality__name", flat=True)
    )
    assert {
        "Commune d'Étel",
        "Département d'Ille-et-Vilaine",
        "Ville de Rennes",
        "Ville de Dinan",
        "Commune de Savenay",
        "Ville de Saint-Nazaire",
        "Oust à Brocéliande Communauté",
    } <= titles
    rennes = sites["Rennes"]
    assert rennes.registered == rennes.capacity == 40
    assert Registration.objects.filter(site=rennes, status="waiting").count() == 2
    assert Registration.objects.filter(site=rennes, status="cancelled").count() == 1
    assert not Registration.objects.filter(site=rennes, status="confirmed", team=None).exists()
    option = Option.objects.get(retained=True, team__sprint_challenge__site=rennes)
    assert option.validated_by.email == "etel@example.org"
    assert Feedback.objects.filter(stand__site=rennes).count() == 12
    client.force_login(edition.cohort.programme.organisation.memberships.first().user)
    page = client.get(f"/sprints/{edition.pk}/")
    assert page.status_code == 200 and "Strasbourg" in page.content.decode()
