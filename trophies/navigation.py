from django.urls import reverse
from django.utils.translation import gettext as _

from curiouslab.accounts.context_processors import NavItem
from curiouslab.accounts.models import Role


def items(request, roles):
    result = []
    if roles.has_any(Role.COORDINATOR, Role.JUROR):
        result.append(NavItem(_("Jury"), reverse("trophies:jury_list"), "jury"))
    if roles.has(Role.COORDINATOR):
        result.append(NavItem(_("Diplomas and trophies"), reverse("documents:index"), "jury"))
    elif roles.has_any(Role.STUDENT, Role.COACH, Role.JUROR, Role.MUNICIPAL_STAFF):
        result.append(NavItem(_("My documents"), reverse("documents:mine"), "jury"))
    return result
