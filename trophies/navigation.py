from django.urls import reverse
from django.utils.translation import gettext as _

from curiouslab.accounts.context_processors import NavItem
from curiouslab.accounts.models import Role


def items(request, roles):
    if roles.has_any(Role.COORDINATOR, Role.JUROR):
        return [NavItem(_("Jury"), reverse("trophies:jury_list"), "jury")]
    return []
