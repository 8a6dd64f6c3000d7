"""The participants' name badges: one PDF a site, one badge a page (A6) or eight an A4 page,
each with the participant's check-in QR code. Asked for by a coordinator
(``badges_request``, which queues the task in the same transaction), rendered by a worker
(``badges_render``: WeasyPrint through ``curiouslab.pdf.html_to_pdf``)."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from curiouslab import pdf
from curiouslab.accounts.models import User
from curiouslab.accounts.rules import require
from curiouslab.audit import audit_log
from curiouslab.outbox import outbox_enqueue
from curiouslab.qr import qr_image
from curiouslab.site import absolute_url
from curiouslab.storedfiles import discard, store
from sprints.enums import BadgeLayout, BadgeStatus, RegistrationStatus
from sprints.models import BadgeSheet, Site

PER_PAGE = {BadgeLayout.A6: 1, BadgeLayout.EIGHT: 8}


def badges_request(*, site: Site, actor: User, layout: str) -> BadgeSheet:
    require(actor, "sprints.manage_site", site)
    with transaction.atomic():
        sheet = BadgeSheet.objects.create(site=site, layout=layout, requested_by=actor)
        audit_log(actor=actor, action="sprint_site.badges", obj=sheet, after={"layout": layout})
        outbox_enqueue(task="sprints.render_badges", kwargs={"sheet_id": sheet.pk})
    return sheet


def badges_html(sheet: BadgeSheet) -> str:
    site = sheet.site
    people = list(
        site.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .select_related("team__challenge")
        .order_by("last_name", "first_name", "id")
    )
    badges = [
        {
            "name": f"{r.first_name} {r.last_name}",
            "collectivite": r.collectivite,
            "team": r.team.challenge.title if r.team_id and r.team.challenge_id else "",
            "qr": qr_image(absolute_url(reverse("sprints:check_in", args=[r.token]))),
        }
        for r in people
    ]
    per_page = PER_PAGE[sheet.layout]
    pages = [badges[i : i + per_page] for i in range(0, len(badges), per_page)]
    return render_to_string(
        "sprints/badges_pdf.html",
        {
            "site": site,
            "edition": site.edition.cohort,
            "pages": pages,
            "one_a_page": sheet.layout == BadgeLayout.A6,
        },
    )


def badges_render(*, sheet_id: int) -> BadgeSheet | None:
    """The worker's part: render the PDF, store it, mark the sheet ready (or failed with the
    reason). Idempotent: only a waiting sheet is rendered, and the UPDATE that marks it ready
    is conditional (a file written for a sheet finished meanwhile is discarded)."""
    sheet = BadgeSheet.objects.select_related("site__edition__cohort").filter(pk=sheet_id).first()
    if sheet is None or sheet.status != BadgeStatus.PENDING:
        return sheet
    language = getattr(sheet.requested_by, "language", "") or "fr"
    try:
        with translation.override(language):
            html = badges_html(sheet)
        content = pdf.html_to_pdf(html)
    except Exception as exc:  # noqa: BLE001 -- any rendering error is the sheet's, shown to the coordinator
        BadgeSheet.objects.filter(pk=sheet.pk, status=BadgeStatus.PENDING).update(
            status=BadgeStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        sheet.refresh_from_db()
        return sheet
    name = store(f"sprints/badges/{sheet.site_id}/{uuid.uuid4().hex}.pdf", ContentFile(content))
    updated = BadgeSheet.objects.filter(pk=sheet.pk, status=BadgeStatus.PENDING).update(
        status=BadgeStatus.READY,
        file=name,
        badge_count=html.count('class="badge-card"'),
        finished_at=timezone.now(),
    )
    if not updated:
        discard(name)
    sheet.refresh_from_db()
    return sheet
