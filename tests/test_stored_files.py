"""Issue #20, point 5: nothing left behind. A rolled-back upload takes its files with it, a
failed render or archive leaves no file, and ``storage_sweep`` lists (by default) or deletes
the files older than a day that no row points to, in a local folder and in an S3 bucket."""

from __future__ import annotations

import errno
import io
import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from challenges import services as challenge_services
from challenges.models import ChallengeAttachment
from cohorts import services as cohort_services
from cohorts.models import DeliverableFile, DeliverableVersion
from curiouslab import pdf, storedfiles
from documents import services as document_services
from documents.models import Document, DocumentArchive, DocumentKind, DocumentStatus
from tests.challenges.factories import ChallengeFactory, on_side, pdf_upload
from tests.cohorts import factories as cf

pytestmark = pytest.mark.django_db


def files_in(folder) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(d, f), folder) for d, _s, fs in os.walk(folder) for f in fs
    )


def disk_full_after(monkeypatch, saves: int, *, partial: bytes = b""):
    """Storage saves fail with ENOSPC after ``saves`` successful ones, having written
    ``partial`` bytes of the file, as a full disk does."""
    real = FileSystemStorage._save
    left = {"n": saves}

    def _save(self, name, content):
        if left["n"] > 0:
            left["n"] -= 1
            return real(self, name, content)
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(partial)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", _save)


# --- Rolled back: the files go with the rows ------------------------------------------------


def test_attachment_rolled_back_leaves_no_file(world, media, monkeypatch):
    challenge = ChallengeFactory(**on_side(world.a))
    staff = world.a.people["municipal_staff"]

    def audit_fails(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(challenge_services, "audit_log", audit_fails)
    with pytest.raises(RuntimeError):
        challenge_services.attachment_add(challenge=challenge, actor=staff, upload=pdf_upload())
    assert not ChallengeAttachment.objects.exists()
    assert files_in(media) == []
    monkeypatch.undo()
    attachment = challenge_services.attachment_add(
        challenge=challenge, actor=staff, upload=pdf_upload()
    )
    assert files_in(media) == [attachment.file.name]


def test_deliverable_whose_second_file_fails_keeps_neither(world, media, monkeypatch):
    team = cf.team(world.a.cohort)
    student = cf.student(world.a.school, "design")
    cf.add_member(team, student, world.a.school, "design")
    milestone = cf.milestone(world.a.cohort)
    disk_full_after(monkeypatch, 1, partial=b"\x89PNG")
    uploads = [SimpleUploadedFile(f"plan{i}.png", cf.PNG, "image/png") for i in (1, 2)]
    with pytest.raises(OSError, match="No space left"):
        cohort_services.deliverable_submit(
            team=team, milestone=milestone, actor=student, files=uploads
        )
    assert not DeliverableVersion.objects.exists() and not DeliverableFile.objects.exists()
    assert files_in(media) == []


def test_files_of_an_inner_block_go_when_the_outer_one_rolls_back(media):
    storage = FileSystemStorage(location=media)
    with pytest.raises(ZeroDivisionError), storedfiles.files_atomic():
        with storedfiles.files_atomic():
            storedfiles.delete_on_rollback(storage.save("a.txt", io.BytesIO(b"a")), storage)
        assert files_in(media) == ["a.txt"]  # the inner block committed
        1 / 0  # noqa: B018 -- the outer block fails
    assert files_in(media) == []
    with storedfiles.files_atomic():
        storedfiles.delete_on_rollback(storage.save("b.txt", io.BytesIO(b"b")), storage)
    assert files_in(media) == ["b.txt"]
    with pytest.raises(RuntimeError, match="files_atomic"):
        storedfiles.delete_on_rollback("c.txt", storage)


# --- Failed renders and archives leave no file ----------------------------------------------


def _issue(w, capture):
    with capture(execute=True):
        return document_services.documents_issue(
            cohort=w.a.cohort, kind=DocumentKind.DIPLOMA, actor=w.a.people["coordinator"]
        )


def test_render_on_a_full_disk_leaves_no_truncated_file(
    docworld, media, monkeypatch, django_capture_on_commit_callbacks, settings
):
    settings.DOCUMENTS_AUTO_RETRIES = 0
    disk_full_after(monkeypatch, 0, partial=b"%PDF-1.7 truncat")
    created = _issue(docworld, django_capture_on_commit_callbacks)
    docs = Document.objects.filter(pk__in=[d.pk for d in created])
    assert {d.status for d in docs} == {DocumentStatus.FAILED}
    assert all("No space left" in d.error for d in docs)
    assert not [name for name in files_in(media) if name.startswith("documents/")]


def test_render_failing_after_an_earlier_try_wrote_its_file_removes_it(
    docworld, media, monkeypatch, settings
):
    """An earlier try stored the PDF, then lost the database before marking the row ready;
    this try fails for good: no file stays at a path no row points to."""
    settings.DOCUMENTS_AUTO_RETRIES = 0
    created = document_services.documents_issue(
        cohort=docworld.a.cohort, kind=DocumentKind.DIPLOMA, actor=None, dispatch=False
    )
    left = media / document_services.storage_path(created[0])
    left.parent.mkdir(parents=True)
    left.write_bytes(b"%PDF-1.7 from the first try")

    def broken(**kwargs):
        raise pdf.TemplateError("bad template")

    monkeypatch.setattr(pdf, "render_pdfs", broken)
    monkeypatch.setattr(pdf, "render_pdf", broken)
    assert document_services.documents_render(document_ids=[created[0].pk]) == 0
    assert Document.objects.get(pk=created[0].pk).status == DocumentStatus.FAILED
    assert not left.exists()


def test_failed_archive_leaves_no_partial_zip(
    docworld, media, monkeypatch, django_capture_on_commit_callbacks
):
    _issue(docworld, django_capture_on_commit_callbacks)
    ready = set(files_in(media))
    archive = DocumentArchive.objects.create(cohort=docworld.a.cohort)
    real_open = FileSystemStorage.open

    def open_(self, name, mode="rb"):
        if "r" in mode and name.endswith(".pdf"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(self, name, mode)

    monkeypatch.setattr(FileSystemStorage, "open", open_)
    assert document_services.archive_build(archive_id=archive.pk) is False
    archive.refresh_from_db()
    assert archive.status == DocumentStatus.FAILED and "Permission denied" in archive.error
    assert set(files_in(media)) == ready  # the documents, and no zip


# --- storage_sweep --------------------------------------------------------------------------


def _age(path, days: float) -> None:
    when = time.time() - days * 86400
    os.utime(path, (when, when))


def test_storage_sweep_lists_by_default_and_deletes_old_orphans_only(
    docworld, media, django_capture_on_commit_callbacks
):
    created = _issue(docworld, django_capture_on_commit_callbacks)
    ready = Document.objects.get(pk=created[0].pk)
    attachment = challenge_services.attachment_add(
        challenge=ChallengeFactory(**on_side(docworld.a)),
        actor=docworld.a.people["municipal_staff"],
        upload=pdf_upload(),
    )
    (media / "documents" / "lost.pdf").write_bytes(b"%PDF-1.7 partial")
    (media / "uploads-lost.png").write_bytes(b"\x89PNG")
    (media / "fresh.pdf").write_bytes(b"%PDF-1.7 being written")
    for path in (ready.file, attachment.file.name, "documents/lost.pdf", "uploads-lost.png"):
        _age(media / path, 2)

    out = io.StringIO()
    call_command("storage_sweep", stdout=out)
    assert out.getvalue().splitlines() == [
        "documents/lost.pdf",
        "uploads-lost.png",
        "2 orphan file(s) older than a day found (dry run: --delete removes them).",
    ]
    assert (media / "documents" / "lost.pdf").exists()

    call_command("storage_sweep", "--delete", stdout=io.StringIO())
    left = files_in(media)
    assert "documents/lost.pdf" not in left and "uploads-lost.png" not in left
    assert {ready.file, attachment.file.name, "fresh.pdf"} <= set(left)
    assert (media / ready.file).read_bytes().startswith(b"%PDF")


def test_storage_sweep_in_an_s3_bucket(docworld, django_capture_on_commit_callbacks, media):
    from botocore.stub import Stubber
    from storages.backends.s3 import S3Storage

    created = _issue(docworld, django_capture_on_commit_callbacks)
    kept = Document.objects.get(pk=created[0].pk).file
    storage = S3Storage(
        bucket_name="curiouslab", location="media", access_key="k", secret_key="s",
        region_name="eu-west-3",
    )  # fmt: skip
    old = datetime.now(UTC) - timedelta(days=3)
    client = storage.connection.meta.client
    with Stubber(client) as stub:
        stub.add_response(
            "list_objects",
            {
                "IsTruncated": False,
                "Contents": [
                    {"Key": f"media/{kept}", "LastModified": old, "Size": 10},
                    {"Key": "media/documents/9/diploma/LOST.pdf", "LastModified": old, "Size": 4},
                    {"Key": "media/fresh.pdf", "LastModified": datetime.now(UTC), "Size": 4},
                ],
            },
            {"Bucket": "curiouslab", "Prefix": "media/"},
        )
        stub.add_response(
            "delete_object",
            {},
            {"Bucket": "curiouslab", "Key": "media/documents/9/diploma/LOST.pdf"},
        )
        found = storedfiles.storage_sweep(delete=True, storage=storage)
        stub.assert_no_pending_responses()
    assert found == ["documents/9/diploma/LOST.pdf"]


def test_storage_sweep_runs_daily_with_delete(settings):
    from curiouslab.accounts.tasks import storage_sweep

    entry = settings.CELERY_BEAT_SCHEDULE["accounts-storage-sweep"]
    assert entry["task"] == storage_sweep.name == "accounts.storage_sweep"


def test_render_error_is_not_a_file(
    docworld, media, monkeypatch, django_capture_on_commit_callbacks
):
    """A template that cannot render fails the document at once, and writes nothing."""

    def broken(**kwargs):
        raise pdf.TemplateError("bad template")

    monkeypatch.setattr(pdf, "render_pdfs", broken)
    monkeypatch.setattr(pdf, "render_pdf", broken)
    _issue(docworld, django_capture_on_commit_callbacks)
    assert Document.objects.filter(status=DocumentStatus.FAILED, error_transient=False).exists()
    assert not [name for name in files_in(media) if name.startswith("documents/")]


def test_replaced_logo_leaves_only_the_new_file(
    docworld, media, login, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from documents.models import DocumentBranding

    client = login(docworld.a.people["coordinator"])
    url = reverse("documents:templates", args=[docworld.a.programme.pk])
    for name in ("logo-2025.png", "logo-2026.png"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url,
                {
                    "primary_color": "#1d4e89",
                    "accent_color": "#c8102e",
                    "logo": SimpleUploadedFile(name, cf.PNG, "image/png"),
                },
            )
        assert response.status_code == 302
    logo = DocumentBranding.objects.get(programme=docworld.a.programme).logo
    assert logo.name.endswith("logo-2026.png")
    assert files_in(media / "documents" / "branding") == ["logo-2026.png"]
    assert (media / logo.name).read_bytes() == cf.PNG


def test_sweep_removes_upload_temporary_files_of_processes_gone(settings, tmp_path):
    import subprocess
    import sys

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    mine = os.getpid()
    names = {
        f"upload-{gone}-old.upload.mp4": 2 / 24,  # a process gone two hours ago
        f"upload-{gone}-new.upload.mp4": 0,  # gone a moment ago: its request may be live elsewhere
        f"upload-{mine}-live.upload.mp4": 2 / 24,  # this process is alive
        f"upload-{mine}-ancient.upload.mp4": 2,  # alive, but a day old: no request lasts that long
        "other-tool.tmp": 2,  # not ours
    }
    for name, days in names.items():
        (tmp_path / name).write_bytes(b"x")
        _age(tmp_path / name, days)
    assert storedfiles.remove_upload_temp_files() == 2
    assert sorted(os.listdir(tmp_path)) == sorted(
        [f"upload-{gone}-new.upload.mp4", f"upload-{mine}-live.upload.mp4", "other-tool.tmp"]
    )
