import pytest
from django.db import transaction
from django.urls import reverse

from curiouslab.accounts.models import AuditLogEntry, Membership, Role
from curiouslab.accounts.roles import roles_for
from curiouslab.audit import audit_log

pytestmark = pytest.mark.django_db


def _nav_urls(response):
    return [item.url for item in response.context["nav_items"]]


def test_navigation_follows_roles(world, login):
    coordinator = _nav_urls(login(world.a.people["coordinator"]).get(reverse("home")))
    assert reverse("accounts:audit_log") in coordinator
    assert reverse("accounts:invitation_list") in coordinator
    student = _nav_urls(login(world.a.people["student"]).get(reverse("home")))
    assert reverse("accounts:audit_log") not in student
    assert reverse("accounts:invitation_list") not in student


def test_one_person_holds_several_roles(world, login):
    person = world.a.people["municipal_staff"]
    Membership.objects.create(user=person, organisation=world.a.departement, role=Role.JUROR)
    roles = roles_for(person)
    assert roles.has(Role.MUNICIPAL_STAFF) and roles.has(Role.JUROR)
    page = login(person).get(reverse("home")).content.decode()
    assert "Commune A" in page and "Département A" in page


def test_inactive_membership_grants_nothing(world):
    person = world.a.people["coordinator"]
    Membership.objects.filter(user=person).update(is_active=False)
    assert not roles_for(person).has(Role.COORDINATOR)


def test_signed_in_request_loads_the_user_and_roles_in_one_query(world, login):
    """The authentication backend loads the user with their active roles: one query, not
    one for the user and another for the roles; an inactive membership is no role."""
    import django.db
    from django.test.utils import CaptureQueriesContext

    from curiouslab.accounts.roles import user_with_roles

    person = world.a.people["municipal_staff"]
    Membership.objects.create(user=person, organisation=world.a.departement, role=Role.JUROR)
    Membership.objects.create(
        user=person, organisation=world.b.departement, role=Role.JUROR, is_active=False
    )
    with CaptureQueriesContext(django.db.connection) as queries:
        user = user_with_roles(person.pk)
        roles = roles_for(user)
    assert len(queries) == 1
    assert user == person and user.email == person.email
    assert user.date_joined == person.date_joined and user.date_joined.tzinfo is not None
    assert roles.orgs(Role.JUROR) == {world.a.departement.pk}
    assert roles.orgs(Role.MUNICIPAL_STAFF) == {world.a.municipality.pk}
    assert user_with_roles(10**9) is None and user_with_roles("x") is None
    # Without any membership the user still loads, with no role.
    Membership.objects.filter(user=person).delete()
    assert roles_for(user_with_roles(person.pk)).roles == []
    # A deactivated person is signed out on their next request.
    client = login(person)
    assert client.get(reverse("home")).wsgi_request.user.is_authenticated
    type(person).objects.filter(pk=person.pk).update(is_active=False)
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


@pytest.mark.django_db(transaction=True)
def test_audit_log_requires_a_transaction():
    from tests.factories import OrganisationFactory

    with pytest.raises(RuntimeError, match="transaction.atomic"):
        audit_log(actor=None, action="x", obj=OrganisationFactory())
    assert not AuditLogEntry.objects.exists()


def test_audit_log_is_rolled_back_with_the_change(world):
    municipality = world.a.municipality
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        municipality.name = "Renamed"
        municipality.save(update_fields=["name"])
        audit_log(
            actor=world.a.people["coordinator"],
            action="organisation.rename",
            obj=municipality,
            organisation=world.a.departement,
            before={"name": "Commune A"},
            after={"name": "Renamed"},
        )
        1 / 0  # noqa: B018 - the change fails after the entry was written
    assert not AuditLogEntry.objects.filter(action="organisation.rename").exists()


def test_coordinator_reads_only_their_programme_audit_log(world, login):
    with transaction.atomic():
        audit_log(
            actor=world.a.people["coordinator"],
            action="challenge.accept",
            obj=world.a.municipality,
            organisation=world.a.departement,
            before={"status": "submitted"},
            after={"status": "accepted"},
            reason="Défi pertinent",
        )
        audit_log(
            actor=world.b.people["coordinator"],
            action="challenge.decline",
            obj=world.b.municipality,
            organisation=world.b.departement,
            reason="Hors périmètre B",
        )
    page = login(world.a.people["coordinator"]).get(reverse("accounts:audit_log")).content.decode()
    assert "challenge.accept" in page and "Défi pertinent" in page and "accepted" in page
    assert "Hors périmètre B" not in page


def test_audit_log_query_count_does_not_grow(world, login, django_assert_num_queries):
    client = login(world.a.people["coordinator"])
    url = reverse("accounts:audit_log")

    def add(n):
        with transaction.atomic():
            for i in range(n):
                audit_log(
                    actor=world.a.people["coordinator"],
                    action=f"test.{i}",
                    obj=world.a.municipality,
                    organisation=world.a.departement,
                )

    add(1)
    client.get(url)  # warm caches (content types, session)
    import django.db

    with django.test.utils.CaptureQueriesContext(django.db.connection) as one:
        client.get(url)
    add(60)
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 61
    assert len(response.context["page"]) == 50


def test_invitation_list_query_count_does_not_grow(world, login, django_assert_num_queries):
    import datetime

    import django.db
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from curiouslab.accounts.models import Invitation

    client = login(world.a.people["coordinator"])
    url = reverse("accounts:invitation_list")

    def add(start, n):
        Invitation.objects.bulk_create(
            Invitation(
                email=f"p{start + i}@example.org",
                organisation=world.a.municipality,
                role=Role.MUNICIPAL_STAFF,
                token=f"tok-{start + i}",
                expires_at=timezone.now() + datetime.timedelta(days=3),
            )
            for i in range(n)
        )

    add(0, 1)
    client.get(url)
    with CaptureQueriesContext(django.db.connection) as one:
        client.get(url)
    add(1, 40)
    with django_assert_num_queries(len(one)):
        client.get(url)


def test_coordinator_idle_for_31_minutes_is_signed_out(world, login):
    from curiouslab.accounts.middleware import IDLE_KEY

    client = login(world.a.people["coordinator"])
    assert client.get(reverse("accounts:audit_log")).status_code == 200
    session = client.session
    session[IDLE_KEY] -= 31 * 60
    session.save()
    response = client.get(reverse("accounts:audit_log"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert client.get(reverse("accounts:audit_log")).status_code == 302  # really signed out


def test_coordinator_active_within_timeout_stays_signed_in(world, login):
    from curiouslab.accounts.middleware import IDLE_KEY

    client = login(world.a.people["coordinator"])
    client.get(reverse("home"))
    session = client.session
    session[IDLE_KEY] -= 29 * 60
    session.save()
    assert client.get(reverse("accounts:audit_log")).status_code == 200
    assert client.session[IDLE_KEY] > session[IDLE_KEY]  # the clock was renewed


def test_mfa_check_is_cached_and_forgotten_when_the_authenticator_goes(world, login, settings):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.signals import authenticator_removed
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MFA_REQUIRED_FOR_COORDINATORS = True
    coordinator = world.a.people["coordinator"]
    totp = Authenticator.objects.create(
        user=coordinator, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    cache.clear()
    client = login(coordinator)
    url = reverse("accounts:audit_log")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert not [q for q in ctx.captured_queries if "mfa_authenticator" in q["sql"]]
    # Removed through allauth (which sends the signal): the very next page asks for it again.
    totp.delete()
    authenticator_removed.send(
        sender=Authenticator, request=None, user=coordinator, authenticator=totp
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
