from django.urls import reverse
from django.utils.translation import gettext as _

from curiouslab.accounts.context_processors import NavItem
from curiouslab.accounts.models import Role


def items(request, roles):
    result = []
    if roles.has(Role.MUNICIPAL_STAFF):
        result.append(NavItem(_("My challenges"), reverse("challenges:list"), "challenges"))
    if roles.has(Role.COORDINATOR):
        result.append(NavItem(_("Review queue"), reverse("challenges:review_queue"), "challenges"))
    return result
