"""The platform's public address: every absolute link comes from here.

Invitation links, check-in and audience QR codes, verification addresses printed on PDFs,
calendar feeds and the links in e-mails are all built by :func:`absolute_url` from
``SITE_URL``, so they agree with each other whatever process builds them (a web request, a
Celery worker, a management command). ``make demo PORT=… HOST=…`` sets ``SITE_URL`` to the
address it serves; a system check warns at start when ``SITE_URL``'s host is not one
``ALLOWED_HOSTS`` accepts (the links would then answer 400).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http.request import split_domain_port, validate_host


def site_url() -> str:
    """``SITE_URL`` without its trailing slash."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """The absolute address of ``path`` (``/…``) on this platform."""
    if not path.startswith("/"):
        path = "/" + path
    return site_url() + path


@checks.register("curiouslab")
def check_site_url_host(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``SITE_URL``'s host must be accepted by ``ALLOWED_HOSTS``: otherwise every link the
    platform sends (invitations, QR codes, verification addresses) answers 400."""
    host = urlsplit(site_url()).netloc.rsplit("@", 1)[-1]
    domain, _port = split_domain_port(host)
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        # Django's own default under DEBUG with no ALLOWED_HOSTS.
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    if domain and validate_host(domain, allowed):
        return []
    return [
        checks.Warning(
            f"SITE_URL ({settings.SITE_URL}) names the host {domain or host!r}, which "
            f"ALLOWED_HOSTS ({', '.join(allowed) or 'empty'}) does not accept: links in "
            "e-mails, QR codes and PDFs would answer 400 Bad Request.",
            hint="Set SITE_URL to the address people use, or add its host to ALLOWED_HOSTS.",
            id="curiouslab.W001",
        )
    ]
