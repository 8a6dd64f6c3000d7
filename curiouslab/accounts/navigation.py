from django.urls import reverse
from django.utils.translation import gettext as _

from curiouslab.accounts.context_processors import NavItem
from curiouslab.accounts.models import Role


def items(request, roles):
    result = [NavItem(_("Home"), reverse("home"))]
    if roles.has_any(Role.COORDINATOR, Role.MUNICIPAL_STAFF, Role.SCHOOL_REFERENT):
        result.append(NavItem(_("Invitations"), reverse("accounts:invitation_list"), "admin"))
    if roles.has(Role.COORDINATOR):
        result.append(NavItem(_("Audit log"), reverse("accounts:audit_log"), "admin"))
    return result
