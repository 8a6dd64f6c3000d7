"""Run once in the provider's process before it serves: an agent account and the client
Curious Lab signs in with (python -m tests.oidc_provider.setup <redirect> <post-logout>)."""

import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    from allauth.account.models import EmailAddress
    from allauth.idp.oidc.models import Client
    from django.contrib.auth import get_user_model

    redirect_uri, post_logout_uri, email = sys.argv[1:4]
    user = get_user_model().objects.create_user(
        username="agent",
        email=email,
        password="mot-de-passe-agent",
        first_name="Inès",
        last_name="Robert",
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    client = Client(id="curiouslab", name="Curious Lab", skip_consent=True)
    client.set_secret("secret-de-test")
    client.set_redirect_uris([redirect_uri])
    client.set_post_logout_redirect_uris([post_logout_uri])
    client.set_scopes(["openid", "email", "given_name", "usual_name", "siret", "uid", "profile"])
    client.set_default_scopes(["openid"])
    client.save()


if __name__ == "__main__":
    main()
