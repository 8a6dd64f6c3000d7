"""The columns of the review list, shared by the page and its CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from challenges.models import Challenge


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Challenge], str]


def _submitted_on(c: Challenge) -> str:
    return timezone.localdate(c.submitted_at).isoformat() if c.submitted_at else ""


COLUMNS = [
    Column(_("Title"), lambda c: c.title),
    Column(_("Municipality"), lambda c: c.municipality.name),
    Column(_("Theme"), lambda c: str(c.get_theme_display())),
    Column(_("Programme year"), lambda c: c.call.school_year if c.call else ""),
    Column(_("Status"), lambda c: str(c.get_status_display())),
    Column(_("Submitted on"), _submitted_on),
]


def row(challenge: Challenge) -> list[str]:
    """The values as the exports write them (dates in ISO 8601, which spreadsheets sort)."""
    return [column.value(challenge) for column in COLUMNS]


def page_row(challenge: Challenge) -> list[str]:
    """The values as the review page shows them: dates in the reader's short format
    (01/12/2026 in French)."""
    values = row(challenge)
    if challenge.submitted_at:
        values[-1] = formats.date_format(
            timezone.localdate(challenge.submitted_at), "SHORT_DATE_FORMAT"
        )
    return values


def _safe(value: str) -> str:
    """Keep spreadsheets from reading a cell as a formula (CSV/formula injection)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def headers() -> list[str]:
    return [str(column.label) for column in COLUMNS]


def to_csv(challenges: Iterable[Challenge]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers())
    for challenge in challenges:
        writer.writerow([_safe(v) for v in row(challenge)])
    # The byte-order mark makes Excel read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(challenges: Iterable[Challenge]) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 -- openpyxl is heavy: loaded on the first spreadsheet export
    from openpyxl.styles import Font  # noqa: PLC0415 -- openpyxl is heavy: loaded on the first spreadsheet export

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = str(_("Challenges"))[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for challenge in challenges:
        sheet.append([_safe(v) for v in row(challenge)])
    for letter, width in zip("ABCDEF", (50, 30, 30, 14, 20, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
