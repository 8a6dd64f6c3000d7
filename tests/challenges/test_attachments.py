import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from challenges import services
from challenges.models import ChallengeAttachment
from curiouslab.errors import DomainError
from tests.challenges.factories import (
    HTML_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    ChallengeFactory,
    on_side,
    pdf_upload,
    submitted,
)

pytestmark = pytest.mark.django_db


def _upload(client, challenge, upload):
    url = reverse("challenges:attachment_add", kwargs={"pk": challenge.pk})
    return client.post(url, {"file": upload}, follow=True)


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_pdf_attachment_is_stored_and_downloaded_as_an_attachment(world, login, staff):
    challenge = ChallengeFactory(**on_side(world.a))
    response = _upload(login(staff), challenge, pdf_upload("Plan du quartier.pdf"))
    assert "Le fichier a été joint." in _messages(response)
    attachment = ChallengeAttachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert not attachment.file.name.endswith("Plan du quartier.pdf")  # never the user's name
    download = login(staff).get(
        reverse("challenges:attachment_download", kwargs={"pk": attachment.pk})
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Plan" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_image_named_like_a_pdf_is_refused(world, staff):
    """One upload policy (curiouslab/uploads.py): the name must agree with the bytes."""
    challenge = ChallengeFactory(**on_side(world.a))
    with pytest.raises(DomainError, match="ne correspond pas à son nom"):
        services.attachment_add(
            challenge=challenge,
            actor=staff,
            upload=SimpleUploadedFile("photo.pdf", PNG_BYTES, content_type="application/pdf"),
        )
    assert not ChallengeAttachment.objects.exists()


def test_html_disguised_as_pdf_is_refused(world, login, staff):
    challenge = ChallengeFactory(**on_side(world.a))
    fake = SimpleUploadedFile("rapport.pdf", HTML_BYTES, content_type="application/pdf")
    response = _upload(login(staff), challenge, fake)
    assert any("n'est pas un type de fichier accepté" in m for m in _messages(response))
    assert not ChallengeAttachment.objects.exists()


def test_oversize_attachment_is_refused(world, login, staff, monkeypatch):
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 50)
    challenge = ChallengeFactory(**on_side(world.a))
    big = pdf_upload("gros.pdf", PDF_BYTES + b"0" * 100)
    response = _upload(login(staff), challenge, big)
    assert any("« gros.pdf » dépasse les" in m for m in _messages(response))
    assert not ChallengeAttachment.objects.exists()


def test_empty_upload_is_refused(world, login, staff):
    challenge = ChallengeFactory(**on_side(world.a))
    response = _upload(login(staff), challenge, SimpleUploadedFile("vide.pdf", b""))
    assert not ChallengeAttachment.objects.exists()
    assert _messages(response)


@pytest.mark.parametrize(
    ("persona", "on_draft", "on_submitted"),
    [
        ("municipal_staff", 200, 200),
        ("coordinator", 404, 200),
        ("other_municipal_staff", 404, 404),
        ("other_coordinator", 404, 404),
        ("student", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_attachment_download_by_persona(world, login, staff, persona, on_draft, on_submitted):
    draft = ChallengeFactory(**on_side(world.a))
    pending = submitted(**on_side(world.a))
    a_draft = services.attachment_add(challenge=draft, actor=staff, upload=pdf_upload())
    a_pending = services.attachment_add(challenge=pending, actor=staff, upload=pdf_upload())
    client = login(world.persona(persona))
    url = "challenges:attachment_download"
    assert client.get(reverse(url, kwargs={"pk": a_draft.pk})).status_code == on_draft
    assert client.get(reverse(url, kwargs={"pk": a_pending.pk})).status_code == on_submitted


def test_attachment_delete_by_another_municipality_is_404(world, login, staff):
    challenge = ChallengeFactory(**on_side(world.a))
    attachment = services.attachment_add(challenge=challenge, actor=staff, upload=pdf_upload())
    url = reverse("challenges:attachment_delete", kwargs={"pk": attachment.pk})
    assert login(world.b.people["municipal_staff"]).post(url).status_code == 404
    assert ChallengeAttachment.objects.filter(pk=attachment.pk).exists()
    assert login(staff).post(url).status_code == 302
    assert not ChallengeAttachment.objects.filter(pk=attachment.pk).exists()


def _docx(extra: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", b"<w:document/>")
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bomb_disguised_as_word_document_is_refused(world, login, staff):
    challenge = ChallengeFactory(**on_side(world.a))
    bomb = _docx({"word/media/padding.bin": b"\0" * (60 * 1024 * 1024)})  # ~60 kB, 60 MB expanded
    assert len(bomb) < 200_000
    upload = SimpleUploadedFile("compte-rendu.docx", bomb, content_type="application/msword")
    response = _upload(login(staff), challenge, upload)
    assert any("trop" in m for m in _messages(response))  # "… se décompresse beaucoup trop …"
    assert not ChallengeAttachment.objects.exists()


def test_word_document_is_accepted(world, login, staff):
    challenge = ChallengeFactory(**on_side(world.a))
    upload = SimpleUploadedFile("compte-rendu.docx", _docx({}), content_type="application/msword")
    _upload(login(staff), challenge, upload)
    attachment = ChallengeAttachment.objects.get()
    assert attachment.extension == "docx"
