"""ProConnect's claims on top of allauth's provider: given_name, usual_name, the agent's
organisation (siret) and uid, each behind its scope as ProConnect does."""

from allauth.idp.oidc.adapter import DefaultOIDCAdapter

SIRET = "21910228700012"  # the organisation the test agent belongs to


class ProConnectLikeAdapter(DefaultOIDCAdapter):
    def get_claims(self, purpose, user, client, scopes, email=None, **kwargs):
        claims = super().get_claims(purpose, user, client, scopes, email=email, **kwargs)
        scopes = set(scopes)
        if "given_name" in scopes:
            claims["given_name"] = user.first_name
        if "usual_name" in scopes:
            claims["usual_name"] = user.last_name
        if "siret" in scopes:
            claims["siret"] = SIRET
        if "uid" in scopes:
            claims["uid"] = str(user.pk)
        return claims
