"""Read settings from the environment and fail loudly, naming the variable, on a bad value."""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, default: str | None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value.strip()


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = _raw(name, default)
    if value is None or (required and not value):
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name, None)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name}={value!r} is not a boolean (use true or false)."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name, None)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name}={value!r} is not a whole number."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(
            f"The environment variable {name}={number} must be at least {minimum}."
        )
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name, None)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, default: str | None, *, schemes: tuple[str, ...]) -> str | None:
    """A URL whose scheme is one of ``schemes`` (``None`` when unset and no default)."""
    value = _raw(name, default)
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a URL starting with "
            f"{' or '.join(s + '://' for s in schemes)} (got {value.split('://')[0]!r})."
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} has a malformed port."
        ) from None
    if parts.scheme not in ("sqlite", "filesystem", "memory") and not parts.hostname:
        raise ImproperlyConfigured(f"The environment variable {name} has no host name.")
    return value


def database_from_url(name: str, default: str) -> dict:
    url = env_url(name, default, schemes=("sqlite", "postgres", "postgresql", "pgsql"))
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except Exception as exc:  # dj_database_url raises ValueError and friends
        raise ImproperlyConfigured(f"The environment variable {name} is malformed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        config["ENGINE"] = "django.db.backends.postgresql"
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
        config["CONN_HEALTH_CHECKS"] = True
    return config


def email_from_url(name: str) -> dict[str, object]:
    """EMAIL_URL: smtp://user:pass@host:port, smtp+tls://…, smtp+ssl://…, console://, file:///path."""
    url = _raw(name, None)
    if not url:
        return {}
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parts.path,
        }
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme not in ("smtp", "smtp+tls", "smtp+ssl"):
        raise ImproperlyConfigured(
            f"The environment variable {name} must start with smtp://, smtp+tls://, "
            f"smtp+ssl://, console:// or file:// (got {scheme!r})."
        )
    if not parts.hostname:
        raise ImproperlyConfigured(f"The environment variable {name} has no host name.")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} has a malformed port."
        ) from None
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port
        or (465 if scheme == "smtp+ssl" else 587 if scheme == "smtp+tls" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp+tls",
        "EMAIL_USE_SSL": scheme == "smtp+ssl",
    }
