from django.urls import reverse
from django.utils.translation import gettext as _

from curiouslab.accounts.context_processors import NavItem
from curiouslab.accounts.models import Role


def items(request, roles):
    if roles.has(Role.PLATFORM_ADMIN):
        return [NavItem(_("Platform"), reverse("onboarding:platform_home"), "admin")]
    return []
