"""Reads of the shared core that every app needs: who holds a role where."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from curiouslab.accounts.models import Organisation, Role, User
from curiouslab.accounts.roles import roles_for
from territories.models import Commune


def users_with_role(*, organisation_id: int, role: str) -> QuerySet[User]:
    """The active people holding an active ``role`` in the organisation: the one definition
    of "the coordinators of this programme", "the staff of this municipality", "the
    referents of this school"."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__role=role,
        memberships__is_active=True,
    ).distinct()


def territories_coordinated_by(user) -> list[Organisation]:
    """The coordinating organisations ``user`` coordinates that are linked to a territory of
    the referential (a département, a région or an intercommunality): where they may invite
    communes."""
    return list(
        Organisation.objects.filter(id__in=roles_for(user).orgs(Role.COORDINATOR))
        .filter(Q(departement__isnull=False) | Q(region__isnull=False) | Q(epci__isnull=False))
        .select_related("departement", "region", "epci")
    )


def communes_of_territory(organisation: Organisation) -> Q:
    """The condition on ``territories.Commune`` of the communes ``organisation`` covers: its
    département's, its région's, or its intercommunality's (none when it is linked to none)."""
    q = Q(pk__in=[])
    if organisation.departement_id:
        q |= Q(departement_id=organisation.departement_id)
    if organisation.region_id:
        q |= Q(departement__region_id=organisation.region_id)
    if organisation.epci_id:
        q |= Q(epci_id=organisation.epci_id)
    return q


def commune_in_territory(commune, organisation: Organisation) -> bool:
    return Commune.objects.filter(communes_of_territory(organisation), pk=commune.pk).exists()


def territory_departement_codes(organisations) -> list[str]:
    """The départements the commune search is bounded to for these territories."""
    q = Q(pk__in=[])
    for organisation in organisations:
        q |= communes_of_territory(organisation)
    return sorted(
        set(Commune.objects.filter(q).values_list("departement_id", flat=True).distinct())
    )


def proconnect_claims_of(user_ids) -> dict[int, dict]:
    """The organisation ProConnect vouches for, per person who signed in with it (one query):
    ``{user id: {"siret": …, "organizational_unit": …}}``."""
    from allauth.socialaccount.models import SocialAccount  # noqa: PLC0415 -- allauth's models load with the app registry

    from curiouslab.proconnect.provider import ORGANISATION_CLAIMS, claims_of  # noqa: PLC0415 -- the provider module imports allauth's views, loaded with the app registry

    accounts = SocialAccount.objects.filter(user_id__in=set(user_ids), provider="proconnect")
    result = {}
    for account in accounts:
        claims = claims_of(account.extra_data)
        result[account.user_id] = {k: claims[k] for k in ORGANISATION_CLAIMS if claims.get(k)}
    return result
