from django.urls import reverse
from django.utils.translation import gettext as _

from curiouslab.accounts.context_processors import NavItem
from curiouslab.accounts.models import Role


def items(request, roles):
    # Roles only (no query on every page), as the calls' entry: the national coordinators
    # (a programme's coordinator) and the sites' coordinators (who hold a coach's role in the
    # programme's organisation); the page lists what each of them runs.
    if roles.has_any(Role.COORDINATOR, Role.COACH):
        return [NavItem(_("Sprints"), reverse("sprints:home"), "cohorts")]
    return []
