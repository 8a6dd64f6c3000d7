"""Reads of the shared core that every app needs: who holds a role where."""

from __future__ import annotations

from django.db.models import QuerySet

from curiouslab.accounts.models import User


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
