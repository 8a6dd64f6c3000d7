"""Curious Lab settings: one file, driven by environment variables that fail loudly on bad values.

Without any variable set the platform runs on the embedded default: SQLite, local memory
cache, a Celery broker in local files, console e-mail and local media. Production sets
DATABASE_URL, REDIS_URL, EMAIL_URL, the storage variables and HTTPS=true (see README).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from curiouslab.env import (
    database_from_url,
    email_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# The tests run with curiouslab.settings_test (pyproject's DJANGO_SETTINGS_MODULE), which imports
# this module with TESTING on: the test defaults below (a var/test folder, testserver, eager
# tasks, no mandatory second factor) are chosen by naming that module, never guessed from the
# command line or the modules loaded.
TESTING = os.environ.get("DJANGO_SETTINGS_MODULE") == "curiouslab.settings_test"
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var" / ("test" if TESTING else ""))))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "The environment variable SECRET_KEY is required when DEBUG is false."
        )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
if TESTING:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_url(
    "SITE_URL",
    "http://testserver" if TESTING else "http://127.0.0.1:8000",
    schemes=("http", "https"),
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "curiouslab.proconnect",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "territories",
    "curiouslab.accounts",
    "challenges",
    "cohorts",
    "sessions.apps.SessionsConfig",
    "trophies",
    "documents",
    "privacy",
    "onboarding",
    "commons",
    "calls",
    "sprints",
    "opendata",
    "training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "curiouslab.accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "curiouslab.outbox.OutboxNoticeMiddleware",  # "your request waits for the broker"
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "curiouslab.accounts.middleware.CoordinatorSecurityMiddleware",
]

ROOT_URLCONF = "curiouslab.urls"
# --- Admin ----------------------------------------------------------------------------------
# The admin's address is not guessable in production: ADMIN_URL is required when DEBUG is false,
# a path of letters, digits, "-" and "_" ending with "/", at least 16 characters long. Its
# sign-in goes through allauth (curiouslab/urls.py), so rate limits and TOTP apply.
ADMIN_URL = env_str("ADMIN_URL", "admin/" if DEBUG or TESTING else "")
if not ADMIN_URL:
    raise ImproperlyConfigured(
        "The environment variable ADMIN_URL is required when DEBUG is false: a path that is "
        'hard to guess, e.g. the output of: python -c "import secrets; '
        "print(secrets.token_urlsafe(16) + '/')\""
    )
if not re.fullmatch(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*/", ADMIN_URL):
    raise ImproperlyConfigured(
        f"The environment variable ADMIN_URL={ADMIN_URL!r} must be a path of letters, digits, "
        "'-' and '_' ending with '/' (no leading '/')."
    )
if not (DEBUG or TESTING) and len(ADMIN_URL.replace("/", "")) < 16:
    raise ImproperlyConfigured(
        f"The environment variable ADMIN_URL={ADMIN_URL!r} is too easy to guess: use at "
        "least 16 characters, e.g. secrets.token_urlsafe(16)."
    )
WSGI_APPLICATION = "curiouslab.wsgi.application"
ASGI_APPLICATION = "curiouslab.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "curiouslab.accounts.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": database_from_url("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# --- Redis: cache and Celery broker ---------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", None, schemes=("redis", "rediss"))
if REDIS_URL:
    CACHES = {
        "default": {
            # One Redis client per pool; when Redis does not answer, reads miss and writes go
            # to the process's memory, after half a second at most (see curiouslab/cache.py).
            "BACKEND": "curiouslab.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "curiouslab",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database only, with or without Redis: a signed-in page costs one query
# by primary key, and a Redis outage signs nobody out. (Read through the cache, a session
# ended while Redis was down would come back from Redis afterwards.)
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Celery ---------------------------------------------------------------------------------
# Without Redis the broker is kombu's "filesystem" transport: messages are files under
# var/broker, shared by the web process and the worker on one machine, no server needed.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL",
    REDIS_URL or "filesystem://",
    schemes=("redis", "rediss", "filesystem", "memory", "amqp"),
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _folder in ("queue", "processed"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    # A request that publishes while Redis is down waits at most a few seconds for it
    # (the outbox keeps the task: curiouslab/outbox.py).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# One more try on a fresh connection (the pooled one may have died with a Redis restart).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # progress lives in the database, not in a result backend
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task running longer than this is killed, so a claim older than it belongs to a dead task:
# the stale age of the documents and the period of their sweep come from it (below). A chunk
# of 10 documents takes seconds; archives and e-mail runs have their own, longer limit.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
DOCUMENTS_LONG_TASK_TIME_LIMIT = env_int("DOCUMENTS_LONG_TASK_TIME_LIMIT", 900, minimum=10)
# The test suite runs tasks in-process; tests marked "worker" start a real worker.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Tasks that waited in the outbox while the broker was down (curiouslab/outbox.py).
    "outbox-relay": {"task": "accounts.relay_outbox", "schedule": timedelta(seconds=30)},
    "accounts-purge-expired-invitations": {
        "task": "accounts.purge_expired_invitations",
        "schedule": crontab(hour=3, minute=17),
    },
    # Documents whose worker or message was lost are rendered again (documents.tasks).
    # A safety net (a redelivered task takes its documents back, a transient error retries
    # with backoff): every quarter of the task time limit, 10 to 30 s.
    "documents-requeue-stuck-documents": {
        "task": "documents.requeue_stuck_documents",
        "schedule": timedelta(seconds=max(10, min(30, CELERY_TASK_TIME_LIMIT // 4))),
    },
    # Personal data: closed cohorts anonymised after their programme's retention, the audit
    # log purged after AUDIT_LOG_RETENTION_DAYS (privacy.tasks), every night.
    "privacy-apply-retention": {
        "task": "privacy.apply_retention",
        "schedule": crontab(hour=2, minute=41),
    },
    "privacy-purge-audit-log": {
        "task": "privacy.purge_audit_log",
        "schedule": crontab(hour=2, minute=53),
    },
    # Files in storage that no row points to, older than a day (curiouslab/storedfiles.py).
    "accounts-storage-sweep": {
        "task": "accounts.storage_sweep",
        "schedule": crontab(hour=4, minute=23),
    },
    # Sessions: reminders the day before a session and two days before a deadline; hourly
    # runs, each reminder claimed once (sessions.models.ReminderSent).
    "sessions-session-reminders": {
        "task": "sessions.send_session_reminders",
        "schedule": crontab(minute=5),
    },
    "sessions-deadline-reminders": {
        "task": "sessions.send_deadline_reminders",
        "schedule": crontab(minute=35),
    },
    # The commons: the municipality asked what became of its project 6, 12 and 24 months
    # after the closing, every morning, each step claimed once (commons.models.OutcomeReminder).
    "commons-outcome-reminders": {
        "task": "commons.send_outcome_reminders",
        "schedule": crontab(hour=8, minute=13),
    },
}

# Documents (trophies): a document pending or rendering for longer than this (by default the
# task time limit and 15 s) is re-queued by the sweep;
# workers render chunks of this many, each laid out in one pass (10: as fast as 25 in
# bench/documents_render.py, with a worker's memory flat); DOCUMENTS_QUEUE routes their tasks.
DOCUMENTS_STALE_SECONDS = env_int("DOCUMENTS_STALE_SECONDS", CELERY_TASK_TIME_LIMIT + 15, minimum=1)
# A document that failed on an error that can pass (storage full, database lost) is rendered
# again by the sweep this many times, after 30 s, 1 min, 2 min …
DOCUMENTS_AUTO_RETRIES = env_int("DOCUMENTS_AUTO_RETRIES", 3, minimum=0)
DOCUMENTS_AUTO_RETRY_DELAY = env_int("DOCUMENTS_AUTO_RETRY_DELAY", 30, minimum=0)
DOCUMENTS_CHUNK_SIZE = env_int("DOCUMENTS_CHUNK_SIZE", 10, minimum=1)
DOCUMENTS_QUEUE = env_str("DOCUMENTS_QUEUE", "") or None

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "curiouslab.accounts.backends.ModelBackend",
    "curiouslab.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "curiouslab.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Curious Lab] "
# Lockout is per account: five wrong passwords for one address within five minutes lock that
# address until the first of them is five minutes old, wherever they come from. The per-IP limits are wide, not a lockout: a closing
# session has hundreds of voters signing in from one venue's address, and one person's typos
# must never block the others. They only slow down someone spraying many accounts.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "100/5m/ip,5/5m/key",
    "login": "600/m/ip",
    "reset_password": "60/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    # The sprint's public registration (sprints.views.register): per connection and address.
    "sprint_registration": env_str("SPRINT_REGISTRATION_RATE", "30/10m/ip,5/h/key"),
}
# The client's address, for the per-IP limits: behind TRUSTED_PROXY_COUNT proxies of ours,
# the entry of X-Forwarded-For that the outermost of them wrote (entries further left are the
# client's own and can be forged); or the header TRUSTED_CLIENT_IP_HEADER (e.g. X-Real-IP)
# that the proxy sets. With neither, REMOTE_ADDR: then every visitor behind a proxy shares
# the proxy's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER", "") or None
# The open-data API's limit (opendata/api.py) counts the same client address.
NINJA_NUM_PROXIES = ALLAUTH_TRUSTED_PROXY_COUNT or None
# Sign-up is closed: people join through an invitation (curiouslab.accounts.services:
# invitation_create, invitation_accept).
ACCOUNT_SIGNUP_OPEN = env_bool("ACCOUNT_SIGNUP_OPEN", False)
# ProConnect (the State's OpenID Connect federation for public agents), off unless its three
# variables are set: PROCONNECT_SERVER_URL (the issuer, e.g.
# https://auth.agentconnect.gouv.fr/api/v2, or its .well-known address), PROCONNECT_CLIENT_ID,
# PROCONNECT_CLIENT_SECRET. Nobody gets an account through it: a first ProConnect sign-in
# links to the existing account of the same (verified) address, which an invitation created.
SOCIALACCOUNT_ADAPTER = "curiouslab.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {"proconnect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
PROCONNECT_SERVER_URL = env_str("PROCONNECT_SERVER_URL", "")
if PROCONNECT_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["proconnect"]["APPS"].append(
        {
            "provider_id": "proconnect",
            "name": "ProConnect",
            "client_id": env_str("PROCONNECT_CLIENT_ID", ""),
            "secret": env_str("PROCONNECT_CLIENT_SECRET", ""),
            "settings": {
                "server_url": PROCONNECT_SERVER_URL,
                "token_auth_method": "client_secret_post",
            },
        }
    )
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Curious Lab"
# One 30 s period either side is accepted (RFC 6238, 5.2): a phone a few seconds off, or a code
# typed as its period ends, still signs in. A code is still refused once used.
MFA_TOTP_TOLERANCE = 1
# TOTP secrets and recovery-code seeds are stored encrypted (Fernet) with MFA_ENCRYPTION_KEY:
# one key, or several separated by commas during a rotation, the newest first (it encrypts;
# all of them decrypt). See README, "Rotating the MFA key".
MFA_ADAPTER = "curiouslab.accounts.adapter.MFAAdapter"
MFA_ENCRYPTION_KEYS = env_list("MFA_ENCRYPTION_KEY", [])
if not MFA_ENCRYPTION_KEYS:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "The environment variable MFA_ENCRYPTION_KEY is required when DEBUG is false: "
            'a Fernet key, e.g. the output of: python -c "from cryptography.fernet import '
            'Fernet; print(Fernet.generate_key().decode())"'
        )
    # Development and tests only: a key derived from SECRET_KEY.
    MFA_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(f"mfa:{SECRET_KEY}".encode()).digest()).decode()
    ]
for _key in MFA_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "The environment variable MFA_ENCRYPTION_KEY holds a value that is not a Fernet key "
            "(32 bytes, url-safe base64)."
        ) from None
# Coordinators must set up a second factor before using the platform when this is on.
MFA_REQUIRED_FOR_COORDINATORS = env_bool("MFA_REQUIRED_FOR_COORDINATORS", not (DEBUG or TESTING))
# Staff (the Django admin) must have one whenever DEBUG is off: not a setting to turn off.
MFA_REQUIRED_FOR_STAFF = not (DEBUG or TESTING)
COORDINATOR_IDLE_TIMEOUT = env_int("COORDINATOR_IDLE_TIMEOUT", 30 * 60, minimum=60)
INVITATION_VALIDITY = timedelta(days=env_int("INVITATION_VALIDITY_DAYS", 14, minimum=1))
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=300)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files, uploads and storage ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# Uploads are never served from a public URL: every download goes through a view that
# checks permissions (see the apps' download views).
MEDIA_URL = "/media-not-served/"
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")
if STORAGE_BACKEND == "local":
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
elif STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET", required=True),
            "endpoint_url": env_url("S3_ENDPOINT_URL", None, schemes=("http", "https")),
            "region_name": env_str("S3_REGION", "") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID", required=True),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY", required=True),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(
        f"The environment variable STORAGE_BACKEND={STORAGE_BACKEND!r} must be 'local' or 's3'."
    )
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads stream to a temporary file
# ... named after the process receiving it, so that a killed process's files are removed by
# gunicorn's arbiter and by the storage sweep (curiouslab/storedfiles.py). A folder of this
# machine (the system's by default), never one shared between machines.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "curiouslab.storedfiles.UploadHandler",
]
FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR", "") or None
# The fields other than FileFields that hold a name in the default storage: the storage
# sweep deletes files older than a day that none of them (nor any FileField) points to.
STORAGE_PATH_FIELDS = [
    "cohorts.ScenarioFile.path",
    "cohorts.DeliverableFile.path",
    "documents.Document.file",
    "documents.DocumentArchive.file",
    "privacy.DataExport.file",
    "sprints.PrototypeFile.path",
    "sprints.BadgeSheet.file",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
globals().update(email_from_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Curious Lab <noreply@curiouslab.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
HTTPS = env_bool("HTTPS", False)
# Production runs behind TLS: `check --deploy` fails without HTTPS=true (curiouslab.accounts
# .checks) unless ALLOW_HTTP=true says that plain HTTP is deliberate (e.g. a closed network);
# the warnings about HTTPS-only settings are then silenced.
ALLOW_HTTP = env_bool("ALLOW_HTTP", False)
if HTTPS and ALLOW_HTTP:
    raise ImproperlyConfigured(
        "The environment variables HTTPS=true and ALLOW_HTTP=true contradict each other: set one."
    )
if ALLOW_HTTP:
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: the policy allows only this site's own files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Front end ------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"fontTools": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
# Who publishes the platform and answers about accessibility and personal data (the
# accessibility statement and the privacy notices print them).
PUBLISHER_NAME = env_str("PUBLISHER_NAME", "Curious Lab")
# Where people exercise their rights when a programme names no data protection officer.
PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL", "dpo@curiouslab.example.org")
# The audit log is kept this long, then purged by the beat (privacy.purge_audit_log).
AUDIT_LOG_RETENTION_DAYS = env_int("AUDIT_LOG_RETENTION_DAYS", 5 * 365, minimum=30)
# A personal data export (a ZIP built by a worker) can be downloaded this many days.
PRIVACY_EXPORT_DAYS = env_int("PRIVACY_EXPORT_DAYS", 7, minimum=1)
ACCESSIBILITY_CONTACT_EMAIL = env_str(
    "ACCESSIBILITY_CONTACT_EMAIL", "accessibilite@curiouslab.example.org"
)
ADMINS = [("Curious Lab", a) for a in env_list("ADMIN_EMAILS", [])]
