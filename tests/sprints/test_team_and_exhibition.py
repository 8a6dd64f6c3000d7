"""Point 4 of issue 17: the team's page (options examined, the one retained and validated by
the challenge's owner, the prototype's files) and the exhibition (a stand QR code, one
feedback per participant and stand, counted live for the team)."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from sprints import services
from sprints.models import Feedback, Option, PrototypeFile
from tests.challenges.factories import HTML_BYTES, PNG_BYTES
from tests.sprints.factories import make_sprint, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()


def _placed(sprint, n, stand):
    registration = register(sprint, "Rennes", n)
    registration.team = stand.team
    registration.save(update_fields=["team"])
    return registration


def _open_pass(client, registration):
    assert (
        client.get(reverse("sprints:pass", args=[services.pass_token(registration)])).status_code
        == 200
    )


def test_participants_examine_options_retain_one_and_the_owner_validates_it(client, media):
    sprint = make_sprint()
    stand = sprint.challenges["Rennes"][0]
    me = _placed(sprint, 0, stand)
    _open_pass(client, me)
    team_url = reverse("sprints:team", args=[stand.team_id])
    assert client.get(team_url).status_code == 200
    client.post(reverse("sprints:option_add", args=[stand.team_id]), {"title": "Un guichet unique"})
    client.post(reverse("sprints:option_add", args=[stand.team_id]), {"title": "Une application"})
    first, second = Option.objects.filter(team=stand.team)
    client.post(reverse("sprints:option_retain", args=[stand.team_id, second.pk]))
    client.post(reverse("sprints:option_retain", args=[stand.team_id, first.pk]))
    assert list(Option.objects.filter(team=stand.team, retained=True)) == [first]
    # A participant cannot validate: only the challenge's owner.
    assert client.post(
        reverse("sprints:option_validate", args=[stand.team_id, first.pk]), {"comment": "ok"}
    ).status_code in (302, 404)
    first.refresh_from_db()
    assert first.validated_at is None
    client.force_login(sprint.owner)
    client.post(
        reverse("sprints:option_validate", args=[stand.team_id, first.pk]),
        {"comment": "Répond à notre attente : un seul point d'entrée."},
    )
    first.refresh_from_db()
    assert first.validated_by == sprint.owner and "un seul point" in first.owner_comment
    page = client.get(team_url).content.decode()
    assert "un seul point" in page


def test_the_prototype_takes_photos_and_refuses_a_disguised_file(client, media):
    sprint = make_sprint()
    stand = sprint.challenges["Rennes"][0]
    _open_pass(client, _placed(sprint, 0, stand))
    url = reverse("sprints:prototype_upload", args=[stand.team_id])
    client.post(
        url,
        {"file": SimpleUploadedFile("photo.png", PNG_BYTES, "image/png"), "caption": "Maquette"},
    )
    client.post(url, {"file": SimpleUploadedFile("photo.png", HTML_BYTES, "image/png")})
    (item,) = PrototypeFile.objects.filter(team=stand.team)
    assert item.caption == "Maquette"
    download = client.get(reverse("sprints:prototype_download", args=[stand.team_id, item.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG_BYTES


def test_a_participant_sees_only_their_own_teams_private_page(client):
    sprint = make_sprint()
    mine, other = sprint.challenges["Rennes"][0], sprint.challenges["Rennes"][1]
    _open_pass(client, _placed(sprint, 0, mine))
    assert client.get(reverse("sprints:team", args=[mine.team_id])).status_code == 200
    assert client.get(reverse("sprints:team", args=[other.team_id])).status_code == 404
    assert (
        client.post(reverse("sprints:option_add", args=[other.team_id]), {"title": "x"}).status_code
        == 404
    )
    assert not Option.objects.exists()
    # Without the pass, nobody.
    client.session.flush()
    client.cookies.clear()
    assert client.get(reverse("sprints:team", args=[mine.team_id])).status_code == 404


def test_exhibition_feedback_once_per_participant_and_stand_counted_live(client):
    sprint = make_sprint()
    stand = sprint.challenges["Rennes"][0]
    visitor = _placed(sprint, 1, sprint.challenges["Rennes"][1])
    _open_pass(client, visitor)
    url = reverse("sprints:stand", args=[stand.stand_token])
    assert client.get(url).status_code == 200
    data = {"useful": 4, "usable": 3, "change": "Un formulaire plus court"}
    assert client.post(url, data).status_code == 302
    second = client.post(url, {**data, "useful": 1})
    assert second.status_code == 400 and "déjà laissé un retour" in second.content.decode()
    assert Feedback.objects.filter(stand=stand).count() == 1
    count = client.get(reverse("sprints:stand_count", args=[stand.stand_token])).content.decode()
    assert "1 feedback" in count or "1 retour" in count
    # The database is the judge: a second row is refused even bypassing the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(stand=stand, registration=visitor, useful=1, usable=1)


def test_feedback_refuses_bad_input_and_strangers(client):
    sprint = make_sprint()
    stand = sprint.challenges["Rennes"][0]
    url = reverse("sprints:stand", args=[stand.stand_token])
    # Nobody's pass on this phone.
    assert client.post(url, {"useful": 4, "usable": 4}).status_code == 403
    _open_pass(client, _placed(sprint, 2, sprint.challenges["Rennes"][1]))
    for bad in (
        {"useful": 9, "usable": 4},
        {"useful": 4},
        {"useful": 4, "usable": 4, "change": "x" * 1001},
    ):
        assert client.post(url, bad).status_code == 400
    assert not Feedback.objects.exists()


def test_the_team_page_shows_the_stands_qr_code(client):
    sprint = make_sprint()
    stand = sprint.challenges["Rennes"][0]
    client.force_login(sprint.coordinator)
    page = client.get(reverse("sprints:team", args=[stand.team_id])).content.decode()
    assert "<svg" in page and f"/sprints/stand/{stand.stand_token}/" in page
    assert 'hx-trigger="every 5s"' in page
