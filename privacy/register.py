"""The register of processing activities (RGPD article 30) of a coordinator's programmes:
one row per programme, as a spreadsheet (CSV, UTF-8), from the lines of ``processing``."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.exports import safe_cell
from privacy import processing


def _lines(items) -> str:
    return "\n".join(f"• {item}" for item in items)


def register_csv(programmes) -> str:
    header = [
        _("Processing activity"),
        _("Controller"),
        _("Contact for the data subjects' rights"),
        _("Purposes"),
        _("Legal basis"),
        _("Categories of data subjects"),
        _("Categories of personal data"),
        _("Recipients"),
        _("Transfers outside the European Union"),
        _("Retention"),
        _("Security measures"),
        _("Created on"),
        _("Updated on"),
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    today = timezone.localdate().isoformat()
    for programme in programmes:
        row = [
            _('Challenge programme "%(name)s"') % {"name": programme.name},
            programme.organisation.name,
            processing.contact_for(programme),
            _lines(processing.PURPOSES),
            str(processing.LEGAL_BASIS),
            _lines(processing.PERSONS),
            _lines(processing.DATA_CATEGORIES),
            _lines(processing.RECIPIENTS),
            str(processing.TRANSFERS),
            f"{processing.retention_text(programme)} {processing.audit_retention_text()}",
            _lines(processing.SECURITY),
            programme.created_at.date().isoformat(),
            today,
        ]
        writer.writerow([safe_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()
