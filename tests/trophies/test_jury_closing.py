"""The closing session never dead-ends (issue #12.3): the demo's jury closes, publishes and
gives its procès-verbal without moving a session; an award no project can receive is reported
before the vote closes and set aside with a reason the report records; closing while jurors
have incomplete sheets asks for a confirmation that names them."""

import html
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from curiouslab.accounts.models import AuditLogEntry, User
from tests.trophies.factories import ClosingSessionFactory, ready_jury
from trophies.models import Award, AwardCategory, Jury, JuryStatus, Score

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def mark(jury, member, finalist, crits, values, comment=""):
    for c, v in zip(crits, values, strict=True):
        Score.objects.create(
            jury=jury, member=member, finalist=finalist, criterion=c, value=v, comment=comment
        )


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def close_url(jury):
    return reverse("trophies:jury_transition", args=[jury.pk, "closed"])


def test_closing_with_incomplete_sheets_names_the_jurors_and_changes_nothing(world, login):
    jury, (j1, j2), (f1, f2), crits = ready_jury(world.a.cohort)
    mark(jury, j1, f1, crits, [4, 4])
    mark(jury, j1, f2, crits, [3, 3])
    mark(jury, j2, f1, crits, [2, 2])  # j2 has not scored f2
    client = login(world.a.people["coordinator"])
    response = client.post(close_url(jury))
    assert response.status_code == 200
    page = text_of(response)
    assert "1 juré n'a pas terminé sa grille" in page
    assert str(j2) in page and str(j1) not in page.split('id="incomplete-jurors"')[1][:400]
    assert f2.team.name in page
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.OPEN
    assert not AuditLogEntry.objects.filter(action="jury.closed").exists()

    # Confirming for other jurors than those incomplete now asks again.
    response = client.post(close_url(jury), {"confirm": "1", "incomplete": [str(j1.pk)]})
    assert response.status_code == 200
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.OPEN

    response = client.post(close_url(jury), {"confirm": "1", "incomplete": [str(j2.pk)]})
    assert response.status_code == 302
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.CLOSED


def test_closing_when_everyone_finished_still_confirms_then_closes(world, login):
    jury, (j1,), (f1,), crits = ready_jury(world.a.cohort, jurors=1, finalists=1)
    mark(jury, j1, f1, crits, [4, 4])
    client = login(world.a.people["coordinator"])
    response = client.post(close_url(jury))
    assert "Tous les jurés ont terminé leur grille." in text_of(response)
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.OPEN
    assert client.post(close_url(jury), {"confirm": "1"}).status_code == 302
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.CLOSED


def test_audience_prize_without_votes_is_reported_then_set_aside_and_recorded(world, login):
    session = ClosingSessionFactory(cohort=world.a.cohort)
    jury, (j1,), (f1, f2), crits = ready_jury(
        world.a.cohort, jurors=1, audience_award=True, closing_session=session
    )
    AwardCategory.objects.create(jury=jury, name="Grand prix", basis="ranking", position=1)
    audience = AwardCategory.objects.create(jury=jury, name="Prix du public", basis="audience")
    mark(jury, j1, f1, crits, [5, 5], comment="Un projet exemplaire pour la commune.")
    mark(jury, j1, f2, crits, [2, 2])
    client = login(world.a.people["coordinator"])

    # Reported on the live view, before the vote is closed, with a way to set it aside.
    live = text_of(client.get(reverse("trophies:jury_live", args=[jury.pk])))
    assert "Prix qu'aucun projet ne peut recevoir" in live
    assert "Prix du public</strong> : Personne n'a voté au vote du public." in live
    set_aside = reverse("trophies:category_set_aside", args=[jury.pk, audience.pk])
    assert set_aside in live

    # A reason is required.
    client.post(set_aside, {"reason": "  "})
    assert not AwardCategory.objects.get(pk=audience.pk).is_set_aside

    reason = "La séance de clôture n'a pas eu de vote du public cette année."
    response = client.post(set_aside, {"reason": reason})
    assert response.status_code == 302 and response.url.endswith("/live/")
    audience.refresh_from_db()
    assert audience.is_set_aside and audience.set_aside_reason == reason
    assert AuditLogEntry.objects.filter(action="jury.category_set_aside").count() == 1
    live = client.get(reverse("trophies:jury_live", args=[jury.pk])).content.decode()
    assert set_aside not in live

    client.post(close_url(jury), {"confirm": "1"})
    client.post(reverse("trophies:jury_transition", args=[jury.pk, "published"]))
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.PUBLISHED
    assert list(Award.objects.filter(cohort=world.a.cohort).values_list("category", flat=True)) == [
        "Grand prix"
    ]
    report = client.get(reverse("trophies:jury_report", args=[jury.pk]))
    text = " ".join(pdf_text(report.content).split())
    assert "Prix du public" in text and "écarté" in text
    assert " ".join(reason.split()) in text
    assert "Un projet exemplaire pour la commune." in text


def test_an_unattainable_award_set_aside_after_closing_unblocks_publication(world, login):
    jury, (j1,), (f1,), crits = ready_jury(world.a.cohort, jurors=1, finalists=1)
    second = AwardCategory.objects.create(
        jury=jury, name="Deuxième prix", basis="ranking", position=2
    )
    mark(jury, j1, f1, crits, [3, 3])
    client = login(world.a.people["coordinator"])
    client.post(close_url(jury), {"confirm": "1"})
    publish = reverse("trophies:jury_transition", args=[jury.pk, "published"])
    client.post(publish)
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.CLOSED  # blocked: nobody is 2nd
    results = client.get(reverse("trophies:jury_results", args=[jury.pk])).content.decode()
    assert reverse("trophies:category_set_aside", args=[jury.pk, second.pk]) in results
    client.post(
        reverse("trophies:category_set_aside", args=[jury.pk, second.pk]),
        {"reason": "Un seul finaliste."},
    )
    client.post(publish)
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.PUBLISHED
    assert not Award.objects.filter(category="Deuxième prix").exists()


def test_a_category_cannot_be_set_aside_after_publication_or_by_an_outsider(world, login):
    jury, _m, _f, _c = ready_jury(world.a.cohort, status=JuryStatus.PUBLISHED)
    cat = AwardCategory.objects.create(jury=jury, name="Grand prix", basis="ranking")
    url = reverse("trophies:category_set_aside", args=[jury.pk, cat.pk])
    assert login(world.b.people["coordinator"]).post(url, {"reason": "x"}).status_code == 404
    login(world.a.people["coordinator"]).post(url, {"reason": "Trop tard"})
    assert not AwardCategory.objects.get(pk=cat.pk).is_set_aside


def test_demo_jury_closes_publishes_and_gives_its_report_without_moving_a_session(client):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent, marks included
    jury = Jury.objects.get(name="Jury de la cérémonie de clôture 2027")
    assert jury.status == JuryStatus.OPEN
    coordinator = User.objects.get(email="coordinator@example.org")
    client.force_login(coordinator, backend="curiouslab.accounts.backends.ModelBackend")

    # The audience prize cannot be given (the closing session has not taken place): reported.
    live = client.get(reverse("trophies:jury_live", args=[jury.pk])).content.decode()
    public = jury.categories.get(basis="audience")
    assert public.name in live
    assert reverse("trophies:category_set_aside", args=[jury.pk, public.pk]) in live
    client.post(
        reverse("trophies:category_set_aside", args=[jury.pk, public.pk]),
        {"reason": "Pas de vote du public pendant la démonstration."},
    )

    # The demo juror has not voted: the confirmation names them.
    confirm = client.post(close_url(jury)).content.decode()
    demo_juror = jury.members.get(email="juror@example.org")
    assert str(demo_juror) in confirm
    response = client.post(
        close_url(jury), {"confirm": "1", "incomplete": [str(demo_juror.pk)] + ["x"]}
    )
    jury.refresh_from_db()
    assert jury.status == JuryStatus.CLOSED, response.content.decode()[:2000]

    client.post(reverse("trophies:jury_transition", args=[jury.pk, "published"]))
    jury.refresh_from_db()
    assert jury.status == JuryStatus.PUBLISHED
    categories = set(Award.objects.filter(cohort=jury.cohort).values_list("category", flat=True))
    assert {"Grand prix", "Prix de l'innovation"} <= categories
    assert "Prix du public" not in categories
    report = client.get(reverse("trophies:jury_report", args=[jury.pk]))
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(report.content).split())
    assert "Pas de vote du public pendant la démonstration." in text
    assert "L'idée la plus originale de la promotion." in text or "Chiffrage sérieux" in text


def test_the_jury_page_reports_an_unattainable_award_while_voting(world, login):
    jury, _m, _f, _c = ready_jury(world.a.cohort, finalists=2)
    third = AwardCategory.objects.create(
        jury=jury, name="Troisième prix", basis="ranking", position=3
    )
    page = text_of(
        login(world.a.people["coordinator"]).get(reverse("trophies:jury_detail", args=[jury.pk]))
    )
    assert "Troisième prix</strong> : Il y a moins de finalistes que ce rang." in page
    assert reverse("trophies:category_set_aside", args=[jury.pk, third.pk]) in page


def test_the_status_writer_rechecks_who_may_move_the_jury(world):
    """jury_set_status applies the rule the buttons come from: a juror, or another
    département's coordinator, cannot close the vote even by calling the service."""
    from curiouslab.errors import DomainError
    from trophies import services

    jury, seats, _finalists, _criteria = ready_jury(world.a.cohort, jurors=1, finalists=2)
    for actor in (seats[0].user, world.b.people["coordinator"]):
        with pytest.raises(DomainError, match="pas le droit"):
            services.jury_set_status(jury=jury, status=JuryStatus.CLOSED, actor=actor)
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.OPEN
    services.jury_set_status(
        jury=jury, status=JuryStatus.CLOSED, actor=world.a.people["coordinator"]
    )
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.CLOSED
