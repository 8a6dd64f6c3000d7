"""Lockouts that fit the deployment: behind the proxy, the client's address comes from the
header the proxy writes (TRUSTED_PROXY_COUNT), and lockout is per account: one person's wrong
passwords never block another account's sign-in, even from the same address (a venue's
network), while the attacked account itself is locked whatever addresses the attempts use."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # every request reaches gunicorn from the proxy's address
LOCKED = "Trop de tentatives de connexion échouées"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(world):
    for user in world.a.people.values():
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return world.a.people


def _sign_in(client, email, password, *, client_ip, forged=None):
    """A sign-in as the proxy forwards it: the client's address appended to X-Forwarded-For
    (after whatever the client itself sent, here ``forged``)."""
    xff = f"{forged}, {client_ip}" if forged else client_ip
    client.logout()
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=xff,
    )


def _signed_in(client, response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_one_persons_failures_never_block_another_account_behind_one_proxy(people, client):
    attacker, victim = people["student"], people["coach"]
    # Far more failures than the old five-per-address lockout, from one client address.
    for _ in range(30):
        response = _sign_in(client, attacker.email, "wrong-password", client_ip="203.0.113.7")
        assert not _signed_in(client, response)
    # Another person, another client address behind the same proxy, signs in at once...
    assert _signed_in(client, _sign_in(client, victim.email, PASSWORD, client_ip="198.51.100.9"))
    # ... and so does someone on the attacker's own network (a venue's single address).
    other = people["juror"]
    assert _signed_in(client, _sign_in(client, other.email, PASSWORD, client_ip="203.0.113.7"))


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_a_closing_session_signs_in_hundreds_of_voters_from_one_address(world, client):
    from tests.factories import member

    voters = [
        member("juror", world.a.departement, email=f"voter{n}@example.org") for n in range(120)
    ]
    EmailAddress.objects.bulk_create(
        EmailAddress(user=v, email=v.email, verified=True, primary=True) for v in voters
    )
    for n, voter in enumerate(voters):
        if n % 4 == 0:  # one in four mistypes first
            _sign_in(client, voter.email, "typo", client_ip="192.0.2.50")
        response = _sign_in(client, voter.email, PASSWORD, client_ip="192.0.2.50")
        assert _signed_in(client, response), f"voter {n} refused"


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_attacked_account_is_locked_whatever_addresses_the_attempts_use(people, client):
    target = people["coordinator"]
    for n in range(5):
        _sign_in(client, target.email, "guess", client_ip=f"198.51.100.{n + 1}")
    response = _sign_in(client, target.email, PASSWORD, client_ip="192.0.2.200")
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The other accounts are untouched.
    assert _signed_in(
        client, _sign_in(client, people["student"].email, PASSWORD, client_ip="198.51.100.1")
    )


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1, ACCOUNT_RATE_LIMITS={"login_failed": "3/5m/ip"})
def test_forged_forwarded_for_does_not_change_the_counted_address(people, client):
    """Only the entry the proxy wrote counts: a client's own X-Forwarded-For is ignored."""
    for n in range(3):
        _sign_in(
            client, f"nobody{n}@example.org", "x", client_ip="203.0.113.7", forged=f"1.2.3.{n}"
        )
    response = _sign_in(
        client, people["student"].email, PASSWORD, client_ip="203.0.113.7", forged="9.9.9.9"
    )
    assert LOCKED in response.content.decode()
    assert _signed_in(
        client, _sign_in(client, people["student"].email, PASSWORD, client_ip="203.0.113.8")
    )


@override_settings(
    ALLAUTH_TRUSTED_PROXY_COUNT=0,
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
    ACCOUNT_RATE_LIMITS={"login_failed": "3/5m/ip"},
)
def test_client_address_from_the_proxys_own_header(people, client):
    for n in range(3):
        client.post(
            reverse("account_login"),
            {"login": f"nobody{n}@example.org", "password": "x"},
            REMOTE_ADDR=PROXY,
            HTTP_X_REAL_IP="203.0.113.7",
        )
    response = client.post(
        reverse("account_login"),
        {"login": people["student"].email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_REAL_IP="203.0.113.8",
    )
    assert _signed_in(client, response)


def test_trusted_proxy_settings_come_from_the_environment():
    from tests.accounts.test_settings import _manage

    code = (
        "from allauth import app_settings as a; "
        "print(a.TRUSTED_PROXY_COUNT, a.TRUSTED_CLIENT_IP_HEADER)"
    )
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env_vars={"DEBUG": "true", "TRUSTED_PROXY_COUNT": "2", "TRUSTED_CLIENT_IP_HEADER": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 None"


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_request_that_skipped_a_proxy_is_counted_not_a_500(people, client):
    """Two proxies configured, one entry in X-Forwarded-For: no 500, the sign-in proceeds."""
    response = _sign_in(client, people["student"].email, PASSWORD, client_ip="203.0.113.7")
    assert _signed_in(client, response)
