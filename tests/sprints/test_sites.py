"""Point 2 of issue 17: sites in parallel, each with its challenges and its agenda by the
hour in its own time zone; the national page and the site coordinator's scope."""

import pytest
from django.urls import reverse

from sessions.models import Session
from tests.sprints.factories import make_sprint, register

pytestmark = pytest.mark.django_db


def test_the_day_timeline_is_in_the_sites_time_zone(client):
    sprint = make_sprint()
    reunion = sprint.sites["La Réunion"]
    page = client.get(reverse("sprints:site_agenda", args=[reunion.pk])).content.decode()
    # 9:00 in La Réunion (UTC+4), not 7:00 Paris time.
    assert "09:00–10:00" in page and "Ouverture" in page
    assert "Indian/Reunion" in page
    # The agenda items are sessions of the cohort, held at the site.
    session = Session.objects.get(sprint_item__site=reunion, title="Ouverture")
    assert session.time_zone == "Indian/Reunion" and session.cohort == sprint.edition.cohort
    assert session.place == "Salle 1, Campus de La Réunion"


def test_the_icalendar_feed_carries_each_sites_time_zone(client):
    sprint = make_sprint()
    body = client.get(
        reverse("sprints:site_agenda_ics", args=[sprint.sites["La Réunion"].pk])
    ).content.decode()
    assert "DTSTART;TZID=Indian/Reunion:20270709T090000" in body
    assert "BEGIN:VTIMEZONE\r\nTZID:Indian/Reunion" in body and "TZOFFSETTO:+0400" in body
    paris = client.get(
        reverse("sprints:site_agenda_ics", args=[sprint.sites["Rennes"].pk])
    ).content.decode()
    assert "DTSTART;TZID=Europe/Paris:20270709T090000" in paris
    # Paris's VTIMEZONE has both changes of the year.
    assert "BEGIN:DAYLIGHT" in paris and "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200" in paris


def test_a_session_without_zone_stays_in_utc(client):
    from sessions import ics

    sprint = make_sprint()
    session = Session.objects.filter(cohort=sprint.edition.cohort).first()
    session.time_zone = ""
    body = ics.calendar([ics.row(session)], name="x").decode()
    assert "DTSTART:2027" in body and "Z\r\n" in body and "VTIMEZONE" not in body


def test_the_national_coordinator_sees_every_sites_figures(client):
    sprint = make_sprint(capacity=2)
    for n in range(3):
        register(sprint, "Rennes", n)
    register(sprint, "La Réunion", 10)
    client.force_login(sprint.coordinator)
    page = client.get(reverse("sprints:edition_overview", args=[sprint.edition.pk]))
    assert page.status_code == 200
    figures = {f.site.city: f for f in page.context["figures"]}
    assert (figures["Rennes"].confirmed, figures["Rennes"].waiting) == (2, 1)
    assert (figures["La Réunion"].confirmed, figures["La Réunion"].waiting) == (1, 0)
    assert page.context["totals"]["confirmed"] == 3


def test_the_national_page_queries_do_not_grow_with_sites_and_people(
    client, django_assert_max_num_queries
):
    from sprints import services

    sprint = make_sprint(capacity=50)
    client.force_login(sprint.coordinator)
    url = reverse("sprints:edition_overview", args=[sprint.edition.pk])
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(20):
        register(sprint, "Rennes" if n % 2 else "La Réunion", n)
    for i in range(4):
        services.site_create(
            edition=sprint.edition,
            actor=sprint.coordinator,
            data={"city": f"Ville {i}", "slug": f"ville-{i}", "venue": "x", "capacity": 10},
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert len(page.context["figures"]) == 6


def test_a_site_coordinator_sees_only_their_site(client):
    sprint = make_sprint()
    rennes, reunion = sprint.sites["Rennes"], sprint.sites["La Réunion"]
    client.force_login(sprint.site_coordinators["Rennes"])
    assert client.get(reverse("sprints:site_detail", args=[rennes.pk])).status_code == 200
    assert client.get(reverse("sprints:site_detail", args=[reunion.pk])).status_code == 404
    assert client.get(reverse("sprints:assignment", args=[reunion.pk])).status_code == 404
    assert (
        client.get(reverse("sprints:edition_overview", args=[sprint.edition.pk])).status_code == 404
    )
    team = sprint.challenges["La Réunion"][0].team
    assert client.get(reverse("sprints:team", args=[team.pk])).status_code == 404
    # Nor change it: checking in a participant of another site.
    other = register(sprint, "La Réunion", 3)
    assert client.post(reverse("sprints:check_in", args=[other.token])).status_code == 404
    other.refresh_from_db()
    assert other.checked_in_at is None


def _slot(kind, title, starts, ends) -> dict:
    fields = {"kind": kind, "title": title, "day": "2027-07-09", "starts": starts, "ends": ends}
    return {f"slot-{k}": v for k, v in fields.items()}


def test_the_coordinator_sets_up_an_edition_from_the_sprint_cohort(client):
    from cohorts.enums import ProgrammeFormat
    from curiouslab.accounts.models import Role
    from sprints.models import Edition, Site
    from tests.challenges.factories import ChallengeFactory
    from tests.factories import CohortFactory, ProgrammeFactory, member

    programme = ProgrammeFactory(format=ProgrammeFormat.SPRINT)
    cohort = CohortFactory(programme=programme)
    coordinator = member(Role.COORDINATOR, programme.organisation)
    client.force_login(coordinator)
    # The cohort's tab opens the edition (made the first time).
    tab = client.get(reverse("cohorts:cohort_detail", args=[cohort.pk])).content.decode()
    url = reverse("sprints:cohort_edition", args=[cohort.pk])
    assert url in tab
    edition_url = client.get(url)["Location"]
    edition = Edition.objects.get(cohort=cohort)
    assert client.get(url)["Location"] == edition_url and Edition.objects.count() == 1
    # A site in Martinique, with a challenge and a slot at 9:00 local time.
    bad = client.post(reverse("sprints:site_add", args=[edition.pk]), {"city": "Fort-de-France"})
    assert bad.status_code == 400 and not Site.objects.exists()
    response = client.post(
        reverse("sprints:site_add", args=[edition.pk]),
        {
            "city": "Fort-de-France",
            "venue": "Hôtel de la collectivité",
            "time_zone": "America/Martinique",
            "capacity": 60,
        },
    )
    site = Site.objects.get()
    assert response["Location"] == reverse("sprints:site_detail", args=[site.pk])
    assert site.slug == "fort-de-france"
    challenge = ChallengeFactory(call=cohort, accepted=True)
    client.post(
        reverse("sprints:site_challenge_add", args=[site.pk]), {"challenge-challenge": challenge.pk}
    )
    assert site.site_challenges.get().team.challenge == challenge
    client.post(
        reverse("sprints:agenda_add", args=[site.pk]),
        _slot("opening_talk", "Ouverture", "09:00", "10:00"),
    )
    session = Session.objects.get(sprint_item__site=site)
    assert session.starts_at.isoformat() == "2027-07-09T13:00:00+00:00"  # UTC-4
    # An agenda slot ending before it starts is refused, with nothing saved.
    client.post(
        reverse("sprints:agenda_add", args=[site.pk]),
        _slot("break", "Pause", "11:00", "10:00"),
    )
    assert Session.objects.filter(sprint_item__site=site).count() == 1


def test_a_school_year_cohort_has_no_sites(client):
    from curiouslab.accounts.models import Role
    from sprints.models import Edition
    from tests.factories import CohortFactory, member

    cohort = CohortFactory()
    client.force_login(member(Role.COORDINATOR, cohort.programme.organisation))
    assert client.get(reverse("sprints:cohort_edition", args=[cohort.pk])).status_code == 404
    page = client.get(reverse("cohorts:cohort_detail", args=[cohort.pk])).content.decode()
    assert reverse("sprints:cohort_edition", args=[cohort.pk]) not in page
    assert not Edition.objects.exists()
