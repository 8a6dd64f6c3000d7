"""Point 4 of issue 16: the municipality records what became of its published project
(status with a reason, progress, dated milestones, budget, a photo through the upload
policy, a link), shown on the public page; beat reminds it 6, 12 and 24 months after the
closing, once each; the archive shows the realisation rate and filters « réalisé »."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from commons.enums import OutcomeStatus
from commons.models import Outcome, OutcomeReminder
from commons.services import outcome_reminders_send
from curiouslab.accounts.models import AuditLogEntry
from tests.cohorts import factories as f

pytestmark = pytest.mark.usefixtures("media")


def _text(response) -> str:
    return response.content.decode()


def test_the_municipality_records_the_follow_up_shown_publicly(world, project, login, publish):
    pub = publish(world, project)
    client = login(world.a.people["municipal_staff"])
    page = _text(client.get(f"/publications/{pub.pk}/"))
    assert f"/publications/{pub.pk}/suivi/" in page
    response = client.post(
        f"/publications/{pub.pk}/suivi/",
        {
            "status": OutcomeStatus.IN_PROGRESS,
            "progress": "60",
            "reason": "Les travaux ont commencé en mai.",
            "budget": "45000",
            "link": "https://antony.example.org/fablab",
            "photo_alt": "La façade du fablab",
            "photo": SimpleUploadedFile("fablab.png", f.PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    client.post(
        f"/publications/{pub.pk}/suivi/etapes/",
        {"on": "2026-05-02", "label": "Premier coup de pioche"},
    )
    outcome = Outcome.objects.get(publication=pub)
    assert outcome.status == OutcomeStatus.IN_PROGRESS and outcome.progress == 60
    assert outcome.photo.name.startswith("commons/outcomes/")
    public = _text(login(None).get(f"/projets/{pub.slug}/"))
    assert "En cours de réalisation" in public and 'value="60"' in public
    assert "Premier coup de pioche" in public and "45" in public
    assert 'alt="La façade du fablab"' in public
    photo = login(None).get(f"/projets/{pub.slug}/photo/")
    assert photo.status_code == 200 and photo["X-Content-Type-Options"] == "nosniff"
    assert {"outcome.record", "outcome.milestone_add"} <= set(
        AuditLogEntry.objects.values_list("action", flat=True)
    )


def test_follow_up_refusals(world, project, login, publish):
    pub = publish(world, project)
    client = login(world.a.people["municipal_staff"])
    # Abandoned without a reason: the form says why, nothing saved.
    response = client.post(
        f"/publications/{pub.pk}/suivi/", {"status": "abandoned", "progress": "0"}
    )
    assert response.status_code == 400 and "Dites pourquoi" in _text(response)
    assert not Outcome.objects.exists()
    # A disguised file is refused by the upload policy.
    response = client.post(
        f"/publications/{pub.pk}/suivi/",
        {
            "status": "done",
            "progress": "0",
            "photo": SimpleUploadedFile("x.png", b"<html>", "image/png"),
        },
    )
    assert response.status_code == 400 and not Outcome.objects.exists()
    # The coordinator and the members do not report for the commune.
    assert (
        login(world.a.people["coordinator"]).get(f"/publications/{pub.pk}/suivi/").status_code
        == 403
    )
    assert login(project["alice"]).get(f"/publications/{pub.pk}/suivi/").status_code == 403
    assert (
        login(world.b.people["municipal_staff"]).get(f"/publications/{pub.pk}/suivi/").status_code
        == 404
    )


def test_built_is_at_100_and_the_archive_filters_and_rates_it(world, project, login, publish):
    pub = publish(world, project)
    login(world.a.people["municipal_staff"]).post(
        f"/publications/{pub.pk}/suivi/", {"status": "done", "progress": "20"}
    )
    assert Outcome.objects.get().progress == 100
    client = login(None)
    page = _text(client.get("/projets/"))
    assert "1 projet réalisé sur 1 publié (100 %)" in page
    assert pub.team.challenge.title in _text(client.get("/projets/?outcome=done"))
    assert pub.team.challenge.title not in _text(client.get("/projets/?outcome=abandoned"))


def _send(days, closing, capture):
    with capture(execute=True):
        return outcome_reminders_send(today=closing + datetime.timedelta(days=days))


def test_reminders_at_6_12_24_months_once_each(
    world, project, publish, django_capture_on_commit_callbacks
):
    pub = publish(world, project)
    closing = pub.team.cohort.closing
    muni = world.a.people["municipal_staff"]
    mail.outbox.clear()
    capture = django_capture_on_commit_callbacks
    assert _send(100, closing, capture) == 0
    assert _send(190, closing, capture) == 1
    assert _send(191, closing, capture) == 0  # idempotent
    assert set(OutcomeReminder.objects.values_list("months", flat=True)) == {6}
    assert _send(370, closing, capture) == 1
    assert _send(740, closing, capture) == 1
    assert _send(1000, closing, capture) == 0
    assert sorted(OutcomeReminder.objects.values_list("months", flat=True)) == [6, 12, 24]
    assert [m.to for m in mail.outbox] == [[muni.email]] * 3
    assert f"/publications/{pub.pk}/suivi/" in mail.outbox[0].body


def test_a_late_publication_gets_only_its_latest_reminder(
    world, project, publish, django_capture_on_commit_callbacks
):
    pub = publish(world, project)
    closing = pub.team.cohort.closing
    mail.outbox.clear()
    assert _send(400, closing, django_capture_on_commit_callbacks) == 1
    assert sorted(OutcomeReminder.objects.values_list("months", flat=True)) == [6, 12]
    assert "12 mois" in mail.outbox[0].body
