"""ProConnect, the State's OpenID Connect federation for public agents, as a django-allauth
provider: allauth's OpenID Connect provider with ProConnect's scopes and claims (``usual_name``
is the family name, ``siret`` the agent's organisation), its signed userinfo (ProConnect
answers a JWT, not JSON), and the ID token kept in the session for the logout at ProConnect
(``id_token_hint``). Configured by environment variables (settings.py); off when unset."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
)

from curiouslab.proconnect.views import ProConnectOAuth2Adapter

# The claims the coordinator is shown beside the person (README, "ProConnect").
ORGANISATION_CLAIMS = ("siret", "organizational_unit", "belonging_population")


def claims_of(extra_data: dict) -> dict:
    """ProConnect's claims of a connected account (userinfo, else the ID token's)."""
    return extra_data.get("userinfo") or extra_data.get("id_token") or {}


class ProConnectAccount(OpenIDConnectProviderAccount):
    def to_str(self):
        claims = claims_of(self.account.extra_data)
        return claims.get("email") or super().to_str()


class ProConnectProvider(OpenIDConnectProvider):
    id = "proconnect"
    name = "ProConnect"
    account_class = ProConnectAccount
    oauth2_adapter_class = ProConnectOAuth2Adapter

    def get_default_scope(self):
        return ["openid", "email", "given_name", "usual_name", "siret", "uid"]

    def extract_common_fields(self, data):
        claims = claims_of(data)
        return {
            "email": claims.get("email"),
            "first_name": claims.get("given_name") or "",
            "last_name": claims.get("usual_name") or claims.get("family_name") or "",
        }

    def extract_email_addresses(self, data):
        """ProConnect's identity providers vouch for the address (they are the agents'
        employers), so it is verified even without an ``email_verified`` claim."""
        claims = claims_of(data)
        email = claims.get("email")
        if not email:
            return []
        verified = claims.get("email_verified", True) is not False
        return [EmailAddress(email=email, verified=verified, primary=True)]


provider_classes = [ProConnectProvider]
