"""What roles a person holds, and where. Computed once per request and cached on the user."""

from __future__ import annotations

from dataclasses import dataclass, field

from curiouslab.accounts.models import Membership, Role

_CACHE_ATTR = "_curiouslab_roles"


@dataclass(frozen=True)
class UserRoles:
    by_role: dict[str, frozenset[int]] = field(default_factory=dict)

    def orgs(self, role: str) -> frozenset[int]:
        return self.by_role.get(role, frozenset())

    def has(self, role: str) -> bool:
        return bool(self.by_role.get(role))

    def has_any(self, *roles: str) -> bool:
        return any(self.has(r) for r in roles)

    @property
    def roles(self) -> list[str]:
        return [r for r in Role.values if self.has(r)]

    @property
    def all_orgs(self) -> frozenset[int]:
        return frozenset().union(*self.by_role.values()) if self.by_role else frozenset()


EMPTY = UserRoles()


def roles_for(user) -> UserRoles:
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        by_role: dict[str, set[int]] = {}
        for role, org_id in (
            Membership.objects.active().filter(user=user).values_list("role", "organisation_id")
        ):
            by_role.setdefault(role, set()).add(org_id)
        cached = UserRoles({r: frozenset(ids) for r, ids in by_role.items()})
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles (after a membership change within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
