from django.urls import reverse
from django.utils.translation import gettext as _

from curiouslab.accounts.context_processors import NavItem
from curiouslab.accounts.models import Role


def items(request, roles):
    result = []
    if roles.roles:
        result.append(NavItem(_("My sessions"), reverse("sessions:mine"), "sessions"))
    if roles.has_any(Role.COORDINATOR, Role.STUDENT, Role.COACH, Role.MUNICIPAL_STAFF):
        result.append(NavItem(_("Coaching"), reverse("sessions:coaching_list"), "sessions"))
    return result
