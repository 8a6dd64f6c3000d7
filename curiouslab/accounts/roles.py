"""What roles a person holds, and where. Computed once per request and cached on the user."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from curiouslab import rawsql
from curiouslab.accounts.models import Membership, Role, User

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


def user_with_roles(user_id) -> User | None:
    """The user ``user_id`` with their active roles already cached on it (see ``roles_for``),
    in one query: the authentication backends load every signed-in request's user this way."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    attnames, select = rawsql.columns(User, "u")
    found = rawsql.rows(
        f"SELECT {select}, m.role, m.organisation_id FROM {rawsql.table(User)} u "  # noqa: S608
        f"LEFT JOIN {rawsql.table(Membership)} m ON m.user_id = u.id AND m.is_active "
        "WHERE u.id = %s",
        [pk],
    )
    if not found:
        return None
    n = len(attnames)
    user = rawsql.instance(User, dict(zip(attnames, found[0][:n], strict=True)))
    by_role: dict[str, set[int]] = {}
    for role, org_id in (row[n:] for row in found):
        if role is not None:
            by_role.setdefault(role, set()).add(org_id)
    setattr(user, _CACHE_ATTR, UserRoles({r: frozenset(ids) for r, ids in by_role.items()}))
    return user


def forget_roles(user) -> None:
    """Drop the cached roles (after a membership change within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
