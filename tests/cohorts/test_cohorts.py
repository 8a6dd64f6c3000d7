"""Programmes, cohorts and their calendar; cohort assembly."""

import datetime

import pytest
from django.utils import timezone

from challenges.models import ChallengeStatus
from cohorts import services
from cohorts.forms import COHORT_YEARS
from cohorts.models import Cohort, Milestone, SchoolEnrolment
from curiouslab.accounts.models import AuditLogEntry
from curiouslab.errors import DomainError
from tests.cohorts import factories as f
from tests.trophies.factories import ready_jury
from trophies.models import AwardCategory

pytestmark = pytest.mark.django_db


def test_cohort_create_next_shifts_calendar_and_copies_milestones_only(setup, login):
    cohort = setup.cohort
    f.milestone(cohort, name="Prototype")
    f.version(setup.team, cohort.milestones.get())
    jury, _members, _finalists, criteria = ready_jury(cohort, jurors=2, finalists=2)
    AwardCategory.objects.create(
        jury=jury, name="Prix de l'innovation", basis="criterion", criterion=criteria[0]
    )
    client = login(setup.coordinator)
    response = client.post(f"/cohorts/{cohort.pk}/next/")
    new = Cohort.objects.get(programme=setup.programme, year=cohort.year + 1)
    assert response.status_code == 302
    assert response.url == f"/cohorts/{new.pk}/"
    assert new.kickoff == cohort.kickoff.replace(year=cohort.kickoff.year + 1)
    assert new.closing == cohort.closing.replace(year=cohort.closing.year + 1)
    assert new.previous == cohort
    copied = new.milestones.get()
    assert copied.name == "Prototype"
    assert copied.deadline.year == cohort.milestones.get().deadline.year + 1
    # People's data stays behind.
    assert not new.teams.exists()
    assert not new.enrolments.exists()
    assert not new.challenges.exists()
    assert not copied.deliverables.exists()
    # The jury's rules, criteria and categories come along; its people and marks do not.
    new_jury = new.juries.get()
    assert (new_jury.status, new_jury.scale_max) == ("setup", jury.scale_max)
    assert [c.name for c in new_jury.criteria.order_by("order")] == [
        c.name for c in jury.criteria.order_by("order")
    ]
    category = new_jury.categories.get(name="Prix de l'innovation")
    assert category.criterion.jury == new_jury and category.criterion.name == criteria[0].name
    assert not new_jury.members.exists() and not new_jury.finalists.exists()
    assert AuditLogEntry.objects.filter(action="cohort.create_next").exists()
    # Twice: refused with a message, no second cohort.
    response = client.post(f"/cohorts/{cohort.pk}/next/", follow=True)
    assert "a déjà une promotion" in response.content.decode()
    assert Cohort.objects.filter(programme=setup.programme).count() == 2


def test_next_name_replaces_school_year():
    assert services._next_name("Curious Lab' 2026-2027", 2026) == "Curious Lab' 2027-2028"
    assert services.shift_year(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)


def test_cohort_create_refuses_calendar_out_of_order(setup, login):
    client = login(setup.coordinator)
    # A school year this programme has no cohort for, within the years the form accepts: the
    # factory's years follow a sequence over the whole run, so a fixed year may be taken.
    taken = set(Cohort.objects.filter(programme=setup.programme).values_list("year", flat=True))
    y = next(y for y in range(COHORT_YEARS[0], COHORT_YEARS[1]) if y not in taken)
    data = {
        "name": f"Curious Lab' {y}-{y + 1}",
        "year": y,
        "call_opens": f"{y}-05-01",
        "call_closes": f"{y}-12-15",
        "kickoff": f"{y}-11-01",  # before the call closes
        "working_starts": f"{y + 1}-01-16",
        "working_ends": f"{y + 1}-06-05",
        "closing": f"{y + 1}-06-20",
    }
    response = client.post(f"/cohorts/programmes/{setup.programme.pk}/new/", data)
    assert response.status_code == 400
    assert "Le calendrier doit" in response.content.decode()
    assert not Cohort.objects.filter(year=y, programme=setup.programme).exists()
    data["kickoff"] = f"{y + 1}-01-15"
    response = client.post(f"/cohorts/programmes/{setup.programme.pk}/new/", data)
    assert response.status_code == 302
    assert Cohort.objects.filter(year=y, programme=setup.programme).exists()


def test_other_coordinator_cannot_create_cohort_in_programme(setup, login):
    client = login(setup.world.b.people["coordinator"])
    response = client.get(f"/cohorts/programmes/{setup.programme.pk}/new/")
    assert response.status_code == 404


def test_challenge_add_only_accepted_of_programme_and_once(setup, login):
    accepted = f.challenge(setup.programme, setup.municipality, title="Un tiers-lieu")
    draft = f.challenge(setup.programme, setup.municipality, status=ChallengeStatus.SUBMITTED)
    elsewhere = f.challenge(setup.programme, setup.municipality, title="Déjà pris")
    client = login(setup.coordinator)
    url = f"/cohorts/{setup.cohort.pk}/challenges/"
    assert client.post(f"{url}{accepted.pk}/", {"action": "add"}).status_code == 302
    accepted.refresh_from_db()
    assert accepted.cohort == setup.cohort
    response = client.post(f"{url}{draft.pk}/", {"action": "add"}, follow=True)
    assert "Seuls les défis acceptés" in response.content.decode()
    draft.refresh_from_db()
    assert draft.cohort is None
    from tests.factories import CohortFactory

    second = CohortFactory(programme=setup.programme)
    elsewhere.cohort = second
    elsewhere.save()
    with pytest.raises(DomainError):
        services.cohort_challenge_add(
            cohort=setup.cohort, challenge=elsewhere, actor=setup.coordinator
        )


def test_challenge_remove_before_kickoff_only(setup, login):
    free = f.challenge(setup.programme, setup.municipality, cohort=setup.cohort, title="Libre")
    client = login(setup.coordinator)
    url = f"/cohorts/{setup.cohort.pk}/challenges/{free.pk}/"
    # A challenge with a team cannot leave.
    response = client.post(
        f"/cohorts/{setup.cohort.pk}/challenges/{setup.challenge.pk}/",
        {"action": "remove"},
        follow=True,
    )
    assert "Des équipes travaillent" in response.content.decode()
    setup.cohort.kickoff = timezone.localdate()
    setup.cohort.save()
    response = client.post(url, {"action": "remove"}, follow=True)
    assert "avant le lancement" in response.content.decode()
    free.refresh_from_db()
    assert free.cohort == setup.cohort
    setup.cohort.kickoff = timezone.localdate() + datetime.timedelta(days=3)
    setup.cohort.save()
    client.post(url, {"action": "remove"})
    free.refresh_from_db()
    assert free.cohort is None
    assert AuditLogEntry.objects.filter(action="cohort.challenge_remove").count() == 1


def test_milestone_create_by_coordinator(setup, login):
    client = login(setup.coordinator)
    response = client.post(
        f"/cohorts/{setup.cohort.pk}/milestones/new/",
        {
            "kind": "final",
            "name": "Projet final",
            "description": "",
            "deadline": f"{setup.cohort.working_ends:%Y-%m-%d}T18:00",
        },
    )
    assert response.status_code == 302
    assert Milestone.objects.get(cohort=setup.cohort).name == "Projet final"


def test_cohort_detail_shows_calendar_in_french_to_student(setup, login):
    response = login(setup.student).get(f"/cohorts/{setup.cohort.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lancement" in body
    assert "Séance de clôture" in body


def test_cohort_list_constant_queries(setup, login, django_assert_num_queries):
    client = login(setup.coordinator)
    client.get("/cohorts/")
    with django_assert_num_queries(_count(client, "/cohorts/")) as ctx:
        client.get("/cohorts/")
    from tests.factories import CohortFactory

    for _ in range(8):
        CohortFactory(programme=setup.programme)
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get("/cohorts/")
    assert response.content.decode().count("/cohorts/") > 8
    assert SchoolEnrolment.objects.count() == 2


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)
