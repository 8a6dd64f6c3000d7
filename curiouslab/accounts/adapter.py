import logging
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from curiouslab.mail import queue_email
from curiouslab.site import absolute_url

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """People join through invitations: public sign-up is closed unless ACCOUNT_SIGNUP_OPEN."""

    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_SIGNUP_OPEN

    def get_client_ip(self, request) -> str:
        # allauth raises ImproperlyConfigured (a 500) when X-Forwarded-For has fewer entries
        # than TRUSTED_PROXY_COUNT, i.e. when a request did not come through every proxy:
        # count it under the address it came from instead.
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.warning("X-Forwarded-For has fewer entries than TRUSTED_PROXY_COUNT")
            return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104

    def send_mail(self, template_prefix, email, context):
        # allauth's own messages (verification, password reset) go through the outbox and
        # the same Celery task as every other message, after commit.

        msg = self.render_mail(template_prefix, email, context)
        html = next((c for c, t in getattr(msg, "alternatives", []) if t == "text/html"), None)
        queue_email(to=list(msg.to), subject=msg.subject, body=msg.body, html=html)

    # The links of allauth's messages come from SITE_URL like every other link (not from the
    # Host header of the request that triggered them).
    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_account_already_exists_mail(self, email: str) -> None:
        ctx = {
            "signup_url": absolute_url(reverse("account_signup")),
            "password_reset_url": absolute_url(reverse("account_reset_password")),
        }
        self.send_mail("account/email/account_already_exists", email, ctx)

    def get_logout_redirect_url(self, request) -> str:
        """Signed in with ProConnect: sign out at ProConnect too (RP-initiated logout, with the
        ID token as hint), which sends the person back to the home page."""
        from curiouslab.proconnect.views import end_session_url  # noqa: PLC0415 -- the adapter loads before the app registry

        return end_session_url(request) or super().get_logout_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """ProConnect signs in people who already have an account (one an invitation created),
    matched by their verified address; it never creates one."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False


# Marks a value encrypted by MFAAdapter. A value without it is a secret stored in clear before
# encryption was turned on: it is still read, and `manage.py encrypt_mfa_secrets` encrypts it.
ENCRYPTED_PREFIX = "fernet:"


def mfa_fernet() -> MultiFernet:
    """The keys of MFA_ENCRYPTION_KEYS: the first encrypts, every one of them decrypts."""
    return MultiFernet([Fernet(key) for key in settings.MFA_ENCRYPTION_KEYS])


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted with MFA_ENCRYPTION_KEY."""

    def encrypt(self, text: str) -> str:
        return ENCRYPTED_PREFIX + mfa_fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(ENCRYPTED_PREFIX):
            return encrypted_text  # stored in clear before encryption was turned on
        token = encrypted_text.removeprefix(ENCRYPTED_PREFIX).encode()
        return mfa_fernet().decrypt(token).decode()
