"""Kickoff scenarios and their selection; versioned deliverables, uploads and downloads."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import timezone

from cohorts import services, uploads
from cohorts.models import (
    DeliverableFile,
    DeliverableVersion,
    KickoffScenario,
    ScenarioFile,
)
from curiouslab.accounts.models import AuditLogEntry
from curiouslab.errors import DomainError
from tests.cohorts import factories as f

pytestmark = pytest.mark.django_db


def test_student_hands_in_scenario_with_file(setup, login):
    client = login(setup.student)
    response = client.post(
        f"/cohorts/teams/{setup.team.pk}/scenario/",
        {
            "text": "Une halle ouverte le soir avec des producteurs locaux.",
            "files": [SimpleUploadedFile("plan.pdf", f.PDF, "application/pdf")],
        },
    )
    assert response.status_code == 302
    scenario = KickoffScenario.objects.get(team=setup.team)
    stored = scenario.files.get()
    assert stored.content_type == "application/pdf"
    assert stored.path.startswith(f"cohorts/scenarios/{setup.team.pk}/")
    assert "plan" not in stored.path  # stored under a name we chose
    with default_storage.open(stored.path) as fh:
        assert fh.read() == f.PDF
    # A student of another team cannot write this team's scenario.
    assert login(setup.student2).get(f"/cohorts/teams/{setup.team.pk}/scenario/").status_code == 404


def test_scenario_refused_after_kickoff(setup):
    setup.cohort.kickoff = timezone.localdate() - datetime.timedelta(days=1)
    setup.cohort.save()
    with pytest.raises(DomainError, match="jour du lancement"):
        services.scenario_save(team=setup.team, actor=setup.student, text="Trop tard", files=[])


def test_municipality_sees_side_by_side_and_selects(
    setup, login, mailoutbox, django_capture_on_commit_callbacks
):
    rival = f.team(setup.cohort, "Les Rivaux", challenge=setup.challenge)
    mine = f.scenario(setup.team, setup.challenge, "Une halle ouverte le soir.")
    f.scenario(rival, setup.challenge, "Un marché flottant sur la Seine.")
    url = f"/cohorts/challenges/{setup.challenge.pk}/scenarios/"
    body = login(setup.muni_staff).get(url).content.decode()
    assert "Une halle ouverte le soir." in body and "Un marché flottant" in body
    assert "Retenir ce scénario" in body
    # Not the challenge's municipality: nothing to see, nothing to select.
    assert login(setup.other_muni_staff).get(url).status_code == 404
    assert (
        login(setup.other_muni_staff).post(f"/cohorts/scenarios/{mine.pk}/select/").status_code
        == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(setup.muni_staff).post(f"/cohorts/scenarios/{mine.pk}/select/")
    assert response.status_code == 302
    mine.refresh_from_db()
    setup.team.refresh_from_db()
    assert mine.selected and mine.selected_by == setup.muni_staff
    assert setup.team.challenge == setup.challenge
    assert setup.team.challenge_bound_at is not None
    assert AuditLogEntry.objects.filter(action="scenario.select").count() == 1
    recipients = {to for m in mailoutbox for to in m.to}
    assert {setup.student.email, setup.coordinator.email} <= recipients
    assert "développera son scénario" in mailoutbox[0].subject
    # Bound: the coordinator can no longer move the team to another challenge.
    response = login(setup.coordinator).post(
        f"/cohorts/teams/{setup.team.pk}/challenge/",
        {"challenge": setup.challenge2.pk},
        follow=True,
    )
    assert "liée à son défi" in response.content.decode()
    setup.team.refresh_from_db()
    assert setup.team.challenge == setup.challenge


def _submit(client, team, milestone, files=(), links=""):
    return client.post(
        f"/cohorts/teams/{team.pk}/milestones/{milestone.pk}/submit/",
        {"note": "Nouvelle maquette", "links": links, "files": list(files)},
        follow=True,
    )


def test_versions_are_kept_and_frozen_after_deadline(setup, login):
    milestone = f.milestone(setup.cohort, days=5)
    client = login(setup.student)
    _submit(client, setup.team, milestone, [SimpleUploadedFile("v1.png", f.PNG, "image/png")])
    response = _submit(client, setup.team, milestone, links="https://example.org/prototype")
    assert "La version 2 a été déposée" in response.content.decode()
    versions = DeliverableVersion.objects.filter(deliverable__team=setup.team).order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].files.count() == 1 and versions[1].links == ["https://example.org/prototype"]
    milestone.deadline = timezone.now() - datetime.timedelta(minutes=1)
    milestone.save()
    response = _submit(client, setup.team, milestone, links="https://example.org/v3")
    assert "le livrable est figé" in response.content.decode()
    assert versions.all().count() == 2
    # The coordinator extends the deadline for this team only.
    until = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = login(setup.coordinator).post(
        f"/cohorts/teams/{setup.team.pk}/milestones/{milestone.pk}/extend/",
        {"until": until, "reason": "Stage en entreprise"},
        follow=True,
    )
    assert "L&#x27;échéance a été prolongée" in response.content.decode()
    response = _submit(login(setup.student), setup.team, milestone, links="https://example.org/v3")
    assert "La version 3 a été déposée" in response.content.decode()
    assert versions.all().count() == 3
    # The other team has no extension: still frozen.
    with pytest.raises(DomainError):
        services.deliverable_submit(
            team=setup.team2, milestone=milestone, actor=setup.student2, links=["https://x.org"]
        )


def test_only_team_members_submit(setup, login):
    milestone = f.milestone(setup.cohort)
    url = f"/cohorts/teams/{setup.team.pk}/milestones/{milestone.pk}/submit/"
    assert login(setup.coach).post(url, {"links": "https://x.org"}).status_code == 403
    assert login(setup.student2).post(url, {"links": "https://x.org"}).status_code == 404
    assert not DeliverableVersion.objects.exists()


def test_comments_by_coach_municipality_coordinator_only(
    setup, login, mailoutbox, django_capture_on_commit_callbacks
):
    milestone = f.milestone(setup.cohort)
    version = f.version(setup.team, milestone, by=setup.student)
    url = f"/cohorts/versions/{version.pk}/comment/"
    for person in (setup.coach, setup.muni_staff, setup.coordinator):
        with django_capture_on_commit_callbacks(execute=True):
            assert login(person).post(url, {"text": "Belle progression."}).status_code == 302
    assert version.comments.count() == 3
    assert mailoutbox[0].to == [setup.student.email]
    assert login(setup.student).post(url, {"text": "x"}).status_code == 403
    assert login(setup.other_muni_staff).post(url, {"text": "x"}).status_code == 404
    assert login(setup.referent2).post(url, {"text": "x"}).status_code == 404
    assert version.comments.count() == 3
    page = (
        login(setup.student)
        .get(f"/cohorts/teams/{setup.team.pk}/milestones/{milestone.pk}/")
        .content.decode()
    )
    assert "Belle progression." in page


# --- Uploads: the hostile corpus ----------------------------------------------------------

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def _bomb() -> bytes:
    return f.zip_bytes({"vide.bin": b"\0" * (20 * 1024 * 1024)})


NOT_ACCEPTED = "type de fichier accepté"
HOSTILE = [
    ("script SVG", "dessin.svg", SVG, "image/svg+xml", NOT_ACCEPTED),
    ("script SVG named png", "dessin.png", SVG, "image/png", NOT_ACCEPTED),
    ("HTML disguised as PNG", "photo.png", HTML, "image/png", NOT_ACCEPTED),
    ("HTML", "page.html", HTML, "text/html", NOT_ACCEPTED),
    ("zip bomb", "archive.zip", None, "application/zip", "trop important"),
    ("PDF named as an image", "photo.jpg", f.PDF, "image/jpeg", "ne correspond pas à son nom"),
    ("spoofed content type", "maquette.png", f.PNG, "text/html", "Le type annoncé"),
    ("executable", "outil.pdf", b"MZ\x90\x00\x03" + b"\0" * 200, "application/pdf", NOT_ACCEPTED),
    ("traversal zip", "malin.zip", None, "application/zip", "chemins dangereux"),
]


@pytest.mark.parametrize(("label", "name", "content", "declared", "message"), HOSTILE)
def test_hostile_file_is_rejected(setup, login, label, name, content, declared, message):
    if label == "zip bomb":
        content = _bomb()
    elif label == "traversal zip":
        content = f.zip_bytes({"../../etc/cron.d/x": b"* * * * * root id"})
    milestone = f.milestone(setup.cohort)
    response = _submit(
        login(setup.student), setup.team, milestone, [SimpleUploadedFile(name, content, declared)]
    )
    assert response.status_code == 200
    assert message in response.content.decode(), label
    assert not DeliverableVersion.objects.exists(), label
    assert not DeliverableFile.objects.exists(), label


@pytest.mark.parametrize("raw", ["../../etc/passwd.pdf", "..\\..\\boot.pdf", "a/b.pdf", ".."])
def test_path_traversal_names_are_rejected(raw):
    upload = SimpleUploadedFile("x.pdf", f.PDF, "application/pdf")
    upload._name = raw  # bypass Django's own basename cleaning to test ours
    with pytest.raises(DomainError, match="n'est pas autorisé"):
        uploads.check_upload(upload)


def test_path_traversal_name_through_the_form_lands_inside_storage(setup, login):
    milestone = f.milestone(setup.cohort)
    _submit(
        login(setup.student),
        setup.team,
        milestone,
        [SimpleUploadedFile("../../../etc/rapport.pdf", f.PDF, "application/pdf")],
    )
    stored = DeliverableFile.objects.get()
    assert ".." not in stored.path and "/" not in stored.original_name
    assert stored.path.startswith(f"cohorts/deliverables/{setup.team.pk}/")


def test_oversize_file_is_rejected(setup, login, settings):
    settings.COHORTS_MAX_UPLOAD_BYTES = 1024
    milestone = f.milestone(setup.cohort)
    big = f.PDF + b"%" * 2048
    response = _submit(
        login(setup.student), setup.team, milestone, [SimpleUploadedFile("gros.pdf", big)]
    )
    assert "« gros.pdf » dépasse les" in response.content.decode()
    assert not DeliverableFile.objects.exists()


def test_upload_is_streamed_not_read_whole(setup):
    """The check reads only the head of the file; storage copies it in chunks."""
    import io

    reads = []

    class SpyIO(io.BytesIO):
        def read(self, size=-1):
            reads.append(size)
            return super().read(size)

    data = f.PDF + b"0" * (3 * 1024 * 1024)
    upload = SimpleUploadedFile("grand.pdf", b"", "application/pdf")
    upload.file = SpyIO(data)
    upload.size = len(data)
    uploads.check_upload(upload)
    assert reads and all(size is not None and 0 < size <= 8192 for size in reads), reads
    # Large uploads arrive as temporary files (FILE_UPLOAD_MAX_MEMORY_SIZE): storage moves or
    # copies them in chunks.
    big = TemporaryUploadedFile("grand.pdf", "application/pdf", len(data), None)
    big.write(data)
    big.seek(0)
    path = uploads.store(uploads.check_upload(big), folder="cohorts/test")
    assert default_storage.size(path) == len(data)


def test_office_document_and_text_accepted(setup):
    docx = f.zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    checked = uploads.check_upload(
        SimpleUploadedFile(
            "rapport.docx",
            docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    )
    assert checked.content_type.endswith("wordprocessingml.document")
    text = uploads.check_upload(SimpleUploadedFile("notes.txt", "Idées : un café.".encode()))
    assert text.content_type == "text/plain"


# --- Downloads ----------------------------------------------------------------------------


def _download(client, stored):
    url = (
        f"/cohorts/files/{stored.pk}/"
        if isinstance(stored, DeliverableFile)
        else f"/cohorts/scenarios/files/{stored.pk}/"
    )
    return client.get(url)


def test_download_headers_inline_image_and_attachment_otherwise(setup, login):
    milestone = f.milestone(setup.cohort)
    version = f.version(setup.team, milestone)
    png = f.stored(DeliverableFile, version=version)
    archive = f.stored(
        DeliverableFile,
        f.zip_bytes({"a.txt": b"a"}),
        "sources.zip",
        "application/zip",
        version=version,
    )
    client = login(setup.coach)
    response = _download(client, png)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == f.PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    response = _download(client, archive)
    assert response["Content-Disposition"] == 'attachment; filename="sources.zip"'
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_download_personas(setup, login):
    milestone = f.milestone(setup.cohort)
    version = f.version(setup.team, milestone)
    stored = f.stored(DeliverableFile, version=version)
    scenario = f.scenario(setup.team, setup.challenge)
    scenario_file = f.stored(ScenarioFile, f.PDF, "s.pdf", "application/pdf", scenario=scenario)
    for person in (setup.student, setup.coach, setup.muni_staff, setup.referent, setup.coordinator):
        assert _download(login(person), stored).status_code == 200
        assert _download(login(person), scenario_file).status_code == 200
    for person in (setup.student2, setup.referent2, setup.other_muni_staff):
        assert _download(login(person), stored).status_code == 404
        assert _download(login(person), scenario_file).status_code == 404
    assert _download(login(None), stored).status_code == 302
