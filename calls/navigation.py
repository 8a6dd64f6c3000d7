from django.urls import reverse
from django.utils.translation import gettext as _

from curiouslab.accounts.context_processors import NavItem
from curiouslab.accounts.models import Role


def items(request, roles):
    result = []
    if roles.has_any(Role.COORDINATOR, Role.APPLICANT, Role.MUNICIPAL_STAFF, Role.EXPERT):
        result.append(NavItem(_("Calls for projects"), reverse("calls:home"), "calls"))
    if roles.has(Role.EXPERT):
        result.append(NavItem(_("My dossiers to assess"), reverse("calls:expert_home"), "calls"))
    return result
