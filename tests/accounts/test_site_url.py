"""Addresses follow the server: every absolute link comes from SITE_URL through
``curiouslab.site.absolute_url``, ``make demo`` sets SITE_URL to the address it serves, and a
system check warns when SITE_URL's host is not in ALLOWED_HOSTS."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.core.files.storage import default_storage
from django.urls import reverse

from cohorts.models import CoachAssignment
from curiouslab.mail import render_mail
from curiouslab.site import absolute_url
from documents import services as document_services
from sessions.services import checkin_url, feed_regenerate
from tests.sessions.conftest import cast  # noqa: F401 - fixture
from tests.sessions.factories import running

ROOT = Path(__file__).resolve().parents[2]
LAB = "https://lab.example.org:8443"

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab(settings):
    settings.SITE_URL = LAB
    settings.ALLOWED_HOSTS = ["lab.example.org", "testserver"]
    return settings


# --- make demo -----------------------------------------------------------------------------
def _demo_env(*args: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "ALLOWED_HOSTS")}
    out = subprocess.run(
        ["make", "-s", "demo-env", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return dict(line.split("=", 1) for line in out.stdout.splitlines())


def test_make_demo_sets_site_url_to_the_address_it_serves():
    assert _demo_env()["SITE_URL"] == "http://127.0.0.1:8000"
    env = _demo_env("PORT=8123", "HOST=lab.local")
    assert env["SITE_URL"] == "http://lab.local:8123"
    assert "lab.local" in env["ALLOWED_HOSTS"].split(",")


def test_make_demo_serves_on_the_port_its_links_name():
    out = subprocess.run(
        ["make", "-n", "demo", "PORT=8123"], cwd=ROOT, capture_output=True, text=True
    )
    assert "runserver 127.0.0.1:8123" in out.stdout


# --- The check at start --------------------------------------------------------------------
def _site_warnings() -> list[checks.CheckMessage]:
    return [m for m in checks.run_checks() if m.id == "curiouslab.W001"]


def test_check_is_silent_when_site_url_host_is_allowed(lab):
    assert _site_warnings() == []


def test_check_warns_when_site_url_host_is_not_allowed(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    settings.ALLOWED_HOSTS = ["curiouslab.example.org"]
    (warning,) = _site_warnings()
    assert warning.level == checks.WARNING
    assert "127.0.0.1" in warning.msg and "ALLOWED_HOSTS" in warning.msg


def test_manage_py_check_prints_the_warning_at_start():
    env = {**os.environ, "SITE_URL": "http://elsewhere.example", "DEBUG": "true"}
    env.pop("ALLOWED_HOSTS", None)
    out = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "curiouslab.W001" in out.stderr + out.stdout
    assert "elsewhere.example" in out.stderr + out.stdout


# --- Every link from one place -------------------------------------------------------------
def test_absolute_url_joins_site_url_and_path(lab):
    assert absolute_url("/verify/ABC/") == f"{LAB}/verify/ABC/"
    assert absolute_url("verify/") == f"{LAB}/verify/"


def test_invitation_link_follows_site_url(
    lab, world, login, mailoutbox, django_capture_on_commit_callbacks
):
    client = login(world.a.people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:invitation_list"),
            {
                "organisation": world.a.municipality.pk,
                "role": "municipal_staff",
                "email": "agent@ville-a.fr",
                "first_name": "Inès",
                "last_name": "Robert",
                "language": "fr",
            },
        )
    (message,) = mailoutbox
    assert f"{LAB}/me/invitations/accept/" in message.body


def test_password_reset_link_follows_site_url_not_the_request_host(
    lab, world, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": world.a.people["student"].email})
    (message,) = mailoutbox
    assert f"{LAB}/accounts/password/reset/key/" in message.body
    assert "http://testserver" not in message.body


def test_checkin_qr_code_points_at_site_url(lab, cast, login):  # noqa: F811
    session = running(cohort=cast.cohort, teams=[cast.team], in_charge=[cast.coach])
    assert checkin_url(session).startswith(f"{LAB}/sessions/")
    page = login(cast.coach).get(reverse("sessions:checkin_code", args=[session.pk])).text
    assert checkin_url(session) in page


def test_calendar_feed_address_follows_site_url(lab, cast, login):  # noqa: F811
    feed = feed_regenerate(user=cast.student)
    page = login(cast.student).get(reverse("sessions:mine")).text
    assert absolute_url(reverse("sessions:feed", args=[feed.token])) in page
    assert f"{LAB}/sessions/feed/" in page


def test_cohort_emails_link_to_site_url(lab, cast):  # noqa: F811
    assignment = CoachAssignment.objects.get(team=cast.team)
    _subject, body, _html = render_mail(
        template="cohorts/email/coach_assigned",
        context={"team": assignment.team, "recipient": cast.coach},
        language="fr",
    )
    assert f"{LAB}/cohorts/" in body


def test_verification_address_on_the_pdf_follows_site_url(
    lab, docworld, django_capture_on_commit_callbacks
):
    import pypdf

    with django_capture_on_commit_callbacks(execute=True):
        (doc,) = document_services.documents_issue(
            cohort=docworld.a.cohort, kind="diploma", actor=docworld.a.people["coordinator"]
        )
    doc.refresh_from_db()
    with default_storage.open(doc.file, "rb") as fh:
        reader = pypdf.PdfReader(io.BytesIO(fh.read()))
    text = "".join("".join(page.extract_text() for page in reader.pages).split())
    assert f"lab.example.org:8443/verify/{doc.verification_code}" in text
    assert document_services.verify_url(doc.verification_code) == (
        f"{LAB}/verify/{doc.verification_code}/"
    )


def test_audience_vote_qr_code_points_at_site_url(lab, world, login):
    from sessions.models import Attendance
    from tests.trophies.factories import ClosingSessionFactory, ready_jury

    session = ClosingSessionFactory(cohort=world.a.cohort)
    jury, _m, _f, _c = ready_jury(world.a.cohort, closing_session=session, audience_award=True)
    Attendance.objects.create(
        session=session, user=world.a.people["student"], method="qr_code", present=True
    )
    page = login(world.a.people["coordinator"]).get(reverse("trophies:audience_qr", args=[jury.pk]))
    assert f"{LAB}/jury/{jury.pk}/audience/" in page.content.decode()
