"""Settings of the test suite: the platform's settings with TESTING on (see settings.py), plus
what only tests want. Chosen by pyproject's ``DJANGO_SETTINGS_MODULE``; a process a test starts
(a Celery worker, gunicorn) is given the production module on purpose."""

from curiouslab.settings import *  # noqa: F403

# Hashing with the production hasher costs ~0.2 s a user; tests do not need it.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
