"""A coordinator creates a programme from the platform; her organisation coordinates it."""

import pytest
from django.urls import reverse

from cohorts.models import Programme
from curiouslab.accounts.models import AuditLogEntry

pytestmark = pytest.mark.django_db

DATA = {
    "format": "school_year",
    "name": "Curious Lab Val-d'Oise",
    "description": "",
    "team_min_size": 3,
    "team_max_size": 6,
    "team_min_disciplines": 3,
    "team_min_schools": 2,
    "retention_years": 3,
}


def test_coordinator_creates_a_programme_of_her_organisation(world, login):
    client = login(world.a.people["coordinator"])
    response = client.post(
        reverse("cohorts:programme_create") + "?format=school_year",
        {**DATA, "organisation": world.a.departement.pk},
    )
    assert response.status_code == 302
    programme = Programme.objects.get(name="Curious Lab Val-d'Oise")
    assert programme.organisation == world.a.departement
    assert programme.slug == "curious-lab-val-doise"
    entry = AuditLogEntry.objects.get(action="programme.create")
    assert entry.organisation_id == world.a.departement.pk
    page = client.get(reverse("cohorts:cohort_list")).text
    assert "Curious Lab Val-d&#x27;Oise" in page or "Curious Lab Val-d'Oise" in page


def test_two_programmes_of_the_same_name_get_their_own_address(world, login):
    client = login(world.a.people["coordinator"])
    for _ in range(2):
        client.post(
            reverse("cohorts:programme_create") + "?format=school_year",
            {**DATA, "organisation": world.a.departement.pk},
        )
    assert sorted(Programme.objects.filter(name=DATA["name"]).values_list("slug", flat=True)) == [
        "curious-lab-val-doise",
        "curious-lab-val-doise-2",
    ]


def test_programme_for_another_departement_is_refused(world, login):
    client = login(world.a.people["coordinator"])
    response = client.post(
        reverse("cohorts:programme_create") + "?format=school_year",
        {**DATA, "organisation": world.b.departement.pk},
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.text
    assert not Programme.objects.filter(name=DATA["name"]).exists()


def test_programme_with_sizes_upside_down_says_so(world, login):
    client = login(world.a.people["coordinator"])
    response = client.post(
        reverse("cohorts:programme_create") + "?format=school_year",
        {**DATA, "team_min_size": 7, "organisation": world.a.departement.pk},
    )
    assert response.status_code == 400
    assert "La taille minimale d'une équipe ne peut pas dépasser" in response.text.replace(
        "&#x27;", "'"
    )
    assert not Programme.objects.filter(name=DATA["name"]).exists()


def test_new_programme_button_only_for_coordinators(world, login):
    url = reverse("cohorts:programme_create")
    assert url in login(world.a.people["coordinator"]).get(reverse("cohorts:cohort_list")).text
    referent = login(world.a.people["school_referent"])
    assert url not in referent.get(reverse("cohorts:cohort_list")).text
    assert referent.get(url).status_code == 403
