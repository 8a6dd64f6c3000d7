"""A territory starts by itself: a body asks on the public page, a platform administrator
approves it in the interface, the first coordinator is invited, joins, creates a programme
and invites the communes of the territory — never another territory's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import Programme
from curiouslab.accounts.models import (
    AuditLogEntry,
    Invitation,
    Organisation,
    OrganisationKind,
    Role,
)
from curiouslab.accounts.services import commune_invitation_create
from curiouslab.errors import DomainError
from onboarding import services
from onboarding.models import TerritoryRequest
from territories.models import Departement, Epci, Region
from tests.factories import OrganisationFactory, member
from tests.territories.factories import commune, departement

pytestmark = pytest.mark.django_db

ESSONNE = {
    "kind": "departement",
    "name": "Département de l'Essonne",
    "first_name": "Sophie",
    "last_name": "Garnier",
    "email": "Sophie.Garnier@essonne.example.org",
    "job_title": "Cheffe de service",
    "message": "Une année de défis avec trois écoles.",
}


@pytest.fixture
def places(db):
    return {
        "essonne": departement("91", "Essonne"),
        "evry": commune("91228", "Évry-Courcouronnes", "91", population=66919),
        "antony": commune("92002", "Antony", "92", population=62000),
    }


def _ask(client, capture, **changes):
    data = {**ESSONNE, "departement": "91", **changes}
    with capture(execute=True):
        return client.post(reverse("onboarding:request_create"), data)


def test_the_public_home_page_leads_to_the_request(client, db):
    page = client.get(reverse("home")).content.decode()
    assert reverse("onboarding:request_create") in page


def test_a_body_asks_and_the_administrators_are_told(
    world, places, client, mailoutbox, django_capture_on_commit_callbacks
):
    response = _ask(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response.url == reverse("onboarding:request_sent")
    request = TerritoryRequest.objects.get()
    assert (request.status, request.departement_id, request.email) == (
        "pending",
        "91",
        "sophie.garnier@essonne.example.org",
    )
    recipients = sorted(tuple(m.to) for m in mailoutbox)
    assert ("platform_admin.a@example.org",) in recipients
    assert ("sophie.garnier@essonne.example.org",) in recipients
    admin_mail = next(m for m in mailoutbox if m.to == ["platform_admin.a@example.org"])
    assert reverse("onboarding:request_detail", args=[request.pk]) in admin_mail.body


def test_a_departement_must_be_named_and_nothing_is_recorded_otherwise(
    places, client, django_capture_on_commit_callbacks
):
    response = _ask(client, django_capture_on_commit_callbacks, departement="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choisissez le département." in page and "data-error-summary" in page
    assert not TerritoryRequest.objects.exists()


def test_a_body_that_already_has_a_space_is_sent_to_its_coordinators(
    places, client, django_capture_on_commit_callbacks
):
    OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, departement=places["essonne"])
    response = _ask(client, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "a déjà un espace sur la plateforme" in response.content.decode()
    assert not TerritoryRequest.objects.exists()


def test_an_intercommunality_is_named_by_the_commune_of_its_seat(
    places, client, django_capture_on_commit_callbacks
):
    epci = Epci.objects.create(siren="200059228", name="Grand Paris Sud", kind="CA")
    places["evry"].epci = epci
    places["evry"].save()
    response = _ask(
        client,
        django_capture_on_commit_callbacks,
        kind="epci",
        name="Grand Paris Sud",
        departement="",
        seat="91228",
    )
    assert response.status_code == 302
    assert TerritoryRequest.objects.get().epci == epci


def test_the_administrator_approves_and_the_first_coordinator_is_invited(
    world, places, client, login, mailoutbox, django_capture_on_commit_callbacks
):
    _ask(client, django_capture_on_commit_callbacks)
    request = TerritoryRequest.objects.get()
    admin = login(world.a.people["platform_admin"])
    home = admin.get(reverse("onboarding:platform_home")).content.decode()
    assert "1 demande en attente" in home
    assert reverse("onboarding:request_detail", args=[request.pk]) in home
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("onboarding:request_approve", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    organisation = request.organisation
    assert request.status == "approved"
    assert (organisation.kind, organisation.departement_id, organisation.name) == (
        "departement",
        "91",
        "Département de l'Essonne",
    )
    invitation = Invitation.objects.get(organisation=organisation)
    assert (invitation.email, invitation.role) == (
        "sophie.garnier@essonne.example.org",
        Role.COORDINATOR,
    )
    assert [m.to for m in mailoutbox] == [["sophie.garnier@essonne.example.org"]]
    assert AuditLogEntry.objects.filter(action="territory_request.approve").exists()
    # Approving twice creates nothing more.
    admin.post(reverse("onboarding:request_approve", args=[request.pk]))
    assert Organisation.objects.filter(departement_id="91").count() == 1

    # The invited person joins, creates the programme and invites a commune of the Essonne.
    client.logout()
    accept = reverse("accounts:invitation_accept", args=[invitation.token])
    response = client.post(
        accept,
        {
            "first_name": "Sophie",
            "last_name": "Garnier",
            "password1": "un-mot-de-passe-solide-91",
            "password2": "un-mot-de-passe-solide-91",
        },
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    coordinator = invitation.accepted_by
    # The first coordinator creates the programme from a format (cohorts.formats).
    response = login(coordinator).post(
        reverse("cohorts:programme_create") + "?format=agents_school",
        {
            "organisation": organisation.pk,
            "format": "agents_school",
            "name": "Défis de l'Essonne",
            "description": "",
            "team_min_size": 3,
            "team_max_size": 6,
            "retention_years": 3,
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get(organisation=organisation)
    assert (programme.name, programme.format) == ("Défis de l'Essonne", "agents_school")
    commune_invitation_create(
        commune=places["evry"], territory=organisation, email="a@evry.fr", invited_by=coordinator
    )
    with pytest.raises(DomainError):
        commune_invitation_create(
            commune=places["antony"],
            territory=organisation,
            email="a@antony.fr",
            invited_by=coordinator,
        )
    assert not Organisation.objects.filter(commune=places["antony"]).exists()


def test_nobody_else_decides(world, places, login, client, django_capture_on_commit_callbacks):
    _ask(client, django_capture_on_commit_callbacks)
    request = TerritoryRequest.objects.get()
    for persona in ["coordinator", "municipal_staff", "student"]:
        response = login(world.a.people[persona]).post(
            reverse("onboarding:request_approve", args=[request.pk])
        )
        assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == "pending" and not Organisation.objects.filter(departement_id="91")


def test_declining_needs_a_reason_which_the_author_receives(
    world, places, login, client, mailoutbox, django_capture_on_commit_callbacks
):
    _ask(client, django_capture_on_commit_callbacks)
    request = TerritoryRequest.objects.get()
    admin = login(world.a.people["platform_admin"])
    url = reverse("onboarding:request_reject", args=[request.pk])
    assert admin.post(url, {"reason": ""}).status_code == 400
    request.refresh_from_db()
    assert request.status == "pending"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url, {"reason": "Demande en double de celle de la préfecture."})
    request.refresh_from_db()
    assert request.status == "rejected"
    assert mailoutbox[0].to == ["sophie.garnier@essonne.example.org"]
    assert "Demande en double de celle de la préfecture." in mailoutbox[0].body


def test_a_region_coordinator_invites_the_communes_of_its_departements_only(world, places):
    region_org = OrganisationFactory(
        kind=OrganisationKind.REGION, region=places["essonne"].region, name="Région IDF"
    )
    coordinator = member(Role.COORDINATOR, region_org)
    commune_invitation_create(
        commune=places["evry"], territory=region_org, email="b@evry.fr", invited_by=coordinator
    )
    assert Organisation.objects.get(commune=places["evry"]).territory == region_org
    bretagne = Region.objects.create(code="53", name="Bretagne")
    Departement.objects.create(code="35", name="Ille-et-Vilaine", region=bretagne)
    rennes = commune("35238", "Rennes", "35")
    with pytest.raises(DomainError):
        commune_invitation_create(
            commune=rennes, territory=region_org, email="c@rennes.fr", invited_by=coordinator
        )
    assert not Organisation.objects.filter(commune=rennes).exists()


def test_only_a_platform_administrator_passes_the_service_check(world):
    with pytest.raises(DomainError):
        services.require_platform_admin(world.a.people["coordinator"])
    services.require_platform_admin(world.a.people["platform_admin"])


def test_the_platform_page_costs_the_same_with_one_or_many_territories(world, login):
    client = login(world.a.people["platform_admin"])
    url = reverse("onboarding:platform_home")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(30):
        org = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name=f"Territoire {i:02}")
        Programme.objects.create(organisation=org, name=f"P {i}", slug=f"p-{i}")
        member(Role.COORDINATOR, org)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(few)
    assert "Territoire 00" in page and "34 territoires sur la plateforme" in page
