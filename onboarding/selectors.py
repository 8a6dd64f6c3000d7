"""Reads of the territories' start: the requests, and the platform administrator's view of
every territory with its programmes and activity (in SQL, one query per page)."""

from __future__ import annotations

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cohorts.models import Cohort, Programme
from curiouslab.accounts.enums import COORDINATING_KINDS, Role
from curiouslab.accounts.models import AuditLogEntry, Membership, Organisation
from onboarding.enums import RequestStatus
from onboarding.models import TerritoryRequest


def organisation_for_place(*, kind, departement=None, region=None, epci=None):
    """The organisation of this kind already linked to this place of the referential."""
    filters = {"departement": departement, "region": region, "epci": epci}
    filters = {k: v for k, v in filters.items() if v is not None}
    if not filters:
        return None
    return Organisation.objects.filter(kind=kind, **filters).first()


def pending_request_for_place(*, kind, departement=None, region=None, epci=None) -> bool:
    return TerritoryRequest.objects.filter(
        kind=kind,
        status=RequestStatus.PENDING,
        departement=departement,
        region=region,
        epci=epci,
    ).exists()


def pending_requests() -> QuerySet[TerritoryRequest]:
    return (
        TerritoryRequest.objects.filter(status=RequestStatus.PENDING)
        .select_related("departement", "region", "epci")
        .order_by("created_at", "pk")
    )


def _count(queryset, group: str, field: str = "pk"):
    """The number of rows of ``queryset`` (filtered on OuterRef("pk")) as a subquery, 0 when
    there is none."""
    rows = queryset.order_by().values(group).annotate(n=Count(field, distinct=True)).values("n")
    return Coalesce(Subquery(rows[:1]), 0)


def territories_overview() -> QuerySet[Organisation]:
    """Every coordinating organisation with its programmes, cohorts, coordinators and the day
    of its last recorded action; the counts are subqueries, so a page costs one query."""
    last_action = (
        AuditLogEntry.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(last=Max("created_at"))
        .values("last")[:1]
    )
    return (
        Organisation.objects.filter(kind__in=COORDINATING_KINDS)
        .select_related("departement", "region", "epci")
        .annotate(
            programme_total=_count(
                Programme.objects.filter(organisation=OuterRef("pk")), "organisation"
            ),
            cohort_total=_count(
                Cohort.objects.filter(programme__organisation=OuterRef("pk")),
                "programme__organisation",
            ),
            coordinator_total=_count(
                Membership.objects.filter(
                    organisation=OuterRef("pk"), role=Role.COORDINATOR, is_active=True
                ),
                "organisation",
                "user",
            ),
            last_action_at=Subquery(last_action),
        )
        .order_by("name", "pk")
    )
