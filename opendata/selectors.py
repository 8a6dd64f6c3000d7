"""What the open-data API reads: the commons' public selectors only (published projects,
names with consent), so nothing unpublished can reach it; each list in a constant number of
queries."""

from __future__ import annotations

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from commons import selectors as commons
from commons.enums import PublicationStatus
from commons.models import NameConsent, Outcome, Publication


def projects(filters: commons.ArchiveFilters) -> QuerySet[Publication]:
    """The archive's published projects, with the consenting members' names prefetched."""
    return commons.archive(filters).prefetch_related(
        Prefetch(
            "consents",
            queryset=NameConsent.objects.filter(given=True)
            .select_related("user")
            .order_by("user__last_name", "user__pk"),
            to_attr="public_consents",
        )
    )


def project(slug: str) -> Publication | None:
    return projects(commons.ArchiveFilters()).filter(slug=slug).first()


def outcomes() -> QuerySet[Outcome]:
    return (
        Outcome.objects.filter(publication__status=PublicationStatus.PUBLISHED)
        .select_related("publication")
        .order_by("-updated_at", "-pk")
    )


def generation() -> tuple:
    """What changes whenever a public answer of the API may change: the published count, the
    latest publication, consent and follow-up (three small aggregates; the cache's key, see
    ``cache``)."""
    published = Q(status=PublicationStatus.PUBLISHED)
    figures = Publication.objects.aggregate(
        n=Count("pk", filter=published),
        published=Max("published_at"),
    )
    consent = NameConsent.objects.aggregate(at=Max("answered_at"))["at"]
    outcome = Outcome.objects.aggregate(at=Max("updated_at"))["at"]
    return (figures["n"], figures["published"], consent, outcome)
