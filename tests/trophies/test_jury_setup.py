"""Jury set-up by the cohort's coordinator: settings, jurors invited by e-mail, finalists,
criteria with level descriptions, award categories; nothing changes once voting opens."""

import pytest
from django.urls import reverse

from curiouslab.accounts.models import AuditLogEntry, Invitation, Role
from tests.factories import TeamFactory
from tests.trophies.factories import JuryFactory, juror, ready_jury
from trophies import services
from trophies.models import AwardCategory, Criterion, Finalist, Jury, JuryMember, JuryStatus

pytestmark = pytest.mark.django_db


def test_jury_create_by_coordinator_saves_the_rules(world, login):
    client = login(world.a.people["coordinator"])
    response = client.post(
        reverse("trophies:jury_create"),
        {
            "cohort": world.a.cohort.pk,
            "name": "Jury de la clôture",
            "scale_min": 0,
            "scale_max": 5,
            "comment_required": "on",
            "normalisation": "zscore",
            "tie_break_1": "first_criterion",
            "tie_break_2": "chair",
        },
    )
    jury = Jury.objects.get(name="Jury de la clôture")
    assert response.status_code == 302
    assert jury.tie_break == ["first_criterion", "chair"]
    assert jury.comment_required and jury.normalisation == "zscore"
    assert jury.chair == world.a.people["coordinator"]
    assert AuditLogEntry.objects.filter(action="jury.create", object_id=str(jury.pk)).exists()
    page = client.get(reverse("trophies:jury_detail", args=[jury.pk]))
    assert "Ordre de départage" in page.content.decode()


def test_jury_create_refuses_another_programmes_cohort(world, login):
    client = login(world.a.people["coordinator"])
    response = client.post(
        reverse("trophies:jury_create"),
        {
            "cohort": world.b.cohort.pk,
            "name": "Jury pirate",
            "scale_min": 0,
            "scale_max": 5,
            "normalisation": "none",
            "tie_break_1": "chair",
        },
    )
    assert response.status_code == 400
    assert not Jury.objects.filter(name="Jury pirate").exists()


def test_jury_create_refuses_a_bad_scale(world, login):
    client = login(world.a.people["coordinator"])
    response = client.post(
        reverse("trophies:jury_create"),
        {
            "cohort": world.a.cohort.pk,
            "name": "Jury",
            "scale_min": 5,
            "scale_max": 5,
            "normalisation": "none",
            "tie_break_1": "chair",
        },
    )
    assert response.status_code == 400
    assert "La note la plus haute" in response.content.decode()
    assert not Jury.objects.exists()


def test_juror_invite_new_person_sends_a_juror_invitation(
    world, login, mailoutbox, django_capture_on_commit_callbacks
):
    jury = JuryFactory(cohort=world.a.cohort)
    client = login(world.a.people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("trophies:juror_add", args=[jury.pk]),
            {"email": "Marie.Dupont@Example.org", "name": "Marie Dupont"},
        )
    assert response.status_code == 302
    seat = JuryMember.objects.get(jury=jury)
    assert seat.email == "marie.dupont@example.org" and seat.user is None
    invitation = Invitation.objects.get(email="marie.dupont@example.org")
    assert invitation.role == Role.JUROR
    assert invitation.organisation == world.a.departement
    assert seat.invitation == invitation
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["marie.dupont@example.org"]


def test_juror_invite_existing_juror_links_the_account_without_invitation(world, login):
    jury = JuryFactory(cohort=world.a.cohort)
    client = login(world.a.people["coordinator"])
    client.post(
        reverse("trophies:juror_add", args=[jury.pk]),
        {"email": world.a.people["juror"].email},
    )
    seat = JuryMember.objects.get(jury=jury)
    assert seat.user == world.a.people["juror"]
    assert not Invitation.objects.filter(email=world.a.people["juror"].email).exists()


def test_invited_juror_with_no_other_role_reaches_the_sheet_after_accepting(world, login):
    jury, _m, _f, _c = ready_jury(world.a.cohort, jurors=0, status=JuryStatus.SETUP)
    services.juror_invite(
        jury=jury,
        email="new.juror@example.org",
        name="Nina Roux",
        actor=world.a.people["coordinator"],
    )
    invitation = Invitation.objects.get(email="new.juror@example.org")
    user = services_accept(invitation)
    client = login(user)
    response = client.get(reverse("trophies:sheet", args=[jury.pk]))
    assert response.status_code == 200
    assert JuryMember.objects.get(jury=jury).user == user
    assert (
        "Le vote n&#x27;est pas encore ouvert" in response.content.decode()
        or "pas encore ouvert" in response.content.decode()
    )


def services_accept(invitation):
    from curiouslab.accounts.services import invitation_accept

    return invitation_accept(
        invitation=invitation, user=None, first_name="Nina", last_name="Roux", password="x" * 14
    )


def test_juror_add_twice_is_refused(world, login):
    jury = JuryFactory(cohort=world.a.cohort)
    juror(jury, world.a.people["juror"])
    client = login(world.a.people["coordinator"])
    response = client.post(
        reverse("trophies:juror_add", args=[jury.pk]),
        {"email": world.a.people["juror"].email},
        follow=True,
    )
    assert "déjà membre du jury" in response.content.decode()
    assert JuryMember.objects.filter(jury=jury).count() == 1


def test_finalist_add_takes_the_teams_challenge(world, login):
    jury = JuryFactory(cohort=world.a.cohort)
    team = TeamFactory(cohort=world.a.cohort, confirmed=True)
    client = login(world.a.people["coordinator"])
    client.post(reverse("trophies:finalist_add", args=[jury.pk]), {"team": team.pk})
    f = Finalist.objects.get(jury=jury)
    assert f.team == team and f.challenge == team.challenge


def test_finalist_add_refuses_a_team_of_another_cohort(world, login):
    jury = JuryFactory(cohort=world.a.cohort)
    team = TeamFactory(cohort=world.b.cohort, confirmed=True)
    client = login(world.a.people["coordinator"])
    response = client.post(
        reverse("trophies:finalist_add", args=[jury.pk]), {"team": team.pk}, follow=True
    )
    assert not Finalist.objects.exists()
    assert "Choisissez une équipe" in response.content.decode()


def test_criterion_add_stores_the_meaning_of_each_mark(world, login):
    jury = JuryFactory(cohort=world.a.cohort, scale_min=0, scale_max=3)
    client = login(world.a.people["coordinator"])
    page = client.get(reverse("trophies:criterion_add", args=[jury.pk]))
    assert "Ce que signifie la note 3" in page.content.decode()
    client.post(
        reverse("trophies:criterion_add", args=[jury.pk]),
        {
            "name": "Pertinence pour la commune",
            "weight": 3,
            "level_0": "Hors sujet",
            "level_3": "Répond exactement au besoin",
        },
    )
    c = Criterion.objects.get(jury=jury)
    assert c.weight == 3
    assert c.levels == {"0": "Hors sujet", "3": "Répond exactement au besoin"}


def test_category_for_a_criterion_of_another_jury_is_refused(world):
    jury = JuryFactory(cohort=world.a.cohort)
    other, _m, _f, crits = ready_jury(world.b.cohort, status=JuryStatus.SETUP)
    from curiouslab.errors import DomainError

    with pytest.raises(DomainError):
        services.category_add(
            jury=jury,
            name="Prix de l'innovation",
            basis="criterion",
            criterion=crits[1],
            actor=world.a.people["coordinator"],
        )
    assert not AwardCategory.objects.filter(jury=jury).exists()


def test_setup_is_locked_once_voting_opens(world, login):
    jury, _m, _f, crits = ready_jury(world.a.cohort, status=JuryStatus.SETUP)
    client = login(world.a.people["coordinator"])
    client.post(reverse("trophies:jury_transition", args=[jury.pk, "open"]))
    jury.refresh_from_db()
    assert jury.status == JuryStatus.OPEN and jury.opened_at is not None
    response = client.post(
        reverse("trophies:criterion_remove", args=[jury.pk, crits[0].pk]), follow=True
    )
    assert Criterion.objects.filter(pk=crits[0].pk).exists()
    assert "avant l&#x27;ouverture du vote" in response.content.decode()


def test_open_refused_without_tie_break_chain(world, login):
    jury, _m, _f, _c = ready_jury(world.a.cohort, status=JuryStatus.SETUP, tie_break=[])
    client = login(world.a.people["coordinator"])
    response = client.post(reverse("trophies:jury_transition", args=[jury.pk, "open"]), follow=True)
    jury.refresh_from_db()
    assert jury.status == JuryStatus.SETUP
    assert "départage" in response.content.decode()


def test_jury_detail_is_404_for_another_departements_coordinator(world, login):
    jury = JuryFactory(cohort=world.a.cohort)
    client = login(world.b.people["coordinator"])
    assert client.get(reverse("trophies:jury_detail", args=[jury.pk])).status_code == 404
    response = client.post(
        reverse("trophies:juror_add", args=[jury.pk]), {"email": "x@example.org"}
    )
    assert response.status_code == 404
    assert not JuryMember.objects.exists()


def test_jury_list_query_count_does_not_grow(world, login, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordinator = world.a.people["coordinator"]
    client = login(coordinator)
    first, _m, _f, _c = ready_jury(world.a.cohort, jurors=1, finalists=1)
    juror(first, coordinator)
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("trophies:jury_list"))
    assert response.content.decode().count("jury-status-") == 2
    for _ in range(6):
        j, _m, _f, _c = ready_jury(world.a.cohort, jurors=2, finalists=2)
        juror(j, coordinator)
    with django_assert_num_queries(len(one)):
        response = client.get(reverse("trophies:jury_list"))
    assert response.content.decode().count("jury-status-") == 14


def test_jury_update_takes_the_settings_only_never_the_status(world):
    jury = JuryFactory(cohort=world.a.cohort)
    coordinator = world.a.people["coordinator"]
    with pytest.raises(TypeError):
        services.JurySettings(name="Jury", scale_min=0, scale_max=5, status="published")
    with pytest.raises(TypeError):
        services.jury_update(
            jury=jury,
            actor=coordinator,
            settings=services.JurySettings(name="Jury", scale_min=0, scale_max=5),
            status="published",
        )
    services.jury_update(
        jury=jury,
        actor=coordinator,
        settings=services.JurySettings(name="Jury final", scale_min=1, scale_max=10),
    )
    jury.refresh_from_db()
    assert (jury.name, jury.scale_min, jury.scale_max, jury.status) == (
        "Jury final",
        1,
        10,
        JuryStatus.SETUP,
    )


def test_setup_services_recheck_the_coordinators_right_under_the_lock(world):
    """Adding a juror or removing a criterion through the service, as the other département's
    coordinator or as a juror: refused, and the jury is as it was."""
    from curiouslab.errors import DomainError

    jury, seats, _finalists, criteria = ready_jury(world.a.cohort, status=JuryStatus.SETUP)
    for actor in (world.b.people["coordinator"], seats[0].user):
        with pytest.raises(DomainError, match="pas le droit"):
            services.juror_invite(jury=jury, email="intrus@example.org", actor=actor)
        with pytest.raises(DomainError, match="pas le droit"):
            services.criterion_remove(criterion=criteria[0], actor=actor)
    assert not JuryMember.objects.filter(email="intrus@example.org").exists()
    assert Criterion.objects.filter(pk=criteria[0].pk).exists()
