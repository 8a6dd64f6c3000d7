"""Demo data shared by every app's seed: the context each ``<app>/demo.py`` receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress

from curiouslab.accounts.models import Membership, User

DEMO_PASSWORD = "curiouslab-demo"  # noqa: S105 - documented demo password


@dataclass
class DemoContext:
    """What the seeds have created so far, by name, for the next seeds to use."""

    objects: dict[str, Any] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        return self.objects[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.objects[key] = value

    def say(self, message: str) -> None:
        self.log.append(message)


def ensure_user(email: str, first_name: str, last_name: str, *, language: str = "fr"):
    """The demo user with this address, created with the demo password and a verified
    address if missing (idempotent)."""

    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first_name, "last_name": last_name, "language": language},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def ensure_membership(user, organisation, role: str, **extra):
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults=extra
    )
    return membership
