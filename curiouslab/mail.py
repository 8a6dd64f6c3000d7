"""E-mail goes out through a Celery task, written to the outbox in the caller's transaction and
published once it commits (``curiouslab.outbox``): a message asked for while the broker is down
waits in the database and is sent when the broker is back.

Messages are rendered here, in the recipient's language, from three templates:
``<name>_subject.txt``, ``<name>.txt`` and optionally ``<name>.html``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from curiouslab.outbox import outbox_enqueue, outbox_enqueue_many


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str = settings.LANGUAGE_CODE
    name: str = ""

    @classmethod
    def of(cls, person) -> Recipient:
        if isinstance(person, Recipient):
            return person
        return cls(
            email=person.email, language=getattr(person, "language", "") or "fr", name=str(person)
        )


def render_mail(*, template: str, context: dict, language: str) -> tuple[str, str, str | None]:
    with translation.override(language):
        ctx = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
        body = render_to_string(f"{template}.txt", ctx)
        try:
            html = render_to_string(f"{template}.html", ctx)
        except TemplateDoesNotExist:
            html = None
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, html


def queue_email(*, to: list[str], subject: str, body: str, html: str | None = None) -> None:
    """Have ``accounts.send_email`` send one message once the current transaction commits."""
    outbox_enqueue(
        task="accounts.send_email",
        kwargs={"to": list(to), "subject": subject, "body": body, "html": html},
    )


def send_templated_mail(*, recipients: Iterable, template: str, context: dict) -> int:
    """Render one message per recipient (User or Recipient) and queue it after commit.
    Returns how many were queued."""
    messages = []
    for person in recipients:
        r = Recipient.of(person)
        if not r.email:
            continue
        subject, body, html = render_mail(
            template=template, context={**context, "recipient": person}, language=r.language
        )
        messages.append({"to": [r.email], "subject": subject, "body": body, "html": html})
    if messages:
        outbox_enqueue_many(task="accounts.send_email", kwargs_list=messages)
    return len(messages)
