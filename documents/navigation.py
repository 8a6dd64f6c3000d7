from django.urls import reverse
from django.utils.translation import gettext as _

from curiouslab.accounts.context_processors import NavItem
from curiouslab.accounts.models import Role


def items(request, roles):
    if roles.has(Role.COORDINATOR):
        return [NavItem(_("Diplomas and trophies"), reverse("documents:index"), "jury")]
    if roles.has_any(Role.STUDENT, Role.COACH, Role.JUROR, Role.MUNICIPAL_STAFF):
        return [NavItem(_("My documents"), reverse("documents:mine"), "jury")]
    return []
