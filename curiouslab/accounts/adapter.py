from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """People join through invitations: public sign-up is closed unless ACCOUNT_SIGNUP_OPEN."""

    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_SIGNUP_OPEN

    def send_mail(self, template_prefix, email, context):
        # allauth's own messages (verification, password reset) go through the outbox and
        # the same Celery task as every other message, after commit.
        from curiouslab.mail import queue_email

        msg = self.render_mail(template_prefix, email, context)
        html = next((c for c, t in getattr(msg, "alternatives", []) if t == "text/html"), None)
        queue_email(to=list(msg.to), subject=msg.subject, body=msg.body, html=html)
