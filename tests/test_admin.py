"""Administration without a shell: the platform's operators manage users, organisations,
memberships, programmes, cohorts, juries and documents in the Django admin. Each list
answers 200 with a query count that does not grow with the rows; changes are audited;
what records history stays read-only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import Cohort, Programme, SchoolEnrolment, Team
from curiouslab.accounts.models import (
    AuditLogEntry,
    Invitation,
    Membership,
    Organisation,
    Role,
    User,
)
from documents.models import Document, DocumentBranding, DocumentSettings, DocumentTemplate
from tests.factories import TeamFactory, UserFactory, member
from tests.trophies.factories import ready_jury
from tests.world import _side
from trophies.models import Award, Jury

pytestmark = pytest.mark.django_db

MODELS = [
    User,
    Organisation,
    Membership,
    Invitation,
    Programme,
    Cohort,
    SchoolEnrolment,
    Team,
    Jury,
    Award,
    Document,
    DocumentTemplate,
    DocumentBranding,
    DocumentSettings,
]


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _grow(tag: str) -> None:
    """One more side of the world, with a jury, an enrolment, a team, an award, documents,
    templates, branding and settings: every list gains rows."""
    side = _side(tag)
    coordinator = side.people["coordinator"]
    Invitation.objects.create(
        email=f"x.{tag}@example.org",
        organisation=side.municipality,
        role=Role.MUNICIPAL_STAFF,
        invited_by=coordinator,
        expires_at="2030-01-01T00:00:00Z",
    )
    SchoolEnrolment.objects.create(
        cohort=side.cohort, school=side.school, requested_by=side.people["school_referent"]
    )
    team = TeamFactory(cohort=side.cohort, name=f"Équipe {tag}", confirmed=True)
    ready_jury(side.cohort, chair=coordinator)
    Award.objects.create(cohort=side.cohort, category="Grand prix", team=team)
    for person in side.people.values():
        Document.objects.create(kind="diploma", cohort=side.cohort, recipient=person, language="fr")
    DocumentTemplate.objects.create(
        programme=side.programme, kind="diploma", language="fr", html="<p>{{ name }}</p>"
    )
    DocumentBranding.objects.create(programme=side.programme)
    DocumentSettings.objects.create(cohort=side.cohort)


@pytest.fixture
def operator(client):
    user = UserFactory(is_staff=True, is_superuser=True, email="ops@example.org")
    client.force_login(user, backend="curiouslab.accounts.backends.ModelBackend")
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_admin_changelist_answers_with_constant_queries(
    world, operator, model, django_assert_num_queries
):
    _grow("C")
    url = _changelist(model)
    operator.get(url)  # warm the content types and the session
    with CaptureQueriesContext(connection) as ctx:
        response = operator.get(url)
    assert response.status_code == 200
    few = len(ctx.captured_queries)
    for tag in ("D", "E", "F"):
        _grow(tag)
    with django_assert_num_queries(few):
        response = operator.get(url)
    assert response.status_code == 200
    obj = model.objects.order_by("-pk").first()
    change = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
    )
    assert operator.get(change).status_code == 200


def test_admin_search_finds_a_document_by_its_code(world, operator):
    _grow("C")
    doc = Document.objects.order_by("pk").last()
    page = operator.get(_changelist(Document), {"q": doc.verification_code}).text
    assert doc.verification_code in page
    assert "1 document" in page


def test_admin_change_is_written_to_the_audit_log(world, operator):
    org = world.a.municipality
    url = reverse("admin:accounts_organisation_change", args=[org.pk])
    response = operator.post(
        url,
        {
            "kind": org.kind,
            "name": "Ville d’Antony",
            "slug": org.slug,
            "commune": org.commune_id or "",
            "uai": org.uai,
            "city": org.city,
            "territory": org.territory_id,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    org.refresh_from_db()
    assert org.name == "Ville d’Antony"
    entry = AuditLogEntry.objects.get(action="organisation.admin_change")
    assert entry.before == {"name": "Commune A"} and entry.after == {"name": "Ville d’Antony"}
    assert entry.actor.email == "ops@example.org"
    # The coordinators of the département read it in their audit log.
    assert entry.organisation_id == world.a.departement.pk


def test_admin_removal_of_a_membership_is_audited(world, operator):
    person = member(Role.MUNICIPAL_STAFF, world.a.municipality)
    membership = Membership.objects.get(user=person)
    url = reverse("admin:accounts_membership_delete", args=[membership.pk])
    assert operator.post(url, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = AuditLogEntry.objects.get(action="membership.admin_delete")
    assert entry.before["role"] == Role.MUNICIPAL_STAFF and entry.before["user"] == person.pk


def test_admin_keeps_history_read_only(world, operator):
    _grow("C")
    jury = Jury.objects.get()
    page = operator.get(reverse("admin:trophies_jury_change", args=[jury.pk])).text
    assert 'name="status"' not in page and 'name="scale_max"' not in page
    assert 'name="name"' in page
    # No marks in the admin, and documents are issued and revoked on the platform.
    assert operator.get("/admin/trophies/score/").status_code == 404
    doc = Document.objects.first()
    change = operator.get(reverse("admin:documents_document_change", args=[doc.pk])).text
    assert 'name="revoked_at"' not in change
    user_page = operator.get(
        reverse("admin:accounts_user_change", args=[world.a.people["student"].pk])
    ).text
    assert 'name="password"' not in user_page


def test_admin_is_closed_to_a_coordinator(world, client):
    client.force_login(
        world.a.people["coordinator"], backend="curiouslab.accounts.backends.ModelBackend"
    )
    response = client.get(_changelist(Organisation))
    assert response.status_code == 302 and "/login/" in response["Location"]
