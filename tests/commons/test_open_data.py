"""Point 6 of issue 16 (first part): the archive as CSV and JSON with the visitor's filters,
and the Atom feed of newly published projects; nothing unpublished, no member's name."""

import json

import pytest

from commons.enums import PublicationStatus
from commons.services import consent_set, publication_set_status
from tests.commons.test_public import _published

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def published(world, project, publish):
    pub = publish(world, project)
    consent_set(publication=pub, actor=project["alice"], given=True)
    return pub


def test_csv_and_json_exports_follow_the_filters(world, published, login):
    client = login(None)
    response = client.get("/projets/export.csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("slug,url,title,question")
    assert published.slug in text and "Alice Martin" not in text
    data = json.loads(client.get("/projets/export.json").content)
    assert [p["slug"] for p in data["projects"]] == [published.slug]
    assert data["projects"][0]["url"].endswith(f"/projets/{published.slug}/")
    assert json.loads(client.get("/projets/export.json?theme=culture").content)["projects"] == []
    assert client.get("/projets/export.xml").status_code == 404


def test_csv_cells_are_defused(world, project, publish, login):
    challenge = project["team"].challenge
    challenge.title = '=HYPERLINK("http://evil")'
    challenge.save(update_fields=["title"])
    publish(world, project)
    text = login(None).get("/projets/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_the_feed_lists_published_projects_only(world, published, login):
    client = login(None)
    feed = client.get("/projets/flux.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert f"/projets/{published.slug}/" in body and "Alice Martin" not in body
    publication_set_status(
        publication=published,
        actor=world.a.people["coordinator"],
        status=PublicationStatus.UNPUBLISHED,
    )
    assert f"/projets/{published.slug}/" not in client.get("/projets/flux.atom").content.decode()
    assert published.slug not in client.get("/projets/export.csv").content.decode()


@pytest.mark.parametrize("rows", [1, 7])
def test_open_data_queries_do_not_grow(world, login, django_assert_num_queries, rows):
    import datetime  # noqa: PLC0415 -- this test only

    from django.utils import timezone  # noqa: PLC0415 -- this test only

    cohort = world.a.cohort
    cohort.closing = timezone.localdate() - datetime.timedelta(days=1)
    cohort.save(update_fields=["closing"])
    for i in range(rows):
        _published(world, title=f"Projet ouvert {i}")
    client = login(None)
    for url in ("/projets/export.csv", "/projets/export.json", "/projets/flux.atom"):
        with django_assert_num_queries(1):
            assert client.get(url).status_code == 200
