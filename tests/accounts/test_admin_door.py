"""The Django admin is no side door: its sign-in goes through allauth (rate limits, second
factor), a password alone opens nothing, and in production staff without TOTP are sent to
set one up before they reach the admin."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate limits, used TOTP codes, the has-TOTP cache
    yield
    cache.clear()


def _current_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def staff(world):
    """A coordinator who is also staff: the case the sweep found."""
    user = world.a.people["coordinator"]
    user.is_staff = True
    user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_admin_login_page_sends_visitors_to_allauth(client):
    admin_login = reverse("admin:login")
    response = client.get(admin_login + "?next=" + reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_password_alone_posted_to_admin_login_opens_nothing(staff, client):
    response = client.post(
        reverse("admin:login"),
        {"username": staff.email, "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_sign_in_asks_for_the_second_factor(staff, client):
    TOTP.activate(staff, SECRET)
    login_url = reverse("account_login") + "?next=" + reverse("admin:index")
    response = client.post(login_url, {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in on the password alone
    assert client.get(reverse("admin:index")).status_code == 302

    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(SECRET)})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.session["_auth_user_id"] == str(staff.pk)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert "Administration" in page.content.decode()


def test_admin_sign_in_is_rate_limited_per_account(staff, client):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": staff.email, "password": "wrong-one"})
    response = client.post(
        reverse("account_login") + "?next=" + reverse("admin:index"),
        {"login": staff.email, "password": PASSWORD},
    )
    assert response.status_code == 200
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signed_in_person_who_is_not_staff_is_refused(world, login):
    client = login(world.a.people["student"])
    assert client.get(reverse("admin:login")).status_code == 403


@override_settings(MFA_REQUIRED_FOR_STAFF=True)
def test_staff_without_totp_is_sent_to_set_it_up_in_production(staff, login):
    client = login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp") + "?next=" + reverse("admin:index")
    page = client.get(reverse("admin:password_change"))
    assert page["Location"].startswith(reverse("mfa_activate_totp"))


@override_settings(MFA_REQUIRED_FOR_STAFF=True)
def test_staff_with_totp_reaches_the_admin_in_production(staff, login):
    TOTP.activate(staff, SECRET)
    client = login(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_mfa_is_required_whenever_debug_is_off():
    # The test run counts as development; production (DEBUG off, not testing) turns it on,
    # and no variable turns it off (tests/accounts/test_settings.py checks the production side).
    assert settings.MFA_REQUIRED_FOR_STAFF is False
