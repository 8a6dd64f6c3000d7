"""Navigation by role. Each app may provide ``<app>/navigation.py`` with
``items(request, roles) -> list[NavItem]``; the menu is their concatenation, grouped by area
(``NavItem.section``, one of ``AREAS``) in the order of ``AREAS``: the side navigation shows
one labelled list per area, so a coordinator's dozen entries fit beside the page."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from curiouslab.accounts.roles import roles_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    section: str = ""


# Areas of the navigation, in the order they are shown; "" is the unlabelled first group (home,
# and any entry whose area is unknown).
AREAS: dict[str, Promise | str] = {
    "": "",
    "challenges": _("Challenges"),
    "cohorts": _("Programmes and teams"),
    "sessions": _("Sessions"),
    "jury": _("Jury and documents"),
    "calls": _("Calls for projects"),
    "commons": _("The commons"),
    "admin": _("Administration"),
}


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: Promise | str
    items: list[NavItem]


def nav_groups(items: list[NavItem]) -> list[NavGroup]:
    by_area: dict[str, list[NavItem]] = {key: [] for key in AREAS}
    for item in items:
        by_area[item.section if item.section in AREAS else ""].append(item)
    return [NavGroup(key, AREAS[key], entries) for key, entries in by_area.items() if entries]


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
        return {"nav_items": [], "nav_groups": [], "user_roles": roles_for(None)}
    roles = roles_for(user)
    items: list[NavItem] = []
    for provider in _providers():
        items.extend(provider(request, roles))
    current = request.path
    active = max(
        (i for i in items if current.startswith(i.url)), key=lambda i: len(i.url), default=None
    )
    return {
        "nav_items": items,
        "nav_groups": nav_groups(items),
        "nav_active": active,
        "user_roles": roles,
    }
