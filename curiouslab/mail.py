"""E-mail goes out through a Celery task, queued only once the transaction commits.

Messages are rendered here, in the recipient's language, from three templates:
``<name>_subject.txt``, ``<name>.txt`` and optionally ``<name>.html``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


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


def send_templated_mail(*, recipients: Iterable, template: str, context: dict) -> int:
    """Render one message per recipient (User or Recipient) and queue it after commit.
    Returns how many were queued."""
    from curiouslab.accounts.tasks import send_email

    count = 0
    for person in recipients:
        r = Recipient.of(person)
        if not r.email:
            continue
        subject, body, html = render_mail(
            template=template, context={**context, "recipient": person}, language=r.language
        )
        kwargs = {"to": [r.email], "subject": subject, "body": body, "html": html}
        transaction.on_commit(lambda kw=kwargs: send_email.delay(**kw))
        count += 1
    return count
