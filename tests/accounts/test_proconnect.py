"""ProConnect sign-in against a real OpenID Connect provider: django-allauth's identity
provider run by the test in a second process (tests/oidc_provider/), spoken to over HTTP by
our callback (discovery, authorisation code with PKCE, token, userinfo) and by the "browser"
(a requests session) for its sign-in page and its logout. A first sign-in links to the invited
account of the same address; an address nobody invited gets no account."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from curiouslab.accounts.models import Invitation, Role, User
from tests.deploy.redis_server import free_port
from tests.factories import member
from tests.oidc_provider.adapter import SIRET

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "http://testserver/accounts/proconnect/proconnect/login/callback/"
AGENT = "ines.robert@essonne.example.org"
SITE = "http://lab.localhost"  # where the provider sends people back after its logout


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The provider's process: its own database, key and port; stopped after the module."""
    tmp = tmp_path_factory.mktemp("oidc")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(tmp / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": str(tmp / "key.pem"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)

    def django(*args):
        subprocess.run(
            [sys.executable, "-m", "django", *args],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )

    django("migrate", "--noinput")
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider.setup", CALLBACK, f"{SITE}/", AGENT],
        env=env,
        cwd=ROOT,
        check=True,
    )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{url}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the OpenID Connect provider did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def proconnect(settings, provider):
    settings.SITE_URL = SITE
    settings.SOCIALACCOUNT_PROVIDERS = {
        "proconnect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "proconnect",
                    "name": "ProConnect",
                    "client_id": "curiouslab",
                    "secret": "secret-de-test",
                    "settings": {"server_url": provider, "token_auth_method": "client_secret_post"},
                }
            ],
        }
    }
    return provider


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _sign_in_at_proconnect(client, browser: requests.Session, provider: str):
    """Our sign-in page's ProConnect button, then the provider's own sign-in page; returns
    our callback's answer."""
    page = client.get(reverse("account_login")).content.decode()
    assert "S’identifier avec ProConnect" in page
    response = client.post(reverse("proconnect_login", kwargs={"provider_id": "proconnect"}))
    assert response.status_code == 302
    authorize = response["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{provider}/identity/o/authorize")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert "siret" in query["scope"][0].split()
    answer = browser.get(authorize, allow_redirects=True)  # to the provider's sign-in page
    assert "/accounts/login/" in answer.url
    answer = browser.post(
        answer.url,
        data={
            "csrfmiddlewaretoken": _csrf(answer.text),
            "login": AGENT,
            "password": "mot-de-passe-agent",
        },
        headers={"Referer": answer.url},
        allow_redirects=False,
    )
    while answer.is_redirect and not answer.headers["Location"].startswith(CALLBACK):
        answer = browser.get(
            requests.compat.urljoin(answer.url, answer.headers["Location"]), allow_redirects=False
        )
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK), location
    callback = urlsplit(location)
    return client.get(callback.path, parse_qs(callback.query))


def test_first_sign_in_links_the_invited_account_and_logout_signs_out_at_proconnect(
    world, proconnect, client
):
    agent = member(Role.MUNICIPAL_STAFF, world.a.municipality, email=AGENT, first_name="Inès")
    Invitation.objects.create(
        email=AGENT,
        organisation=world.a.municipality,
        role=Role.MUNICIPAL_STAFF,
        invited_by=world.a.people["coordinator"],
        expires_at="2999-01-01T00:00:00Z",
        accepted_by=agent,
        accepted_at="2026-01-01T00:00:00Z",
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=agent, email=AGENT, verified=True, primary=True)
    browser = requests.Session()
    response = _sign_in_at_proconnect(client, browser, proconnect)
    assert response.status_code == 302, response.content[:500]
    assert client.get(reverse("home")).context["user"] == agent
    account = SocialAccount.objects.get(user=agent, provider="proconnect")
    assert account.extra_data["userinfo"]["siret"] == SIRET
    assert User.objects.count() == len(world.a.people) + len(world.b.people) + 1

    # The coordinator sees the organisation ProConnect vouches for, beside the invitation.
    coordinator = client.__class__()
    coordinator.force_login(
        world.a.people["coordinator"], backend="curiouslab.accounts.backends.ModelBackend"
    )
    page = coordinator.get(reverse("accounts:invitation_list")).content.decode()
    assert f"Se connecte avec ProConnect · SIRET {SIRET}" in page

    # Logout here sends the browser to ProConnect's logout, which ends the session there too.
    response = client.post(reverse("account_logout"))
    end_session = response["Location"]
    assert end_session.startswith(f"{proconnect}/identity/o/logout")
    assert "id_token_hint=" in end_session
    answer = browser.get(end_session, allow_redirects=False)
    assert answer.is_redirect and answer.headers["Location"].startswith(f"{SITE}/?state=")
    again = browser.get(
        f"{proconnect}/identity/o/authorize?client_id=curiouslab&response_type=code"
        f"&scope=openid&redirect_uri={CALLBACK}",
        allow_redirects=False,
    )
    assert "/accounts/login/" in again.headers["Location"]  # signed out at the provider
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_an_address_nobody_invited_gets_no_account(world, proconnect, client):
    before = User.objects.count()
    response = _sign_in_at_proconnect(client, requests.Session(), proconnect)
    assert response.status_code == 200
    assert "invitation" in response.content.decode()
    assert User.objects.count() == before
    assert not SocialAccount.objects.exists()
