"""The commons' reads. What the public sees starts here: published only, names only with
consent, files only under an open licence."""

from __future__ import annotations

from django.db.models import QuerySet

from cohorts.models import DeliverableFile
from commons.enums import PublicationStatus
from commons.models import Publication


def publications_public() -> QuerySet[Publication]:
    return Publication.objects.filter(status=PublicationStatus.PUBLISHED).select_related(
        "team__cohort__programme", "team__challenge__municipality"
    )


def public_member_names(publication: Publication) -> list[str]:
    """The names of the members who consented, and only while it is published."""
    if publication.status != PublicationStatus.PUBLISHED:
        return []
    return [
        c.user.get_full_name()
        for c in publication.consents.filter(given=True)
        .select_related("user")
        .order_by("user__last_name")
    ]


def public_files(publication: Publication) -> QuerySet[DeliverableFile]:
    """The files a visitor may download: none unless published under an open licence."""
    if publication.status != PublicationStatus.PUBLISHED or not publication.files_downloadable:
        return DeliverableFile.objects.none()
    return DeliverableFile.objects.filter(version__in=publication.public_versions.all())
