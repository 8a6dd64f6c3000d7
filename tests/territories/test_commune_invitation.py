"""A coordinator invites the agents of the communes of their territory, picked from the
referential: the commune's organisation is created by its first invitation, and never in
another territory."""

import pytest
from django.urls import reverse

from curiouslab.accounts.models import AuditLogEntry, Invitation, Organisation, OrganisationKind
from tests.territories.factories import commune, departement

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory(world):
    """Side A coordinates the Hauts-de-Seine, side B the Essonne."""
    world.a.departement.departement = departement("92", "Hauts-de-Seine")
    world.a.departement.save()
    world.b.departement.departement = departement("91", "Essonne")
    world.b.departement.save()
    return {
        "antony": commune("92002", "Antony", "92", population=62000, postcodes="92160"),
        "sceaux": commune("92071", "Sceaux", "92", population=19000, postcodes="92330"),
        "evry": commune("91228", "Évry-Courcouronnes", "91", population=66919, postcodes="91000"),
    }


def _invite(client, insee, email="agent@antony.fr", territory=None):
    data = {
        "commune_invite-commune": insee,
        "commune_invite-commune_q": "",
        "commune_invite-email": email,
        "commune_invite-first_name": "Inès",
        "commune_invite-last_name": "Robert",
        "commune_invite-language": "fr",
    }
    if territory is not None:
        data["commune_invite-territory"] = territory.pk
    return client.post(reverse("accounts:invitation_list"), data)


def test_the_first_invitation_creates_the_communes_organisation_and_the_next_joins_it(
    world, territory, login, mailoutbox, django_capture_on_commit_callbacks
):
    client = login(world.a.people["coordinator"])
    page = client.get(reverse("accounts:invitation_list"))
    assert "Inviter une commune de votre territoire" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, "92002", territory=world.a.departement)
    assert response.status_code == 302
    antony = Organisation.objects.get(commune_id="92002")
    assert (antony.name, antony.kind, antony.territory) == (
        "Commune d'Antony",
        OrganisationKind.MUNICIPALITY,
        world.a.departement,
    )
    assert Invitation.objects.get(email="agent@antony.fr").organisation == antony
    assert mailoutbox[0].to == ["agent@antony.fr"]
    assert AuditLogEntry.objects.filter(
        action="organisation.create", object_id=str(antony.pk)
    ).exists()

    assert (
        _invite(
            client, "92002", email="second@antony.fr", territory=world.a.departement
        ).status_code
        == 302
    )
    assert Organisation.objects.filter(commune_id="92002").count() == 1
    assert Invitation.objects.filter(organisation=antony).count() == 2


def test_a_commune_outside_the_territory_is_refused_and_nothing_is_created(world, territory, login):
    client = login(world.a.people["coordinator"])
    response = _invite(client, "91228", territory=world.a.departement)
    assert response.status_code == 400
    assert "Choisissez une commune dans la liste des suggestions." in response.content.decode()
    assert not Organisation.objects.filter(commune_id="91228").exists()
    assert not Invitation.objects.filter(email="agent@antony.fr").exists()
    # Naming the other side's territory does not help: it is not one of the choices.
    response = _invite(client, "91228", territory=world.b.departement)
    assert (
        response.status_code == 400 and not Organisation.objects.filter(commune_id="91228").exists()
    )


def test_a_commune_followed_by_another_territory_is_refused(world, territory, login):
    Organisation.objects.create(
        kind=OrganisationKind.MUNICIPALITY,
        name="Commune d'Antony",
        slug="antony-b",
        commune=territory["antony"],
        territory=world.b.departement,
    )
    response = _invite(login(world.a.people["coordinator"]), "92002", territory=world.a.departement)
    assert response.status_code == 400
    assert "Antony est déjà suivie par un autre territoire." in response.content.decode()
    assert not Invitation.objects.filter(email="agent@antony.fr").exists()


@pytest.mark.parametrize("persona", ["municipal_staff", "school_referent"])
def test_only_a_coordinator_of_a_territory_gets_the_commune_form(world, territory, login, persona):
    client = login(world.a.people[persona])
    assert (
        "Inviter une commune"
        not in client.get(reverse("accounts:invitation_list")).content.decode()
    )
    assert _invite(client, "92002").status_code == 403
    assert not Organisation.objects.filter(commune_id="92002").exists()


def test_the_search_answers_radio_buttons_and_a_status_to_announce(client, territory):
    url = reverse("territories:commune_search")
    response = client.get(
        url,
        {
            "field": "commune_invite-commune",
            "id": "id_commune_invite-commune",
            "commune_invite-commune_q": "ANTO",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        'type="radio" name="commune_invite-commune" id="commune_invite-commune_92002" value="92002"'
        in html
    )
    assert (
        "1 commune correspond." in html
        and 'id="id_commune_invite-commune_status" hx-swap-oob' in html
    )
    html = client.get(url, {"field": "commune", "commune_q": "92", "scope": "92"}).content.decode()
    assert "2 communes correspondent." in html and "Évry" not in html
    assert "Tapez au moins deux caractères." in client.get(url, {"commune_q": "a"}).content.decode()
    assert client.get(url, {"field": "<script>"}).status_code == 400
