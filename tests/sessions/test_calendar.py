import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from curiouslab.accounts.models import Role
from sessions.models import CalendarFeed
from tests.sessions.factories import SessionFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_my_sessions_of_student_shows_only_sessions_they_are_invited_to(cast, login):
    SessionFactory(cohort=cast.cohort, title="Séance des Curieux", teams=[cast.team])
    SessionFactory(cohort=cast.cohort, title="Séance des Audacieux", teams=[cast.other_team])
    SessionFactory(cohort=cast.cohort, title="Amphi de tous", roles=[Role.STUDENT])
    SessionFactory(cohort=cast.cohort, title="Réunion des communes", roles=[Role.MUNICIPAL_STAFF])
    response = login(cast.student).get(reverse("sessions:mine"))
    assert response.status_code == 200
    assert "Séance des Curieux" in response.text
    assert "Amphi de tous" in response.text
    assert "Séance des Audacieux" not in response.text
    assert "Réunion des communes" not in response.text


def test_my_sessions_of_municipal_staff_shows_their_teams_and_role_sessions(cast, login):
    SessionFactory(cohort=cast.cohort, title="Séance des Curieux", teams=[cast.team])
    SessionFactory(cohort=cast.cohort, title="Séance des Audacieux", teams=[cast.other_team])
    SessionFactory(cohort=cast.cohort, title="Réunion des communes", roles=[Role.MUNICIPAL_STAFF])
    text = login(cast.municipal_staff).get(reverse("sessions:mine")).text
    assert "Séance des Curieux" in text
    assert "Réunion des communes" in text
    assert "Séance des Audacieux" not in text
    other = login(cast.world.b.people["municipal_staff"]).get(reverse("sessions:mine")).text
    assert "Réunion des communes" not in other
    assert "Séance des Curieux" not in other


def test_my_sessions_past_filter_lists_past_sessions(cast, login):
    SessionFactory(
        cohort=cast.cohort,
        title="Lancement passé",
        teams=[cast.team],
        starts_at=timezone.now() - datetime.timedelta(days=20),
    )
    client = login(cast.student)
    assert "Lancement passé" not in client.get(reverse("sessions:mine")).text
    assert "Lancement passé" in client.get(reverse("sessions:mine") + "?when=past").text


def _many(cast, n, **kwargs):
    start = timezone.now() + datetime.timedelta(days=1)
    for i in range(n):
        SessionFactory(
            cohort=cast.cohort,
            teams=[cast.team],
            starts_at=start + datetime.timedelta(hours=3 * i),
            **kwargs,
        )


def _count_queries(django_assert_num_queries, client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_cohort_calendar_query_count_does_not_grow(cast, login, django_assert_num_queries):
    client = login(cast.coordinator)
    month = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%Y-%m")
    urls = [
        reverse("sessions:cohort_calendar", args=[cast.cohort.pk]) + f"?month={month}",
        reverse("sessions:cohort_calendar", args=[cast.cohort.pk]) + "?view=list",
        reverse("sessions:mine"),
    ]
    _many(cast, 1)
    few = [_count_queries(django_assert_num_queries, client, u) for u in urls]
    _many(cast, 25)
    for url, expected in zip(urls, few, strict=True):
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200


def test_cohort_calendar_month_view_shows_sessions_of_the_month(cast, login):
    SessionFactory(
        cohort=cast.cohort,
        title="Visite du marché de Sceaux",
        kind="site_visit",
        teams=[cast.team],
        starts_at=datetime.datetime(2027, 3, 12, 10, 0, tzinfo=PARIS),
        ends_at=datetime.datetime(2027, 3, 12, 12, 0, tzinfo=PARIS),
    )
    client = login(cast.student)
    url = reverse("sessions:cohort_calendar", args=[cast.cohort.pk])
    march = client.get(url + "?month=2027-03")
    assert "mars 2027" in march.text
    assert "Visite du marché de Sceaux" in march.text
    assert "Visite du marché de Sceaux" not in client.get(url + "?month=2027-04").text


def test_cohort_calendar_of_another_departement_is_404(cast, login):
    url = reverse("sessions:cohort_calendar", args=[cast.cohort.pk])
    assert login(cast.world.b.people["student"]).get(url).status_code == 404
    assert login(cast.world.b.people["coordinator"]).get(url).status_code == 404


# --- iCalendar -----------------------------------------------------------------------------


def test_session_ics_has_utc_times_across_daylight_saving_changes(cast, login):
    spring = SessionFactory(  # the Sunday clocks go forward: 10:00 in Paris is 08:00 UTC
        cohort=cast.cohort,
        teams=[cast.team],
        title="Séance du printemps",
        starts_at=datetime.datetime(2027, 3, 28, 10, 0, tzinfo=PARIS),
        ends_at=datetime.datetime(2027, 3, 28, 12, 0, tzinfo=PARIS),
    )
    autumn = SessionFactory(  # the Sunday clocks go back: 10:00 in Paris is 09:00 UTC
        cohort=cast.cohort,
        teams=[cast.team],
        title="Séance d'automne",
        starts_at=datetime.datetime(2027, 10, 31, 10, 0, tzinfo=PARIS),
        ends_at=datetime.datetime(2027, 10, 31, 12, 0, tzinfo=PARIS),
    )
    client = login(cast.student)
    body = client.get(reverse("sessions:ics", args=[spring.pk])).content.decode()
    assert "DTSTART:20270328T080000Z" in body
    assert "DTEND:20270328T100000Z" in body
    response = client.get(reverse("sessions:ics", args=[autumn.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "DTSTART:20271031T090000Z" in body
    assert "SUMMARY:Séance d'automne" in body
    assert "LOCATION:Pôle Léonard de Vinci\\, 12 rue Jean Monnet\\, 92400 Courbevoie" in body
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_session_ics_of_uninvited_student_is_404(cast, login):
    session = SessionFactory(cohort=cast.cohort, teams=[cast.other_team])
    assert login(cast.student).get(reverse("sessions:ics", args=[session.pk])).status_code == 404


def _feed_for(user):
    return CalendarFeed.objects.create(user=user)


def test_feed_shows_only_the_token_owners_sessions(cast, client):
    SessionFactory(cohort=cast.cohort, title="Séance des Curieux", teams=[cast.team])
    SessionFactory(cohort=cast.cohort, title="Séance des Audacieux", teams=[cast.other_team])
    mine = _feed_for(cast.student)
    theirs = _feed_for(cast.other_student)
    body = client.get(reverse("sessions:feed", args=[mine.token])).content.decode()
    assert "Séance des Curieux" in body
    assert "Séance des Audacieux" not in body
    body = client.get(reverse("sessions:feed", args=[theirs.token])).content.decode()
    assert "Séance des Audacieux" in body
    assert "Séance des Curieux" not in body


def test_feed_with_bad_token_is_404(cast, client):
    _feed_for(cast.student)
    assert client.get(reverse("sessions:feed", args=["not-a-token"])).status_code == 404


def test_feed_regenerated_or_revoked_token_is_404(cast, login):
    SessionFactory(cohort=cast.cohort, title="Séance des Curieux", teams=[cast.team])
    client = login(cast.student)
    client.post(reverse("sessions:feed_regenerate"))
    first = CalendarFeed.objects.get(user=cast.student).token
    assert client.get(reverse("sessions:feed", args=[first])).status_code == 200
    client.post(reverse("sessions:feed_regenerate"))
    second = CalendarFeed.objects.get(user=cast.student).token
    assert second != first
    assert client.get(reverse("sessions:feed", args=[first])).status_code == 404
    assert "Séance des Curieux" in client.get(reverse("sessions:feed", args=[second])).text
    response = client.post(reverse("sessions:feed_revoke"), follow=True)
    assert "Votre adresse d’agenda a été révoquée" in response.text
    assert not CalendarFeed.objects.filter(user=cast.student).exists()
    assert client.get(reverse("sessions:feed", args=[second])).status_code == 404


def test_feed_query_count_does_not_grow(cast, client, django_assert_num_queries):
    feed = _feed_for(cast.student)
    url = reverse("sessions:feed", args=[feed.token])
    _many(cast, 1)
    few = _count_queries(django_assert_num_queries, client, url)
    _many(cast, 30)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.content.decode().count("BEGIN:VEVENT") == 31
