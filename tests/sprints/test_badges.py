"""Point 3 of issue 17: the name badges, a PDF rendered by the workers (A6, or eight an A4
page), each with its check-in QR code that a site's coordinator scans."""

import io

import pypdf
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from curiouslab.accounts.models import OutboxMessage
from sprints.badges import badges_render
from sprints.models import BadgeSheet
from tests.sprints.factories import make_sprint, register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("layout,pages", [("a6", 9), ("eight", 2)])
def test_badges_are_rendered_by_the_worker(client, media, layout, pages):
    sprint = make_sprint()
    for n in range(9):
        register(sprint, "Rennes", n)
    site = sprint.sites["Rennes"]
    client.force_login(sprint.site_coordinators["Rennes"])
    assert (
        client.post(
            reverse("sprints:badges_request", args=[site.pk]), {"layout": layout}
        ).status_code
        == 302
    )
    sheet = BadgeSheet.objects.get(site=site)
    assert sheet.status == "pending"
    (task,) = OutboxMessage.objects.filter(task="sprints.render_badges")
    assert task.kwargs == {"sheet_id": sheet.pk}
    badges_render(**task.kwargs)
    sheet.refresh_from_db()
    assert sheet.status == "ready" and sheet.badge_count == 9
    content = default_storage.open(sheet.file).read()
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert len(reader.pages) == pages
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Agent0 Test" in text and "Ville 0" in text
    # A second run of the task does nothing; the file is served to the coordinator.
    assert badges_render(**task.kwargs).file == sheet.file
    download = client.get(reverse("sprints:badges_download", args=[site.pk, sheet.pk]))
    assert b"".join(download.streaming_content) == content
    # Another site's coordinator gets nothing.
    client.force_login(sprint.site_coordinators["La Réunion"])
    assert (
        client.get(reverse("sprints:badges_download", args=[site.pk, sheet.pk])).status_code == 404
    )


def test_the_badges_qr_code_checks_the_participant_in(client):
    sprint = make_sprint()
    registration = register(sprint, "Rennes", 0)
    url = reverse("sprints:check_in", args=[registration.token])
    client.force_login(sprint.site_coordinators["Rennes"])
    assert "Agent0 Test" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
