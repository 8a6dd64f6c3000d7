"""The committee's ranking table, exported (CSV, XLSX): the synthesis in rows. Cells are
defused against spreadsheet formulas (CSV injection), as the cohorts' exports are."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from calls.enums import Recommendation
from calls.models import Call
from calls.synthesis import synthesis_for
from cohorts.exports import safe_cell


def ranking_table(call: Call) -> tuple[list[str], list[list]]:
    criteria = list(call.criteria.all())
    header = [
        _("Rank"),
        _("Dossier"),
        _("Applicant"),
        _("Amount requested (€)"),
        _("Experts"),
        _("Weighted mean (out of 5)"),
        _("Result"),
        _("Gap between experts"),
        _("Experts disagree"),
        *[c.name for c in criteria],
        *[label for _key, label in Recommendation.choices],
    ]
    rows = []
    for s in synthesis_for(call):
        rows.append(
            [
                s.rank or "",
                safe_cell(s.dossier.title),
                safe_cell(s.dossier.organisation.name),
                s.dossier.amount_requested,
                s.experts,
                round(s.raw_score, 2) if s.raw_score is not None else "",
                round(s.score, 3) if s.score is not None else "",
                round(s.raw_range, 2) if s.raw_range is not None else "",
                _("yes") if s.disagreement else "",
                *[round(s.criterion_means.get(c.pk, 0), 2) if s.experts else "" for c in criteria],
                *[n for _label, n in s.recommendation_summary],
            ]
        )
    return [str(h) for h in header], rows


def filename(call: Call, fmt: str) -> str:
    return f"classement-{call.slug}.{fmt}"


def ranking_csv(call: Call) -> str:
    header, rows = ranking_table(call)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


def ranking_xlsx(call: Call) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 -- openpyxl is heavy: loaded on the first spreadsheet export

    header, rows = ranking_table(call)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Ranking")[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
