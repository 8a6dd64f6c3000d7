"""What every cohorts view shares: the role check, the scoped fetches that turn an outsider's
request into a 404 (and a visible team one may not manage into a 403), the refusal message and
the paginator."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect

from cohorts import selectors
from cohorts.formats import formats_using
from cohorts.models import Cohort, Team
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from curiouslab.errors import DomainError

PAGE_SIZE = 25


def require_role(request, *roles: str) -> None:
    if not roles_for(request.user).has_any(*roles):
        raise PermissionDenied


def managed_cohort(request, pk: int, *, feature: str | None = None) -> Cohort:
    """A cohort of a programme the user coordinates (404 otherwise), of a format that uses
    ``feature`` when one is named (a school year's enrolments are a 404 in a sprint)."""
    require_role(request, Role.COORDINATOR)
    cohorts = selectors.cohorts_managed_by(request.user)
    if feature:
        cohorts = cohorts.filter(programme__format__in=formats_using(feature))
    return get_object_or_404(cohorts, pk=pk)


def visible_team(request, pk: int) -> Team:
    return get_object_or_404(
        selectors.teams_visible_to(request.user).select_related(
            "cohort__programme", "challenge__municipality"
        ),
        pk=pk,
    )


def managed_team(request, pk: int) -> Team:
    """A team the user may see (404 otherwise) and manage (403 otherwise)."""
    team = visible_team(request, pk)
    if not request.user.has_perm("cohorts.manage_team", team):
        raise PermissionDenied
    return team


def refused(request, exc: DomainError, to: str):
    messages.error(request, exc.message)
    return redirect(to)


def page_of(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def posted_pk(value: str | None) -> int:
    """The id a form posted (a select's value), or 0 (no row has it) when it is not one: not
    ASCII digits, or longer than any id (a 5,000-digit number is not converted)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else 0
