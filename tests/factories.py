"""factory_boy factories of the shared core. Apps add theirs in tests/<app>/factories.py."""

import datetime

import factory
from django.utils import timezone

from cohorts.models import Cohort, Programme, Team
from curiouslab.accounts.models import Membership, Organisation, OrganisationKind, Role, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    language = "fr"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.MUNICIPALITY
    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MUNICIPAL_STAFF


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.DEPARTEMENT)
    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort whose call for challenges is open today."""

    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    year = factory.Sequence(lambda n: 2026 + n)
    name = factory.LazyAttribute(lambda o: f"Curious Lab' {o.year}-{o.year + 1}")
    call_opens = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    call_closes = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    kickoff = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=45))
    working_starts = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=46)
    )
    working_ends = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=200))
    closing = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=210))


class TeamFactory(factory.django.DjangoModelFactory):
    """A forming team without a challenge; ``confirmed=True``: a confirmed team on an
    accepted challenge of its cohort (what a jury's finalist needs)."""

    class Meta:
        model = Team

    class Params:
        confirmed = factory.Trait(
            status=Team.Status.CONFIRMED,
            challenge=factory.SubFactory(
                "tests.challenges.factories.ChallengeFactory",
                accepted=True,
                call=factory.SelfAttribute("..cohort"),
            ),
        )

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Équipe {n}")


def member(role: str, organisation: Organisation, **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user
