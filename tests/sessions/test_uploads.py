"""One upload policy (curiouslab/uploads.py) for every upload field: hostile files on session
material, the programme logo, challenge attachments, deliverables and the students CSV."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from challenges.models import ChallengeAttachment
from cohorts.models import DeliverableFile
from curiouslab.accounts.models import Invitation
from curiouslab.errors import DomainError
from curiouslab.uploads import LOGO_POLICY, check_upload, weasyprint_draws
from documents.models import DocumentBranding
from sessions.models import SessionMaterial
from tests.challenges.factories import ChallengeFactory, on_side
from tests.cohorts import factories as cf
from tests.sessions.factories import SessionFactory

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png(width=40, height=20) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (29, 78, 137)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 16, 46)).save(buffer, "JPEG")
    return buffer.getvalue()


def huge_png(width=30000, height=30000) -> bytes:
    """A valid PNG header announcing ``width × height`` pixels; the data is a few bytes of a
    compressed stream (a decompression bomb would expand to 2.7 GB)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\0" * (width * 3 + 1) * 4)
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "word/document.xml": b"<w:document/>",
            **(extra or {}),
        }
    )


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# (label, file name, content, announced type, what the page says)
HOSTILE_MATERIAL = [
    ("HTML named .pdf", "programme.pdf", HTML, "application/pdf", "type de fichier accepté"),
    (
        "zip with a ../ member",
        "diaporama.docx",
        docx({"../../etc/cron.d/x": b"* * * * * root id"}),
        DOCX_TYPE,
        "chemins dangereux",
    ),
    (
        "zip with an absolute member",
        "diaporama.docx",
        docx({"/etc/passwd": b"root"}),
        DOCX_TYPE,
        "chemins dangereux",
    ),
    (
        "zip with a Windows climbing member",
        "diaporama.docx",
        docx({"..\\..\\boot.ini": b"x"}),
        DOCX_TYPE,
        "chemins dangereux",
    ),
    ("plain zip named .docx", "diaporama.docx", zip_bytes({"a.txt": b"a"}), DOCX_TYPE, "accepté"),
    ("HTML behind a PNG signature", "plan.png", PNG_SIGNATURE + HTML, "image/png", "lisible"),
    ("30000 × 30000 PNG", "plan.png", huge_png(), "image/png", "mégapixels"),
    ("PNG named .pdf", "plan.pdf", png(), "application/pdf", "ne correspond pas à son nom"),
    ("PDF announced as HTML", "plan.pdf", cf.PDF, "text/html", "Le type annoncé"),
    ("executable", "outil.pdf", b"MZ\x90\x00\x03" + b"\0" * 200, "application/pdf", "accepté"),
]


def _material(client, session, name, content, declared):
    return client.post(
        reverse("sessions:material_upload", args=[session.pk]),
        {"title": "Programme", "file": SimpleUploadedFile(name, content, declared)},
        follow=True,
    )


@pytest.mark.parametrize(("label", "name", "content", "declared", "says"), HOSTILE_MATERIAL)
def test_hostile_session_material_is_refused(cast, login, label, name, content, declared, says):
    session = SessionFactory(cohort=cast.cohort, teams=[cast.team])
    response = _material(login(cast.coordinator), session, name, content, declared)
    assert response.status_code == 200
    assert says in response.content.decode().replace("&#x27;", "'"), label
    assert not SessionMaterial.objects.exists(), label


@pytest.mark.parametrize(
    ("name", "content", "declared", "served_as"),
    [
        ("programme.pdf", cf.PDF, "application/pdf", "application/pdf"),
        ("plan.png", png(), "image/png", "image/png"),
        ("diaporama.docx", docx(), DOCX_TYPE, DOCX_TYPE),
    ],
)
def test_genuine_session_material_is_stored_and_served_as_what_it_is(
    cast, login, name, content, declared, served_as
):
    session = SessionFactory(cohort=cast.cohort, teams=[cast.team])
    _material(login(cast.coordinator), session, name, content, declared)
    material = SessionMaterial.objects.get()
    download = login(cast.student).get(
        reverse("sessions:material_download", args=[session.pk, material.pk])
    )
    assert download["Content-Type"] == served_as
    assert b"".join(download.streaming_content) == content


# --- The programme's logo -------------------------------------------------------------------


def _logo(client, programme, name, content, declared):
    return client.post(
        reverse("documents:templates", args=[programme.pk]),
        {
            "primary_color": "#1d4e89",
            "accent_color": "#c8102e",
            "signatory_name": "Marie Curie",
            "signatory_title": "Présidente",
            "logo": SimpleUploadedFile(name, content, declared),
        },
    )


@pytest.mark.parametrize(
    ("label", "name", "content", "declared", "says"),
    [
        ("HTML behind a PNG signature", "logo.png", PNG_SIGNATURE + HTML, "image/png", "lisible"),
        ("30000 × 30000 PNG", "logo.png", huge_png(), "image/png", "mégapixels"),
        ("5000 × 5000 PNG", "logo.png", huge_png(5000, 5000), "image/png", "mégapixels"),
        ("HTML", "logo.html", HTML, "text/html", "type de fichier accepté"),
        ("SVG with a script", "logo.png", b"<svg><script>x</script></svg>", "image/png", "accepté"),
        ("JPEG named .png", "logo.png", jpeg(), "image/png", "ne correspond pas à son nom"),
        ("PDF", "logo.pdf", cf.PDF, "application/pdf", "accepté"),
    ],
)
def test_hostile_logo_is_refused(world, login, label, name, content, declared, says):
    response = _logo(
        login(world.a.people["coordinator"]), world.a.programme, *[name, content, declared]
    )
    assert response.status_code == 400
    assert says in response.content.decode().replace("&#x27;", "'"), label
    assert not DocumentBranding.objects.filter(programme=world.a.programme).exclude(logo="")


def test_genuine_logo_is_saved_and_printed(world, login):
    response = _logo(
        login(world.a.people["coordinator"]), world.a.programme, "logo.png", png(), "image/png"
    )
    assert response.status_code == 302
    branding = DocumentBranding.objects.get(programme=world.a.programme)
    assert branding.logo.read() == png()


def test_weasyprint_check_tells_a_drawn_image_from_a_dropped_one():
    assert weasyprint_draws(png(), "image/png")
    assert weasyprint_draws(jpeg(), "image/jpeg")
    assert not weasyprint_draws(PNG_SIGNATURE + HTML, "image/png")


def test_logo_pixel_limit_is_checked_before_decoding():
    """The 30000 × 30000 PNG is refused on its header: decoding it would take 2.7 GB."""
    with pytest.raises(DomainError, match="mégapixels"):
        check_upload(SimpleUploadedFile("logo.png", huge_png(), "image/png"), LOGO_POLICY)


# --- The other fields use the same checks ---------------------------------------------------


def test_challenge_attachment_refuses_image_bomb_and_climbing_office_file(world, login):
    staff = world.a.people["municipal_staff"]
    challenge = ChallengeFactory(**on_side(world.a))
    url = reverse("challenges:attachment_add", kwargs={"pk": challenge.pk})
    client = login(staff)
    for name, content, declared in [
        ("plan.png", huge_png(), "image/png"),
        ("cr.docx", docx({"../x": b"x"}), DOCX_TYPE),
        ("plan.png", PNG_SIGNATURE + HTML, "image/png"),
    ]:
        client.post(url, {"file": SimpleUploadedFile(name, content, declared)})
    assert not ChallengeAttachment.objects.exists()


def test_deliverable_refuses_image_bomb(world, login):
    team = cf.team(world.a.cohort)
    student = cf.student(world.a.school, "design")
    cf.add_member(team, student, world.a.school, "design")
    milestone = cf.milestone(world.a.cohort)
    ok = login(student).post(
        reverse("cohorts:deliverable_submit", args=[team.pk, milestone.pk]),
        {"note": "v0", "files": [SimpleUploadedFile("plan.png", png(), "image/png")]},
    )
    assert ok.status_code == 302 and DeliverableFile.objects.count() == 1
    DeliverableFile.objects.all().delete()
    login(student).post(
        reverse("cohorts:deliverable_submit", args=[team.pk, milestone.pk]),
        {"note": "v1", "files": [SimpleUploadedFile("plan.png", huge_png(), "image/png")]},
    )
    assert not DeliverableFile.objects.exists()


def test_students_csv_goes_through_the_policy(world, login):
    enrolment = cf.enrol(world.a.cohort, world.a.school)
    response = login(world.a.people["school_referent"]).post(
        reverse("cohorts:student_import", args=[enrolment.pk]),
        {"file": SimpleUploadedFile("eleves.csv", HTML, "text/csv")},
    )
    assert response.status_code == 400
    assert "type de fichier accepté" in response.content.decode().replace("&#x27;", "'")
    assert not Invitation.objects.exists()
