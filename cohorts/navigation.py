from django.urls import reverse
from django.utils.translation import gettext as _

from curiouslab.accounts.context_processors import NavItem
from curiouslab.accounts.models import Role


def items(request, roles):
    result = []
    if roles.has_any(Role.COORDINATOR, Role.SCHOOL_REFERENT, Role.MUNICIPAL_STAFF):
        result.append(NavItem(_("Programmes"), reverse("cohorts:cohort_list"), "cohorts"))
    if roles.has_any(
        Role.STUDENT, Role.COACH, Role.SCHOOL_REFERENT, Role.MUNICIPAL_STAFF, Role.COORDINATOR
    ):
        label = _("My team") if roles.roles == [Role.STUDENT] else _("Teams")
        result.append(NavItem(label, reverse("cohorts:my_teams"), "cohorts"))
    return result
