"""Point 3 of issue 17: the public registration (capacity decided by the database, closing
date, waiting list, cancellation by a signed link that promotes the first waiting), spam
(honeypot, rate limit), bad input refused with nothing saved."""

import datetime

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from curiouslab.accounts.models import OutboxMessage
from curiouslab.errors import DomainError
from sprints import services
from sprints.enums import RegistrationStatus
from sprints.models import Registration, Site
from tests.sprints.factories import make_sprint, post_data, register, registration_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _mails(template_word: str) -> list[dict]:
    return [
        m.kwargs
        for m in OutboxMessage.objects.filter(task="accounts.send_email")
        if template_word in m.kwargs["subject"].lower()
    ]


def test_the_registration_page_shows_the_sites_and_the_challenges_fiche(client):
    sprint = make_sprint()
    page = client.get(reverse("sprints:register", args=[sprint.edition.pk])).content.decode()
    challenge = sprint.challenges["Rennes"][0].challenge
    for text in (challenge.title, challenge.stakes, challenge.obstacles, challenge.levers):
        assert escape(text) in page
    assert "La Réunion" in page


def test_a_participant_registers_and_is_told_by_mail(client):
    sprint = make_sprint()
    data = post_data(registration_data(sprint, "Rennes", 1))
    response = client.post(reverse("sprints:register", args=[sprint.edition.pk]), data)
    assert response.status_code == 302
    registration = Registration.objects.get(email="agent1@ville.example.org")
    assert registration.status == RegistrationStatus.CONFIRMED
    assert Site.objects.get(pk=sprint.sites["Rennes"].pk).registered == 1
    page = client.get(response["Location"]).content.decode()
    assert "Confirmed" in page or "Confirmée" in page
    (mail,) = list(OutboxMessage.objects.filter(task="accounts.send_email"))
    assert mail.kwargs["to"] == ["agent1@ville.example.org"]
    assert "/sprints/annuler/" in mail.kwargs["body"] and "/sprints/pass/" in mail.kwargs["body"]


def test_when_the_site_is_full_the_next_is_on_the_waiting_list():
    sprint = make_sprint(capacity=2)
    a, b, c = (register(sprint, "Rennes", n) for n in range(3))
    assert [a.status, b.status, c.status] == ["confirmed", "confirmed", "waiting"]
    site = Site.objects.get(pk=sprint.sites["Rennes"].pk)
    assert site.registered == site.capacity == 2


def test_the_database_refuses_more_than_the_capacity():
    """The counter's check constraint is the backstop of the conditional UPDATE."""
    sprint = make_sprint(capacity=1)
    site = sprint.sites["Rennes"]
    Site.objects.filter(pk=site.pk).update(registered=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Site.objects.filter(pk=site.pk).update(registered=2)
    assert services._take_place(site.pk) is False


def test_cancelling_by_the_signed_link_promotes_the_first_waiting(client):
    sprint = make_sprint(capacity=1)
    first = register(sprint, "Rennes", 0)
    waiting_1 = register(sprint, "Rennes", 1)
    waiting_2 = register(sprint, "Rennes", 2)
    url = reverse("sprints:cancel", args=[services.cancel_token(first)])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    first.refresh_from_db()
    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert (first.status, waiting_1.status, waiting_2.status) == (
        "cancelled",
        "confirmed",
        "waiting",
    )
    assert Site.objects.get(pk=sprint.sites["Rennes"].pk).registered == 1
    assert any(waiting_1.email in m["to"] for m in _mails("place"))
    # A forged or altered link is a 404; cancelling twice says so.
    assert client.get(url[:-3] + "xyz/").status_code == 404
    client.post(url)
    assert Site.objects.get(pk=sprint.sites["Rennes"].pk).registered == 1


def test_the_same_address_cannot_register_twice_and_nothing_is_half_saved(client):
    sprint = make_sprint()
    register(sprint, "Rennes", 0)
    before = (
        Registration.objects.count(),
        Site.objects.get(pk=sprint.sites["Rennes"].pk).registered,
    )
    data = post_data(registration_data(sprint, "Rennes", 0, email="AGENT0@ville.example.org"))
    response = client.post(reverse("sprints:register", args=[sprint.edition.pk]), data)
    assert response.status_code == 400
    assert "déjà inscrite" in response.content.decode()
    after = (
        Registration.objects.count(),
        Site.objects.get(pk=sprint.sites["Rennes"].pk).registered,
    )
    assert after == before


@pytest.mark.parametrize(
    "change,message",
    [
        ({"choice_2": "same"}, "trois défis différents"),
        ({"choice_1": "other_site"}, "trois défis du site"),
        ({"email": "not-an-address"}, "adresse de courriel valide"),
        ({"job_family": "astronaut"}, "Sélectionnez un choix valide"),
        ({"website": "http://spam.example"}, "Laissez ce champ vide"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, change, message):
    sprint = make_sprint()
    data = post_data(registration_data(sprint, "Rennes", 0))
    for key, value in change.items():
        if value == "same":
            value = data["choice_1"]
        elif value == "other_site":
            value = sprint.challenges["La Réunion"][0].pk
        data[key] = value
    response = client.post(reverse("sprints:register", args=[sprint.edition.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Registration.objects.exists()
    assert Site.objects.get(pk=sprint.sites["Rennes"].pk).registered == 0


def test_registration_closes_on_its_date(client):
    sprint = make_sprint(closes=timezone.now() - datetime.timedelta(minutes=1))
    page = client.get(reverse("sprints:register", args=[sprint.edition.pk]))
    assert "sont closes" in page.content.decode()
    response = client.post(
        reverse("sprints:register", args=[sprint.edition.pk]),
        post_data(registration_data(sprint, "Rennes", 0)),
    )
    assert response.status_code == 400 and not Registration.objects.exists()
    with pytest.raises(DomainError):
        register(sprint, "Rennes", 0)


def test_one_connection_is_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "sprint_registration": "3/10m/ip",
    }
    sprint = make_sprint()
    url = reverse("sprints:register", args=[sprint.edition.pk])
    statuses = [
        client.post(url, post_data(registration_data(sprint, "Rennes", n))).status_code
        for n in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert Registration.objects.count() == 3
