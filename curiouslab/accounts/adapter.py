from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from curiouslab.site import absolute_url


class AccountAdapter(DefaultAccountAdapter):
    """People join through invitations: public sign-up is closed unless ACCOUNT_SIGNUP_OPEN."""

    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_SIGNUP_OPEN

    def send_mail(self, template_prefix, email, context):
        # allauth's own messages (verification, password reset) go through the same Celery
        # task as every other message, after commit.
        from django.db import transaction

        from curiouslab.accounts.tasks import send_email

        msg = self.render_mail(template_prefix, email, context)
        html = next((c for c, t in getattr(msg, "alternatives", []) if t == "text/html"), None)
        kwargs = {"to": list(msg.to), "subject": msg.subject, "body": msg.body, "html": html}
        transaction.on_commit(lambda: send_email.delay(**kwargs))

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
