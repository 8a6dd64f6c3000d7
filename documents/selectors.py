"""Reads of the documents: the templates and branding a programme prints with, a cohort's
settings, what a person may download, and the progress of a cohort's rendering."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from cohorts.models import Cohort, Programme, TeamMember
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from documents.models import (
    Document,
    DocumentBranding,
    DocumentKind,
    DocumentSettings,
    DocumentStatus,
    DocumentTemplate,
)

DEFAULTS_DIR = Path(__file__).resolve().parent / "templates" / "documents" / "defaults"


@cache
def default_template(kind: str, language: str) -> tuple[str, str]:
    """The built-in HTML and CSS of a kind of document."""
    html = (DEFAULTS_DIR / f"{kind}.{language}.html").read_text(encoding="utf-8")
    css = (DEFAULTS_DIR / "document.css").read_text(encoding="utf-8")
    return html, css


def template_for(*, programme_id: int, kind: str, language: str) -> tuple[str, str]:
    """The programme's own HTML and CSS of a kind of document, or the built-in default."""
    custom = (
        DocumentTemplate.objects.filter(programme_id=programme_id, kind=kind, language=language)
        .values_list("html", "css")
        .first()
    )
    return custom if custom else default_template(kind, language)


def branding_for(programme: Programme) -> DocumentBranding:
    """The programme's branding, or the defaults (unsaved)."""
    branding = DocumentBranding.objects.filter(programme=programme).first()
    return branding or DocumentBranding(programme=programme)


def settings_for(cohort: Cohort) -> DocumentSettings:
    """The cohort's document settings, or the defaults (unsaved) when none were saved."""
    return DocumentSettings.objects.filter(cohort=cohort).first() or DocumentSettings(cohort=cohort)


def documents_visible_to(user) -> QuerySet[Document]:
    """Documents ``user`` may download: their own, their team's trophy certificates, their
    municipality's attestations, and all those of the cohorts they coordinate."""
    r = roles_for(user)
    if not user.is_authenticated:
        return Document.objects.none()
    team_ids = TeamMember.objects.filter(user=user).values("team_id")
    return Document.objects.filter(
        Q(recipient=user)
        | Q(kind=DocumentKind.TROPHY, award__team_id__in=team_ids)
        | Q(kind=DocumentKind.MUNICIPALITY, organisation_id__in=r.orgs(Role.MUNICIPAL_STAFF))
        | Q(cohort__programme__organisation_id__in=r.orgs(Role.COORDINATOR))
    )


def progress(*, cohort: Cohort) -> dict[str, Any]:
    """Counts by status of the cohort's live documents (one query)."""
    limit = int(getattr(settings, "DOCUMENTS_AUTO_RETRIES", 3))
    will_retry = Q(status=DocumentStatus.FAILED, error_transient=True, retries__lt=limit)
    relaunched = (
        Q(status=DocumentStatus.PENDING, attempts__gt=0)
        | Q(status=DocumentStatus.RENDERING, attempts__gt=1)
        | will_retry
    )
    rows = list(
        Document.objects.filter(cohort=cohort, revoked_at__isnull=True)
        .values("status")
        .annotate(
            n=Count("id"),
            relaunched=Count("id", filter=relaunched),
            will_retry=Count("id", filter=will_retry),
        )
    )
    counts = {r["status"]: r["n"] for r in rows}
    total = sum(counts.values())
    ready = counts.get(DocumentStatus.READY, 0)
    # A document failed on an error that can pass, with retries left, is still waiting.
    failed = counts.get(DocumentStatus.FAILED, 0) - sum(r["will_retry"] for r in rows)
    return {
        "total": total,
        "ready": ready,
        "failed": failed,
        "failed_all": counts.get(DocumentStatus.FAILED, 0),
        "relaunched": sum(r["relaunched"] for r in rows),
        "waiting": total - ready - failed,
        "percent": round(100 * (ready + failed) / total) if total else 0,
        "done": total > 0 and ready + failed == total,
    }
