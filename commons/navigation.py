from django.urls import reverse
from django.utils.translation import gettext as _

from curiouslab.accounts.context_processors import NavItem
from curiouslab.accounts.models import Role


def items(request, roles):
    result = []
    if roles.has_any(Role.COORDINATOR, Role.MUNICIPAL_STAFF, Role.STUDENT):
        result.append(NavItem(_("Publications"), reverse("commons:publication_list"), "commons"))
    result.append(NavItem(_("Archive of projects"), reverse("commons:archive"), "commons"))
    return result
