"""Deployment checks of our own (`manage.py check --deploy`), registered in AccountsConfig."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_https(app_configs, **kwargs):
    """Production runs behind TLS: HTTPS=true, or ALLOW_HTTP=true to say plain HTTP is meant."""
    if settings.HTTPS or settings.ALLOW_HTTP:
        return []
    return [
        checks.Error(
            "HTTPS is not true: sessions, passwords and TOTP codes would cross the network in "
            "clear, without HSTS nor secure cookies.",
            hint="Set HTTPS=true behind a TLS proxy, or ALLOW_HTTP=true if plain HTTP is "
            "deliberate (e.g. a closed network).",
            id="curiouslab.E001",
        )
    ]
