from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

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
        response.headers["Vary"] = ", ".join(
            v for v in [response.headers.get("Vary"), "Cookie"] if v
        )
        return response


# Pages a coordinator without a second factor may still reach to set one up or leave.
_MFA_SETUP_ALLOWED = ("/accounts/", "/i18n/", "/healthz", "/static/")


class CoordinatorSecurityMiddleware:
    """Coordinators' sessions expire after COORDINATOR_IDLE_TIMEOUT seconds without a
    request; when MFA_REQUIRED_FOR_COORDINATORS is on, a coordinator without an authenticator
    is sent to set one up before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and roles_for(user).has(Role.COORDINATOR):
            request.session.set_expiry(settings.COORDINATOR_IDLE_TIMEOUT)
            if settings.MFA_REQUIRED_FOR_COORDINATORS and not request.path.startswith(
                _MFA_SETUP_ALLOWED
            ):
                from allauth.mfa.models import Authenticator

                if not Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP
                ).exists():
                    return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)
