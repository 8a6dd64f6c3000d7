"""Factories of the jury: a ready jury with jurors, finalists and criteria in a few lines."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from curiouslab.accounts.models import Membership, Role
from sessions.models import Session, SessionKind
from tests.factories import CohortFactory, TeamFactory, UserFactory
from trophies.models import Criterion, Finalist, Jury, JuryMember, JuryStatus


class ClosingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    cohort = factory.SubFactory(CohortFactory)
    kind = SessionKind.CLOSING
    title = "Cérémonie de clôture"
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=3))


class JuryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jury

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Jury {n}")
    tie_break = factory.LazyFunction(lambda: ["first_criterion", "chair"])


def juror(jury: Jury, user=None) -> JuryMember:
    """A juror of ``jury``: holds the juror role in the jury's coordinating organisation."""
    if user is None:
        user = UserFactory()
    Membership.objects.get_or_create(
        user=user, organisation=jury.cohort.programme.organisation, role=Role.JUROR
    )
    return JuryMember.objects.create(jury=jury, user=user, email=user.email, name=str(user))


def finalist(jury: Jury, team=None, order: int = 0) -> Finalist:
    team = team or TeamFactory(cohort=jury.cohort, confirmed=True)
    return Finalist.objects.create(
        jury=jury, team=team, challenge_id=team.challenge_id, order=order
    )


def criterion(jury: Jury, name: str, weight: int = 1, order: int = 0) -> Criterion:
    return Criterion.objects.create(jury=jury, name=name, weight=weight, order=order)


def ready_jury(
    cohort=None,
    *,
    jurors: int = 2,
    finalists: int = 2,
    weights=(2, 1),
    status: str = JuryStatus.OPEN,
    **kwargs,
):
    """A jury with jurors, finalists and criteria, in ``status`` (open by default)."""
    jury = JuryFactory(cohort=cohort or CohortFactory(), **kwargs)
    members = [juror(jury) for _ in range(jurors)]
    teams = [finalist(jury, order=i + 1) for i in range(finalists)]
    names = ["Pertinence", "Innovation", "Faisabilité", "Prototype", "Collaboration"]
    crits = [criterion(jury, names[i], w, i + 1) for i, w in enumerate(weights)]
    if status != JuryStatus.SETUP:
        Jury.objects.filter(pk=jury.pk).update(status=status, opened_at=timezone.now())
        jury.refresh_from_db()
    return jury, members, teams, crits
