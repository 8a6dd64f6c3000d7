"""Point 6 of issue 16: the read-only open-data API (/api/v1/). It shows published projects
only, names only with consent, answers in pages with a constant number of queries, is cached
until something public changes, rate-limited, and its OpenAPI schema is generated from the
code (schemathesis runs against it in test_schema.py)."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from commons.enums import PublicationStatus
from commons.services import (
    consent_set,
    outcome_record,
    publication_propose,
    publication_set_status,
)
from tests.cohorts import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def closed(world):
    cohort = world.a.cohort
    cohort.closing = timezone.localdate() - datetime.timedelta(days=1)
    cohort.save(update_fields=["closing"])
    return cohort


def _publication(world, cohort, title, *, publish=True):
    a = world.a
    challenge = f.challenge(a.programme, a.municipality, cohort=cohort, title=title)
    team = f.team(cohort, name=f"Équipe {title[:20]}", challenge=challenge)
    coord, muni = a.people["coordinator"], a.people["municipal_staff"]
    pub = publication_propose(team=team, actor=coord, commune_text="")
    if publish:
        publication_set_status(publication=pub, actor=muni, status=PublicationStatus.APPROVED)
        pub = publication_set_status(
            publication=pub, actor=coord, status=PublicationStatus.PUBLISHED
        )
    return pub


def test_only_published_projects_and_consenting_names(world, closed, client):
    public = _publication(world, closed, "Une halle gourmande")
    _publication(world, closed, "Un projet encore proposé", publish=False)
    alice = f.student(world.a.school, first_name="Alice", last_name="Martin")
    bob = f.student(world.a.school, first_name="Bob", last_name="Durand")
    f.add_member(public.team, alice, world.a.school)
    f.add_member(public.team, bob, world.a.school)
    consent_set(publication=public, actor=alice, given=True)
    consent_set(publication=public, actor=bob, given=False)

    body = client.get("/api/v1/projects").json()
    assert body["count"] == 1 and body["pages"] == 1
    (row,) = body["results"]
    assert row["slug"] == public.slug and row["title"] == "Une halle gourmande"
    assert row["members"] == ["Alice Martin"]
    assert row["url"].endswith(f"/projets/{public.slug}/")
    assert "Bob" not in client.get(f"/api/v1/projects/{public.slug}").text
    challenges = client.get("/api/v1/challenges").json()["results"]
    assert [c["title"] for c in challenges] == ["Une halle gourmande"]
    # The challenge's contacts are not part of what is published.
    assert "staff_contact" not in challenges[0] and "elected_sponsor" not in challenges[0]
    assert client.get("/api/v1/projects/un-projet-encore-propose").status_code == 404


def test_unpublishing_and_withdrawing_consent_leave_the_api_at_once(world, closed, client):
    pub = _publication(world, closed, "Un kiosque citoyen")
    alice = f.student(world.a.school, first_name="Alice", last_name="Martin")
    f.add_member(pub.team, alice, world.a.school)
    consent_set(publication=pub, actor=alice, given=True)
    assert client.get("/api/v1/projects").json()["results"][0]["members"] == ["Alice Martin"]
    # Answered from the cache the second time, and still right after a change.
    consent_set(publication=pub, actor=alice, given=False)
    assert client.get("/api/v1/projects").json()["results"][0]["members"] == []
    publication_set_status(
        publication=pub, actor=world.a.people["coordinator"], status=PublicationStatus.UNPUBLISHED
    )
    assert client.get("/api/v1/projects").json()["count"] == 0
    assert client.get(f"/api/v1/projects/{pub.slug}").status_code == 404
    assert client.get("/api/v1/challenges").json()["count"] == 0


def test_outcomes_and_programmes(world, closed, client):
    pub = _publication(world, closed, "Une maison des générations")
    outcome_record(
        publication=pub,
        actor=world.a.people["municipal_staff"],
        data={"status": "done", "progress": 100, "reason": "", "budget": 120000, "link": ""},
    )
    (row,) = client.get("/api/v1/outcomes").json()["results"]
    assert (row["project"], row["status"], row["progress"], row["budget"]) == (
        pub.slug,
        "done",
        100,
        120000,
    )
    assert client.get("/api/v1/projects?outcome=done").json()["count"] == 1
    assert client.get("/api/v1/projects?outcome=abandoned").json()["count"] == 0
    programmes = {p["slug"]: p for p in client.get("/api/v1/programmes").json()["results"]}
    assert programmes[world.a.programme.slug]["published_projects"] == 1
    assert programmes[world.b.programme.slug]["published_projects"] == 0


@pytest.mark.parametrize("rows", [1, 12])
def test_queries_do_not_grow_with_the_data(world, closed, client, django_assert_num_queries, rows):
    for i in range(rows):
        pub = _publication(world, closed, f"Projet numéro {i}")
        member = f.student(world.a.school, first_name=f"Membre{i}", last_name="Test")
        f.add_member(pub.team, member, world.a.school)
        consent_set(publication=pub, actor=member, given=True)
        outcome_record(
            publication=pub,
            actor=world.a.people["municipal_staff"],
            data={"status": "study", "progress": 10, "reason": "", "budget": None, "link": ""},
        )
    for url, queries in [
        ("/api/v1/projects", 6),
        ("/api/v1/projects?q=projet&theme=urbanisme", 6),
        ("/api/v1/challenges", 5),
        ("/api/v1/programmes", 5),
        ("/api/v1/outcomes", 5),
    ]:
        cache.clear()
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url


def test_pages_are_bounded(world, closed, client):
    _publication(world, closed, "Un fablab")
    body = client.get("/api/v1/projects?page=99999999").json()
    assert body["page"] == 1 and len(body["results"]) == 1
    assert client.get("/api/v1/projects?page=abc").status_code == 422
    assert client.get("/api/v1/projects?q=" + "x" * 5000).status_code == 200


def test_the_schema_is_generated_from_the_code(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/projects", "/api/v1/projects/{slug}", "/api/v1/programmes"} <= set(
        schema["paths"]
    )
    assert {"/api/v1/challenges", "/api/v1/outcomes"} <= set(schema["paths"])


def test_the_api_is_rate_limited(client, settings):
    for _ in range(120):
        assert client.get("/api/v1/programmes").status_code == 200
    assert client.get("/api/v1/programmes").status_code == 429
