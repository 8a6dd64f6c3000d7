"""Issue #12.9: the next cohort copies correctly. Milestones keep their local hour across a
daylight-saving change, a copied jury is named for its own year, sessions and the diploma
attendance rule come along as drafts that a coordinator confirms."""

import datetime
import zoneinfo

import pytest

from cohorts import services
from cohorts.models import Cohort, DraftSession, Milestone
from curiouslab.accounts.models import Role
from documents import selectors
from documents.models import DocumentSettings
from sessions.models import Session, SessionKind
from trophies.models import Jury

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def _copy(setup, login):
    response = login(setup.coordinator).post(f"/cohorts/{setup.cohort.pk}/next/")
    assert response.status_code == 302
    return Cohort.objects.get(programme=setup.programme, year=setup.cohort.year + 1)


def test_milestones_keep_their_local_hour_across_daylight_saving(setup, login):
    # 27 October 2026 is in winter time, 27 October 2027 still in summer time; 27 March 2027
    # is in winter time, 27 March 2028 already in summer time.
    for name, when in [
        ("Prototype", _paris(2026, 10, 27, 18, 0)),
        ("Projet final", _paris(2027, 3, 27, 9, 30)),
        ("Note d'intention", _paris(2026, 9, 15, 23, 59)),
    ]:
        Milestone.objects.create(cohort=setup.cohort, name=name, deadline=when)
    new = _copy(setup, login)
    local = {m.name: m.deadline.astimezone(PARIS) for m in new.milestones.all()}
    assert local["Prototype"].replace(tzinfo=None) == datetime.datetime(2027, 10, 27, 18, 0)
    assert local["Projet final"].replace(tzinfo=None) == datetime.datetime(2028, 3, 27, 9, 30)
    assert local["Note d'intention"].replace(tzinfo=None) == datetime.datetime(2027, 9, 15, 23, 59)
    # And the page says so, in French.
    body = login(setup.coordinator).get(f"/cohorts/{new.pk}/").content.decode()
    assert "27 octobre 2027 18:00" in body


def test_copied_jury_is_named_for_its_own_year(setup, login):
    year = setup.cohort.year
    Jury.objects.create(cohort=setup.cohort, name=f"Jury de clôture {year}-{year + 1}")
    Jury.objects.create(cohort=setup.cohort, name="Prix du public")
    new = _copy(setup, login)
    assert sorted(new.juries.values_list("name", flat=True)) == [
        f"Jury de clôture {year + 1}-{year + 2}",
        f"Prix du public ({year + 1}-{year + 2})",
    ]


def test_sessions_and_attendance_rule_are_copied_as_drafts_to_confirm(setup, login):
    workshop = Session.objects.create(
        cohort=setup.cohort,
        kind=SessionKind.WORKING,
        title="Atelier prototypage",
        starts_at=_paris(2026, 10, 27, 14, 0),
        ends_at=_paris(2026, 10, 27, 17, 0),
        place="Fablab de Nanterre",
        agenda="Maquettes",
    )
    workshop.invited_roles.create(role=Role.STUDENT)
    workshop.invited_teams.add(setup.team)
    workshop.people_in_charge.add(setup.coach)
    Session.objects.create(
        cohort=setup.cohort,
        kind=SessionKind.SITE_VISIT,
        title="Visite du chantier",
        starts_at=_paris(2027, 2, 3, 10, 0),
        ends_at=_paris(2027, 2, 3, 12, 0),
    )
    DocumentSettings.objects.create(cohort=setup.cohort, attendance_min_percent=60)

    new = _copy(setup, login)
    # Nothing applies yet: no session in the new calendar, the default rule.
    assert not Session.objects.filter(cohort=new).exists()
    assert selectors.settings_for(new).attendance_min_percent == 75
    assert new.attendance_rule_to_confirm == 60
    drafts = {d.title: d for d in DraftSession.objects.filter(cohort=new)}
    assert set(drafts) == {"Atelier prototypage", "Visite du chantier"}
    draft = drafts["Atelier prototypage"]
    assert draft.starts_at.astimezone(PARIS).replace(tzinfo=None) == datetime.datetime(
        2027, 10, 27, 14, 0
    )
    assert draft.invited_roles == ["student"] and draft.place == "Fablab de Nanterre"

    client = login(setup.coordinator)
    page = client.get(f"/cohorts/{new.pk}/").content.decode()
    assert "Copié de la promotion précédente : à confirmer" in page
    assert "Atelier prototypage" in page and "au moins 60 %" in page
    # Not for the other side's coordinator.
    other = login(setup.world.b.people["coordinator"])
    url = f"/cohorts/{new.pk}/copied/"
    assert other.post(url, {"confirm": "rule"}).status_code == 404
    assert login(setup.student).post(url, {"confirm": "rule"}).status_code in (403, 404)

    client = login(setup.coordinator)
    response = client.post(url, {"confirm": str(draft.pk)}, follow=True)
    assert "a été ajoutée au calendrier" in response.content.decode()
    session = Session.objects.get(cohort=new)
    assert (session.title, session.kind, session.place) == (
        "Atelier prototypage",
        SessionKind.WORKING,
        "Fablab de Nanterre",
    )
    assert list(session.invited_roles.values_list("role", flat=True)) == ["student"]
    assert not session.invited_teams.exists() and not session.people_in_charge.exists()
    assert session.starts_at == draft.starts_at

    client.post(url, {"discard": str(drafts["Visite du chantier"].pk)})
    assert not DraftSession.objects.filter(cohort=new).exists()
    assert Session.objects.filter(cohort=new).count() == 1

    response = client.post(url, {"confirm": "rule"}, follow=True)
    assert "La règle de présence de 60 % s&#x27;applique." in response.content.decode()
    assert selectors.settings_for(new).attendance_min_percent == 60
    new.refresh_from_db()
    assert new.attendance_rule_to_confirm is None
    assert "à confirmer" not in client.get(f"/cohorts/{new.pk}/").content.decode()
    # Bad input: a message or a 400, never a 500.
    assert client.post(url, {"confirm": "99999999999999999999"}).status_code == 400
    assert client.post(url, {"confirm": "rule"}, follow=True).status_code == 200


def test_confirm_every_copied_session_at_once(setup, login):
    for day in (5, 12):
        Session.objects.create(
            cohort=setup.cohort,
            kind=SessionKind.WORKING,
            title=f"Séance du {day}",
            starts_at=_paris(2026, 11, day, 14, 0),
            ends_at=_paris(2026, 11, day, 17, 0),
        )
    new = _copy(setup, login)
    response = login(setup.coordinator).post(
        f"/cohorts/{new.pk}/copied/", {"confirm": "all"}, follow=True
    )
    assert "2 séances ont été ajoutées au calendrier." in response.content.decode()
    assert Session.objects.filter(cohort=new).count() == 2
    assert not DraftSession.objects.filter(cohort=new).exists()


def test_shift_moment_keeps_the_local_wall_clock():
    assert services.shift_moment(_paris(2026, 10, 27, 18, 0)) == _paris(2027, 10, 27, 18, 0)
    assert services.shift_moment(_paris(2028, 2, 29, 8, 0)) == _paris(2029, 2, 28, 8, 0)
