"""allauth's pages in the site's style and in French: sign-in, rate limiting, password reset,
closed sign-up, two-factor set-up for coordinators and their shorter sessions."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from curiouslab.accounts.models import User
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts failed sign-ins in the cache: start and leave it empty."""
    cache.clear()
    yield
    cache.clear()


def _verified(user):
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db
def test_login_page_french_without_signup_link(client):
    response = client.get(reverse("account_login"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Connexion · Curious Lab</title>" in page
    assert re.search(r'<label[^>]+for="id_login"[^>]*>\s*Courriel', page)
    assert re.search(r'<label[^>]+for="id_password"[^>]*>\s*Mot de passe', page)
    assert 'class="btn btn-lg btn-primary"' in page
    assert "Les comptes sont créés sur invitation" in page
    assert reverse("account_signup") not in page
    assert "enregistrer" not in page


def test_login_good_password_signs_in(world, client):
    student = _verified(world.a.people["student"])
    response = _sign_in(client, student.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(student.pk)
    page = client.get(reverse("home")).content.decode()
    assert f"Bonjour {student.first_name}" in page


def test_login_bad_password_shows_french_error(world, client):
    student = _verified(world.a.people["student"])
    response = _sign_in(client, student.email, "not-the-password")
    page = response.content.decode()
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in page
    assert 'class="alert alert-block alert-danger"' in page
    # The address typed is kept, the password is not.
    assert f'value="{student.email}"' in page
    assert "not-the-password" not in page


def test_login_rate_limited_after_failed_attempts(world, client):
    student = _verified(world.a.people["student"])
    for _ in range(5):
        response = _sign_in(client, student.email, "not-the-password")
        assert "Trop de tentatives" not in response.content.decode()
    # Even the right password is refused until the window has passed.
    response = _sign_in(client, student.email, PASSWORD)
    assert response.status_code == 200
    assert (
        "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_login_field_errors_linked_to_inputs(client, db):
    response = _sign_in(client, "", "")
    page = response.content.decode()
    assert response.status_code == 200
    match = re.search(r'<input[^>]+name="login"[^>]*>', page)
    assert 'aria-invalid="true"' in match.group(0)
    assert 'aria-describedby="id_login_error"' in match.group(0)
    assert re.search(r'id="id_login_error"[^>]*>\s*<p[^>]*><strong>Ce champ est obligatoire', page)


def test_password_reset_sends_french_email(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    student = _verified(world.a.people["student"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": student.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [student.email]
    assert message.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    assert "réinitialisation" in message.subject.lower()
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", message.body)
    assert link, message.body
    page = client.get(link.group(1), follow=True).content.decode()
    assert "Changer le mot de passe" in page or "Nouveau mot de passe" in page
    done = client.get(reverse("account_reset_password_done")).content.decode()
    assert "Nous vous avons envoyé un e-mail" in done


def test_password_reset_page_french_and_labelled(client, db):
    page = client.get(reverse("account_reset_password")).content.decode()
    assert "Mot de passe oublié" in page
    assert re.search(r'<label[^>]+for="id_email"', page)


def test_signup_closed_refuses_new_accounts(client, db):
    page = client.get(reverse("account_signup")).content.decode()
    assert "Inscriptions fermées" in page
    assert "Curious Lab n'a pas d'inscription publique" in page
    assert 'type="password"' not in page
    response = client.post(
        reverse("account_signup"),
        {"email": "intruder@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="intruder@example.org").exists()


@override_settings(MFA_REQUIRED_FOR_COORDINATORS=True)
def test_coordinator_sent_to_totp_activation_when_mfa_required(world, login):
    client = login(world.a.people["coordinator"])
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert response["Location"].endswith("?next=" + reverse("accounts:profile"))


@override_settings(MFA_REQUIRED_FOR_COORDINATORS=True)
def test_student_not_sent_to_totp_activation_when_mfa_required(world, login):
    client = login(world.a.people["student"])
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "Mon profil" in response.content.decode()


@override_settings(MFA_REQUIRED_FOR_COORDINATORS=True)
def test_coordinator_sets_up_totp_after_confirming_password(world, client):
    coordinator = _verified(world.a.people["coordinator"])
    _sign_in(client, coordinator.email, PASSWORD)
    # Home is out of reach until a second factor is set up ...
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # ... and setting it up asks to confirm the password first, on a French page.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    page = client.get(response["Location"]).content.decode()
    assert "Confirmer l’accès" in page or "Confirmer l'accès" in page
    assert re.search(r'<label[^>]+for="id_password"', page)
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")

    response = client.get(reverse("mfa_activate_totp"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Activer l'application d'authentification" in page
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="[A-Z2-7]+"', page)
    assert re.search(r'<label[^>]+for="id_code"', page)
    assert re.search(r'<label[^>]+for="authenticator_secret"', page)
    assert 'style="' not in page


def test_coordinator_session_expires_after_30_minutes(world, login):
    client = login(world.a.people["coordinator"])
    assert client.get(reverse("home")).status_code == 200
    assert client.session.get_expiry_age() == 1800


def test_student_session_keeps_default_age(world, login):
    client = login(world.a.people["student"])
    assert client.get(reverse("home")).status_code == 200
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert settings.SESSION_COOKIE_AGE > 1800


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("account_change_password", "Modifier le mot de passe"),
        ("account_email", "Adresses e-mail"),
        ("mfa_index", "Authentification à deux facteurs"),
        ("account_logout", "Se déconnecter"),
    ],
)
def test_manage_pages_in_site_layout(world, login, url_name, heading):
    page = login(world.a.people["student"]).get(reverse(url_name)).content.decode()
    assert 'href="#main"' in page
    assert 'id="main-nav"' in page  # the site's navigation
    assert re.search(r"<h1[^>]*>\s*" + re.escape(heading), page), page[:3000]
    assert "/static/css/allauth.css" in page
