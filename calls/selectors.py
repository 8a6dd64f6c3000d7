"""Reads of the calls for projects, each starting from what the user may see."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from calls.conflicts import conflict_exists
from calls.enums import BudgetKind, CallStatus, DossierStatus
from calls.models import Assignment, Call, Dossier, Expert, Opinion
from calls.rules import applicant_org_ids
from curiouslab.accounts.models import Organisation, Role
from curiouslab.accounts.roles import roles_for

# Dossiers the coordinator and the experts read: filed, whatever became of them.
FILED = [
    DossierStatus.SUBMITTED,
    DossierStatus.INCOMPLETE,
    DossierStatus.ADMISSIBLE,
    DossierStatus.INADMISSIBLE,
]


def calls_managed_by(user):
    return Call.objects.filter(
        programme__organisation_id__in=roles_for(user).orgs(Role.COORDINATOR)
    ).select_related("programme")


def calls_public():
    return Call.objects.filter(status=CallStatus.PUBLISHED).select_related("programme")


def calls_open_to(user, at=None):
    """Published calls whose eligible kinds include one of the user's applicant organisations."""
    kinds = set(
        Organisation.objects.filter(pk__in=applicant_org_ids(user)).values_list("kind", flat=True)
    )
    return [c for c in calls_public() if set(c.eligible_kinds) & kinds]


def dossiers_visible_to(user):
    """The dossiers of the user's applicant organisations."""
    return Dossier.objects.filter(organisation_id__in=applicant_org_ids(user)).select_related(
        "call__programme", "organisation"
    )


def call_dossiers(call):
    """The coordinator's list: the filed dossiers with their number of assigned experts."""
    return (
        call.dossiers.filter(status__in=FILED)
        .select_related("organisation", "region")
        .annotate(expert_total=Count("assignments", distinct=True))
        .order_by("title", "pk")
    )


def budget_totals(dossier) -> dict[str, int]:
    rows = dossier.budget_lines.values("kind").annotate(total=Sum("amount"))
    totals = {BudgetKind.EXPENSE: 0, BudgetKind.COFUNDING: 0}
    for row in rows:
        totals[row["kind"]] = row["total"] or 0
    return totals


def seats_of(user):
    """The user's seats of expert: their address, and the expert role in the programme's
    organisation (a withdrawn role loses the seats)."""
    if not user.is_authenticated:
        return Expert.objects.none()
    return Expert.objects.filter(
        email__iexact=user.email,
        call__programme__organisation_id__in=roles_for(user).orgs(Role.EXPERT),
    )


def assignments_of(user):
    """The dossiers assigned to the user as an expert, never one with a declared conflict."""
    return (
        Assignment.objects.filter(expert__in=seats_of(user), dossier__status__in=FILED)
        .exclude(conflict_exists("expert_id", "dossier"))
        .select_related("dossier__organisation", "dossier__call", "expert", "opinion")
        .order_by("dossier__call_id", "dossier__title", "pk")
    )


def other_opinions(assignment):
    """The opinions of the dossier's other experts, when the call lets an expert read them
    and theirs is submitted; otherwise none."""
    opinion = getattr(assignment, "opinion", None)
    call = assignment.dossier.call
    if not call.experts_see_each_other or opinion is None or opinion.submitted_at is None:
        return Opinion.objects.none()
    return (
        Opinion.objects.filter(
            assignment__dossier_id=assignment.dossier_id, submitted_at__isnull=False
        )
        .exclude(assignment_id=assignment.pk)
        .select_related("assignment__expert")
    )


def experts_of(call):
    return call.experts.annotate(
        load=Count("assignments", distinct=True),
        done=Count("assignments", filter=Q(assignments__opinion__submitted_at__isnull=False)),
    ).prefetch_related("conflicts__organisation", "conflicts__region")


# Dossiers the experts assess and the synthesis ranks: filed and not refused.
ASSESSED = [DossierStatus.SUBMITTED, DossierStatus.ADMISSIBLE]
