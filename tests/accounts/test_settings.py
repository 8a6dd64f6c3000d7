"""Settings come from the environment and refuse malformed values, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from curiouslab import env

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_vars: dict[str, str]):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    clean.update(env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://db/curiouslab"),
        ("DATABASE_URL", "postgres://db:notaport/curiouslab"),
        ("REDIS_URL", "http://127.0.0.1:6379/0"),
        ("EMAIL_URL", "smtp://"),
        ("EMAIL_URL", "pigeon://loft"),
        ("COORDINATOR_IDLE_TIMEOUT", "thirty"),
        ("STORAGE_BACKEND", "ftp"),
        ("SITE_URL", "curiouslab.example.org"),
        ("TRUSTED_PROXY_COUNT", "one"),
        ("TRUSTED_PROXY_COUNT", "-1"),
        ("MFA_ENCRYPTION_KEY", "not-a-fernet-key"),
        ("ADMIN_URL", "/admin"),
        ("ALLOW_HTTP", "perhaps"),
    ],
)
def test_settings_refuse_malformed_value_naming_the_variable(variable, value):
    result = _manage("check", env_vars={"DEBUG": "true", variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


def test_settings_require_secret_key_in_production():
    result = _manage("check", env_vars={"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr.splitlines()[-1]


def test_deploy_check_passes_with_production_values():
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "k8$w!2pZ#r9qL0vX@m3nB7cT^e5yH1uJ&dG4fS6aQ-zW_oP+iK",
        "ALLOWED_HOSTS": "curiouslab.example.org",
        "SITE_URL": "https://curiouslab.example.org",
        "HTTPS": "true",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
        "MFA_REQUIRED_FOR_COORDINATORS": "true",
        "ADMIN_URL": "k3Xq9-vTz0LwPe7R/admin/",
        "MFA_ENCRYPTION_KEY": "jE2fOkuKVa7QvU6v3b5XW9lq8mK0cXf3l1sYqQ2b9Zc=",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_vars=production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_https():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_vars={
            "DEBUG": "false",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "example.org",
            "ADMIN_URL": "k3Xq9-vTz0LwPe7R/admin/",
            "MFA_ENCRYPTION_KEY": "jE2fOkuKVa7QvU6v3b5XW9lq8mK0cXf3l1sYqQ2b9Zc=",
        },
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def test_email_url_parses_smtp_with_credentials():
    os.environ["CL_TEST_EMAIL_URL"] = "smtp+tls://agent%40ville.fr:p%40ss@smtp.example.org:2525"
    try:
        config = env.email_from_url("CL_TEST_EMAIL_URL")
    finally:
        del os.environ["CL_TEST_EMAIL_URL"]
    assert config["EMAIL_HOST"] == "smtp.example.org"
    assert config["EMAIL_PORT"] == 2525
    assert config["EMAIL_HOST_USER"] == "agent@ville.fr"
    assert config["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert config["EMAIL_USE_TLS"] is True


def test_env_int_names_the_variable():
    os.environ["CL_TEST_NUMBER"] = "12a"
    try:
        with pytest.raises(ImproperlyConfigured, match="CL_TEST_NUMBER"):
            env.env_int("CL_TEST_NUMBER", 1)
    finally:
        del os.environ["CL_TEST_NUMBER"]


def test_database_url_selects_postgresql_with_psycopg():
    os.environ["CL_TEST_DB"] = "postgres://cl:pw@db.internal:5433/curiouslab"
    try:
        config = env.database_from_url("CL_TEST_DB", "sqlite:///x")
    finally:
        del os.environ["CL_TEST_DB"]
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "curiouslab")
