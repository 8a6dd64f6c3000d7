"""Production settings that guard the doors: the admin's address, the key of the TOTP secrets,
the second factor of staff, and HTTPS (``check --deploy`` refuses plain HTTP unless
ALLOW_HTTP=true says it is deliberate). Each runs manage.py as production would."""

from tests.accounts.test_settings import _manage

ADMIN_URL = "k3Xq9-vTz0LwPe7R/admin/"
KEY = "jE2fOkuKVa7QvU6v3b5XW9lq8mK0cXf3l1sYqQ2b9Zc="
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k8$w!2pZ#r9qL0vX@m3nB7cT^e5yH1uJ&dG4fS6aQ-zW_oP+iK",
    "ALLOWED_HOSTS": "curiouslab.example.org",
    "SITE_URL": "https://curiouslab.example.org",
    "HTTPS": "true",
    "ADMIN_URL": ADMIN_URL,
    "MFA_ENCRYPTION_KEY": KEY,
}


def _without(*names):
    return {k: v for k, v in PRODUCTION.items() if k not in names}


def _last_line(result):
    return result.stderr.strip().splitlines()[-1]


def _shell(code, env_vars):
    return _manage("shell", "--no-imports", "-c", code, env_vars=env_vars)


def test_admin_url_is_required_in_production():
    result = _manage("check", env_vars=_without("ADMIN_URL"))
    assert result.returncode != 0
    assert "ADMIN_URL is required when DEBUG is false" in _last_line(result)


def test_guessable_admin_url_is_refused_in_production():
    result = _manage("check", env_vars={**PRODUCTION, "ADMIN_URL": "admin/"})
    assert result.returncode != 0
    assert "ADMIN_URL='admin/' is too easy to guess" in _last_line(result)


def test_admin_is_served_at_admin_url_only():
    code = (
        "from django.urls import Resolver404, resolve, reverse\n"
        "print(reverse('admin:index'))\n"
        "try:\n    resolve('/admin/')\nexcept Resolver404:\n    print('no /admin/')\n"
    )
    result = _shell(code, PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [f"/{ADMIN_URL}", "no", "/admin/"]


def test_mfa_encryption_key_is_required_in_production():
    result = _manage("check", env_vars=_without("MFA_ENCRYPTION_KEY"))
    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEY is required when DEBUG is false" in _last_line(result)


def test_staff_must_have_mfa_in_production_whatever_the_environment_says():
    code = "from django.conf import settings; print(settings.MFA_REQUIRED_FOR_STAFF)"
    result = _shell(code, {**PRODUCTION, "MFA_REQUIRED_FOR_STAFF": "false"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_deploy_check_refuses_plain_http():
    # Even at the default fail level (errors only), which Django's HTTPS warnings pass.
    result = _manage("check", "--deploy", env_vars=_without("HTTPS"))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "curiouslab.E001" in output
    assert "HTTPS=true" in output and "ALLOW_HTTP=true" in output


def test_deploy_check_passes_plain_http_when_allow_http_says_so():
    env_vars = {**_without("HTTPS"), "SITE_URL": "http://curiouslab.example.org"}
    env_vars["ALLOW_HTTP"] = "true"
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_vars=env_vars)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "curiouslab.E001" not in result.stdout + result.stderr


def test_https_and_allow_http_together_are_refused():
    result = _manage("check", env_vars={**PRODUCTION, "ALLOW_HTTP": "true"})
    assert result.returncode != 0
    assert "ALLOW_HTTP" in _last_line(result)
