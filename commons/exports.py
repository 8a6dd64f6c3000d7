"""Open data: the archive (with the visitor's filters) as CSV and JSON. One query whatever
the size; only what the public page shows (published projects; the team's name, never the
members' names, which stay on the page under each one's consent)."""

from __future__ import annotations

import csv
import io
import json

from django.urls import reverse
from django.utils import timezone

from cohorts.exports import safe_cell
from commons.selectors import ArchiveFilters, archive
from curiouslab.site import absolute_url

EXPORT_MAX = 50_000
FIELDS = [
    "slug",
    "url",
    "title",
    "question",
    "theme",
    "commune",
    "departement",
    "programme",
    "school_year",
    "team",
    "licence",
    "published_at",
    "outcome_status",
    "outcome_progress",
]


def export_rows(filters: ArchiveFilters) -> list[dict]:
    rows = archive(filters).values(
        "slug",
        "licence",
        "published_at",
        "departement_code",
        "team__name",
        "team__cohort__year",
        "team__cohort__programme__name",
        "team__challenge__title",
        "team__challenge__question",
        "team__challenge__theme",
        "team__challenge__municipality__name",
        "outcome__status",
        "outcome__progress",
    )[:EXPORT_MAX]
    return [
        {
            "slug": r["slug"],
            "url": absolute_url(reverse("commons:project", args=[r["slug"]])),
            "title": r["team__challenge__title"],
            "question": r["team__challenge__question"],
            "theme": r["team__challenge__theme"],
            "commune": r["team__challenge__municipality__name"],
            "departement": r["departement_code"] or "",
            "programme": r["team__cohort__programme__name"],
            "school_year": f"{r['team__cohort__year']}-{r['team__cohort__year'] + 1}",
            "team": r["team__name"],
            "licence": r["licence"],
            "published_at": r["published_at"].isoformat() if r["published_at"] else "",
            "outcome_status": r["outcome__status"] or "",
            "outcome_progress": r["outcome__progress"],
        }
        for r in rows
    ]


def archive_csv(filters: ArchiveFilters) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIELDS)
    for row in export_rows(filters):
        writer.writerow([safe_cell("" if row[f] is None else str(row[f])) for f in FIELDS])
    return "\ufeff" + buffer.getvalue()


def archive_json(filters: ArchiveFilters) -> str:
    return json.dumps(
        {
            "generated_at": timezone.now().isoformat(),
            "licence": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            "projects": export_rows(filters),
        },
        ensure_ascii=False,
    )
