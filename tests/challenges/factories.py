"""Factories of the challenges app."""

from __future__ import annotations

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from challenges.models import Challenge, ChallengeStatus, Theme
from tests.factories import CohortFactory, OrganisationFactory

# The smallest files whose first bytes say what they are.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c633821a0f71f0004b00206843077fe0000000049454e44ae426082"
)
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert('pwned')</script></body></html>"


def pdf_upload(name: str = "plan.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A complete draft answering an open call; pass ``call`` (a cohort) and
    ``municipality`` to place it on a side of the test world. ``accepted=True``: accepted
    and put in the cohort whose call it answered (what teams, sessions and juries work on)."""

    class Meta:
        model = Challenge

    class Params:
        accepted = factory.Trait(
            status=ChallengeStatus.ACCEPTED, cohort=factory.SelfAttribute("call")
        )

    call = factory.SubFactory(CohortFactory)
    programme = factory.LazyAttribute(lambda o: o.call.programme)
    municipality = factory.SubFactory(
        OrganisationFactory,
        kind="municipality",
        territory=factory.SelfAttribute("..programme.organisation"),
    )
    status = ChallengeStatus.DRAFT
    title = factory.Sequence(lambda n: f"Défi numéro {n}")
    question = "Comment simplifier l'inscription des familles à l'école municipale de natation ?"
    theme = Theme.SPORTS
    territory = "Toute la commune"
    stakes = "Des files d'attente de plusieurs heures à chaque rentrée."
    stakeholders = "Service des sports, maîtres-nageurs, associations de parents."
    users_concerned = "Les familles, les agents d'accueil."
    obstacles = "Un logiciel ancien, des places limitées."
    levers = "Un portail famille existant."
    expected_outcome = "Un parcours d'inscription en ligne prototypé."
    elected_sponsor = "Mme l'adjointe aux sports"
    staff_contact = "Karim Haddad, service des sports"


def submitted(**kwargs) -> Challenge:
    """A challenge waiting for review (as if submitted through the service)."""
    from challenges.models import ChallengeTransition

    challenge = ChallengeFactory(
        status=kwargs.pop("status", ChallengeStatus.SUBMITTED),
        submitted_at=timezone.now(),
        **kwargs,
    )
    ChallengeTransition.objects.create(
        challenge=challenge,
        from_status=ChallengeStatus.DRAFT,
        to_status=ChallengeStatus.SUBMITTED,
        snapshot=challenge.content(),
    )
    return challenge


def on_side(side, **kwargs) -> dict:
    """Factory arguments that put a challenge on a side of the test world."""
    return {"call": side.cohort, "municipality": side.municipality, **kwargs}
