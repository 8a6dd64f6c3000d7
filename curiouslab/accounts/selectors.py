"""Reads of the shared core that every app needs: who holds a role where."""

from __future__ import annotations

from django.db.models import QuerySet

from curiouslab.accounts.models import Organisation, Role, User
from curiouslab.accounts.roles import roles_for


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
    the referential (a département today): where they may invite communes."""
    return list(
        Organisation.objects.filter(
            id__in=roles_for(user).orgs(Role.COORDINATOR), departement__isnull=False
        ).select_related("departement")
    )


def territory_departement_codes(organisations) -> list[str]:
    return sorted({org.departement_id for org in organisations if org.departement_id})
