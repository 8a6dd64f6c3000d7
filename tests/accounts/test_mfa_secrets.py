"""TOTP secrets at rest: stored encrypted with MFA_ENCRYPTION_KEY (Fernet), read back to sign
in; secrets stored in clear before still work and `encrypt_mfa_secrets` encrypts them; a key
rotation keeps every authenticator working."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CLEAR_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _code(secret, offset=0):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def _stored_data(authenticator_id):
    """The row as the database holds it, not through the model."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator_id])
        return str(cursor.fetchone()[0])


@pytest.fixture
def coordinator(world):
    user = world.a.people["coordinator"]
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _sign_in(client, user):
    client.logout()
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def _sign_in_with_code(client, user, code):
    # allauth refuses a code used once within its period: forget the used codes, as if the
    # next period had come.
    cache.clear()
    response = _sign_in(client, user)
    assert response["Location"] == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": code})


def test_totp_set_up_through_allauth_is_stored_encrypted_and_signs_in(coordinator, client):
    _sign_in(client, coordinator)
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302:  # allauth asks to confirm the password first
        client.post(response["Location"], {"password": PASSWORD})
        client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302
    totp = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP)

    stored = _stored_data(totp.pk)
    assert secret not in stored
    assert '"fernet:gAAAA' in stored
    recovery = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.RECOVERY_CODES)
    assert '"seed": "fernet:gAAAA' in _stored_data(recovery.pk)

    # A code from the authenticator app still signs in.
    response = _sign_in_with_code(client, coordinator, _code(secret))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_wrong_code_with_an_encrypted_secret_is_refused(coordinator, client, settings):
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(coordinator, CLEAR_SECRET)
    response = _sign_in_with_code(client, coordinator, "000000")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_secret_stored_in_clear_before_still_signs_in_then_gets_encrypted(coordinator, client):
    legacy = Authenticator.objects.create(
        user=coordinator, type=Authenticator.Type.TOTP, data={"secret": CLEAR_SECRET}
    )
    response = _sign_in_with_code(client, coordinator, _code(CLEAR_SECRET))
    assert client.session.get("_auth_user_id") == str(coordinator.pk), response

    call_command("encrypt_mfa_secrets", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CLEAR_SECRET not in _stored_data(legacy.pk)
    response = _sign_in_with_code(client, coordinator, _code(CLEAR_SECRET))
    assert client.session.get("_auth_user_id") == str(coordinator.pk)


def test_key_rotation_keeps_every_authenticator(coordinator, client, settings):
    from allauth.mfa.totp.internal.auth import TOTP

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [old]
    totp = TOTP.activate(coordinator, CLEAR_SECRET).instance

    # Step 1: the new key first, the old one kept to read what it encrypted.
    settings.MFA_ENCRYPTION_KEYS = [new, old]
    _sign_in_with_code(client, coordinator, _code(CLEAR_SECRET))
    assert client.session.get("_auth_user_id") == str(coordinator.pk)

    # Step 2: re-encrypt with the new key; step 3: the old key can go.
    call_command("encrypt_mfa_secrets", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.MFA_ENCRYPTION_KEYS = [new]
    totp.refresh_from_db()
    token = totp.data["secret"].removeprefix("fernet:").encode()
    assert Fernet(new).decrypt(token).decode() == CLEAR_SECRET
    _sign_in_with_code(client, coordinator, _code(CLEAR_SECRET))
    assert client.session.get("_auth_user_id") == str(coordinator.pk)
