"""The cohort's export: every student of every team, one row each, as CSV (UTF-8 with a byte
order mark, as a French spreadsheet opens it) or as an Excel workbook written in streaming
mode. Cells are defused against spreadsheet formulas (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from cohorts.models import Cohort, TeamMember

EXPORT_HEADER = [
    "team",
    "team_status",
    "challenge",
    "municipality",
    "last_name",
    "first_name",
    "email",
    "school",
    "discipline",
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_rows(cohort: Cohort) -> Iterator[list[str]]:
    members = (
        TeamMember.objects.filter(cohort=cohort)
        .select_related("team__challenge__municipality", "user", "school")
        .order_by("team__name", "user__last_name", "user__first_name")
    )
    for m in members.iterator(chunk_size=2000):
        challenge = m.team.challenge
        yield [
            m.team.name,
            m.team.get_status_display(),
            challenge.title if challenge else "",
            challenge.municipality.name if challenge else "",
            m.user.last_name,
            m.user.first_name,
            m.user.email,
            m.school.name,
            m.discipline,
        ]


def safe_cell(value: str) -> str:
    """Defuse spreadsheet formulas in exported text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_filename(cohort: Cohort, fmt: str) -> str:
    return f"teams-{cohort.programme.slug}-{cohort.year}.{fmt}"


def teams_csv(cohort: Cohort) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADER)
    for row in export_rows(cohort):
        writer.writerow([safe_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()


def teams_xlsx(cohort: Cohort) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 -- openpyxl is heavy: loaded on the first spreadsheet export

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Teams and students")[:31])
    sheet.append(EXPORT_HEADER)
    for row in export_rows(cohort):
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
