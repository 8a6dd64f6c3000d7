"""Navigation by role. Each app may provide ``<app>/navigation.py`` with
``items(request, roles) -> list[NavItem]``; the menu is their concatenation."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from django.apps import apps

from curiouslab.accounts.roles import roles_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    section: str = ""


@cache
def _providers():
    providers = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.navigation")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.navigation":
                raise
            continue
        providers.append(module.items)
    return providers


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": roles_for(None)}
    roles = roles_for(user)
    items: list[NavItem] = []
    for provider in _providers():
        items.extend(provider(request, roles))
    current = request.path
    active = max(
        (i for i in items if current.startswith(i.url)), key=lambda i: len(i.url), default=None
    )
    return {"nav_items": items, "nav_active": active, "user_roles": roles}
