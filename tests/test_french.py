"""French as a French office writes it: plain-text e-mails without HTML entities, plurals,
elision, gender agreement of state labels, French dates in tables, forms that mark each
missing field."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation

ROOT = Path(__file__).resolve().parent.parent
NAME = "École d'ingénieurs & <Cie>"
ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
DATE_NAMES = {"deadline", "until", "starts_at", "ends_at", "expires_at", "created_at"}


class Anything:
    """Whatever a template asks for: a name with an apostrophe, an ampersand and a bracket;
    ids are numbers (for ``{% url %}``) and dates are dates."""

    def __str__(self) -> str:
        return NAME

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in ("pk", "id", "number") or name.endswith("_id"):
            return 7
        if name in DATE_NAMES:
            return timezone.now() + datetime.timedelta(days=3)
        return Anything()

    def __getitem__(self, key):
        # Templates try ``obj[name]`` before ``obj.name``.
        return self.__getattr__(key) if isinstance(key, str) else Anything()

    def __iter__(self):
        return iter([Anything()])


class AnythingContext(Context):
    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            return Anything()


def _mail_templates() -> list[str]:
    names = []
    for path in sorted(ROOT.glob("**/templates/**/email/*.txt")):
        if ".venv" in path.parts:
            continue
        parts = path.parts
        names.append("/".join(parts[parts.index("templates") + 1 :]))
    return names


def test_every_app_has_its_mail_templates_found():
    names = _mail_templates()
    assert "accounts/email/invitation.txt" in names
    assert "sessions/email/session_changed.txt" in names
    assert "trophies/documents/email/document_ready.txt" in names
    assert len(names) >= 40


@pytest.mark.parametrize("name", _mail_templates())
def test_plain_text_mail_never_contains_an_html_entity(name):
    template = get_template(name).template
    with translation.override("fr"):
        text = template.render(
            AnythingContext({"date_changed": True, "place_changed": True, "message": NAME})
        )
    assert not ENTITY.search(text), f"{name} escapes HTML in a plain-text message:\n{text}"
    assert NAME in text or "{{" not in Path(template.origin.name).read_text()


@pytest.mark.django_db
def test_invitation_mail_names_the_school_as_it_is_written(world):
    from curiouslab.accounts.models import Invitation, Role
    from curiouslab.mail import render_mail

    school = world.a.school
    school.name = "École d'ingénieurs Paris-Ouest"
    school.save()
    invitation = Invitation.objects.create(
        email="eleve@example.org",
        organisation=school,
        role=Role.STUDENT,
        invited_by=world.a.people["school_referent"],
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    subject, body, _html = render_mail(
        template="accounts/email/invitation",
        context={"invitation": invitation, "accept_url": "https://x.example/a/"},
        language="fr",
    )
    assert "École d'ingénieurs Paris-Ouest" in subject
    assert "École d'ingénieurs Paris-Ouest" in body
    assert "&#x27;" not in subject + body


# --- Plurals ---------------------------------------------------------------------------------
from tests.trophies.document_fixtures import *  # noqa: E402, F403 - fixtures


@pytest.mark.django_db
def test_issuing_one_document_says_it_in_the_singular(docworld, login):
    from django.urls import reverse

    client = login(docworld.a.people["coordinator"])
    cohort = docworld.a.cohort
    page = client.get(
        reverse("documents:eligibility", args=[cohort.pk]) + "?kind=diploma"
    ).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "1 le recevra (dont 1 reste à délivrer) ; 2 ne le recevront pas." in text
    response = client.post(
        reverse("documents:issue", args=[cohort.pk]), {"kind": "diploma"}, follow=True
    )
    assert "1 document est en cours de création." in response.content.decode()
