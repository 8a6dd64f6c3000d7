"""schemathesis against the API's own OpenAPI schema (issue 16, point 6): every operation is
called with values generated from the schema, on a small published archive; no answer is a
5xx and every answer matches the schema and its declared media type."""

import datetime

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from commons.enums import PublicationStatus
from commons.services import consent_set, publication_propose, publication_set_status
from curiouslab.wsgi import application
from tests.cohorts import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request (as in production);
    Django's own test client stops that, so must this test: the connection holds the test's
    transaction (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def archive(world):
    """Two published projects behind the API."""
    a = world.a
    a.cohort.closing = timezone.localdate() - datetime.timedelta(days=1)
    a.cohort.save(update_fields=["closing"])
    for title in ("Un fablab", "Un marché durable"):
        challenge = f.challenge(a.programme, a.municipality, cohort=a.cohort, title=title)
        team = f.team(a.cohort, name=f"Équipe {title}", challenge=challenge)
        member = f.student(a.school, first_name="Alice", last_name=title[:10])
        f.add_member(team, member, a.school)
        pub = publication_propose(team=team, actor=a.people["coordinator"], commune_text="")
        publication_set_status(
            publication=pub, actor=a.people["municipal_staff"], status=PublicationStatus.APPROVED
        )
        pub = publication_set_status(
            publication=pub, actor=a.people["coordinator"], status=PublicationStatus.PUBLISHED
        )
        consent_set(publication=pub, actor=member, given=True)


# The schema as the platform serves it (pytest-django has set Django up before collection).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_schema(case, archive):
    cache.clear()  # neither the rate limit nor a cached answer hides what the code does
    case.call_and_validate(
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
    )
