from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class LanguageMiddleware:
    """French unless the person chose otherwise: the language cookie (set by the switcher),
    then the signed-in user's language, then French. The browser's Accept-Language is not
    used, so that a shared computer in a town hall always starts in French."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in SUPPORTED:
            user = getattr(request, "user", None)
            language = getattr(user, "language", None) if user and user.is_authenticated else None
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


IDLE_KEY = "curiouslab_last_activity"

# Pages a coordinator without a second factor may still reach to set one up or leave.
_MFA_SETUP_ALLOWED = ("/accounts/", "/i18n/", "/healthz", "/static/")


# The idle clock is written to the session at most this often (seconds), so that a coordinator's
# pages do not all pay for a session write.
IDLE_STAMP_EVERY = 60


class CoordinatorSecurityMiddleware:
    """Coordinators' sessions expire after COORDINATOR_IDLE_TIMEOUT seconds without a
    request; when MFA_REQUIRED_FOR_COORDINATORS is on, a coordinator without an authenticator
    is sent to set one up before anything else, and so is a staff member (the Django admin)
    when MFA_REQUIRED_FOR_STAFF is on (whenever DEBUG is off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and settings.MFA_REQUIRED_FOR_STAFF
            and not request.path.startswith(_MFA_SETUP_ALLOWED)
            and not has_totp(user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        if user.is_authenticated and roles_for(user).has(Role.COORDINATOR):
            now = int(time.time())
            last = request.session.get(IDLE_KEY)
            if last is not None and now - last > settings.COORDINATOR_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("Your session ended after a period of inactivity."))
                return redirect(f"{reverse('account_login')}?next={request.path}")
            if last is None or now - last >= IDLE_STAMP_EVERY:
                request.session[IDLE_KEY] = now
                # The session (and its cookie) dies after the idle timeout unless renewed.
                request.session.set_expiry(settings.COORDINATOR_IDLE_TIMEOUT)
            if (
                settings.MFA_REQUIRED_FOR_COORDINATORS
                and not request.path.startswith(_MFA_SETUP_ALLOWED)
                and not has_totp(user)
            ):
                return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)


# Whether a user has a TOTP authenticator, cached so that coordinators' pages do not each pay
# a query for it. allauth's authenticator_added/removed signals clear the entry (connected in
# AccountsConfig.ready); the time-out bounds staleness after a change made outside allauth
# (e.g. in the admin).
TOTP_CACHE_SECONDS = 600


def _totp_cache_key(user_id: int) -> str:
    return f"curiouslab:has-totp:{user_id}"


def has_totp(user) -> bool:
    key = _totp_cache_key(user.pk)
    cached = cache.get(key)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        cache.set(key, cached, TOTP_CACHE_SECONDS)
    return cached


def forget_totp(sender, user, **kwargs):
    """An authenticator was added or removed: the next request checks again."""
    cache.delete(_totp_cache_key(user.pk))


def start_idle_clock(sender, request, user, **kwargs):
    """Signing in starts the idle clock (connected in AccountsConfig.ready), so that the
    first page after signing in does not need a session write of its own."""
    if (
        request is not None
        and hasattr(request, "session")
        and roles_for(user).has(Role.COORDINATOR)
    ):
        request.session[IDLE_KEY] = int(time.time())
        request.session.set_expiry(settings.COORDINATOR_IDLE_TIMEOUT)
