"""The login and callback views of ProConnect (allauth's OpenID Connect views with our
adapter)."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.http import Http404
from django.urls import reverse

from curiouslab.site import absolute_url

# Where the raw ID token and the logout address wait for the logout (id_token_hint).
SESSION_ID_TOKEN = "proconnect_id_token"  # noqa: S105 -- a session key, not a secret
SESSION_END_SESSION = "proconnect_end_session"


class ProConnectOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    def complete_login(self, request, app, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        id_token = kwargs["response"].get("id_token")
        end_session = self.openid_config.get("end_session_endpoint")
        if id_token and end_session:
            request.session[SESSION_ID_TOKEN] = id_token
            request.session[SESSION_END_SESSION] = end_session
        return login

    def _fetch_user_info(self, access_token: str) -> dict:
        """ProConnect signs its userinfo (``application/jwt``); other providers answer JSON."""
        headers = {"Authorization": f"Bearer {access_token}"}
        with get_adapter().get_requests_session() as sess:
            response = sess.get(self.profile_url, headers=headers)
            response.raise_for_status()
        if response.headers.get("Content-Type", "").startswith("application/jwt"):
            return jwtkit.verify_and_decode(
                credential=response.text,
                keys_url=self.openid_config["jwks_uri"],
                issuer=self.openid_config["issuer"],
                audience=self.get_provider().app.client_id,
                lookup_kid=jwtkit.lookup_kid_jwk,
                verify_signature=True,
            )
        return response.json()

    def get_callback_url(self, request, app):
        url = reverse("proconnect_callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, url, self.redirect_uri_protocol)


@login_not_required
def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(ProConnectOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc


@login_not_required
def callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(ProConnectOAuth2Adapter(request, provider_id))(
            request
        )
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc


def end_session_url(request) -> str | None:
    """ProConnect's logout address for this session's ID token, or None (not signed in with
    ProConnect). Read before the session is flushed (allauth asks for the address first)."""
    id_token = request.session.get(SESSION_ID_TOKEN)
    endpoint = request.session.get(SESSION_END_SESSION)
    if not (id_token and endpoint):
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": absolute_url(reverse("home")),
            "state": secrets.token_urlsafe(16),
        }
    )
    return f"{endpoint}?{query}"
