"""Enumerations of the calls for projects."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CallStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("call", "Draft")
    PUBLISHED = "published", pgettext_lazy("call", "Published")


class Section(models.TextChoices):
    """The parts of a dossier a call may ask for (its structured form)."""

    SUMMARY = "summary", _("Summary")
    TERRITORY = "territory", _("Territory")
    PARTNERS = "partners", _("Partners")
    METHOD = "method", _("Method")
    SCHEDULE = "schedule", _("Schedule")
    BUDGET = "budget", _("Budget")
    IMPACT = "impact", _("Expected impact")
    ATTACHMENTS = "attachments", _("Attachments")


# The sections written as text (the budget is a table, the attachments are files).
TEXT_SECTIONS = [
    Section.SUMMARY,
    Section.TERRITORY,
    Section.PARTNERS,
    Section.METHOD,
    Section.SCHEDULE,
    Section.IMPACT,
]


class DossierStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("dossier", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("dossier", "Submitted")
    # The coordinator asked for missing pieces: only the named sections are open again.
    INCOMPLETE = "incomplete", pgettext_lazy("dossier", "Missing pieces requested")
    ADMISSIBLE = "admissible", pgettext_lazy("dossier", "Admissible")
    INADMISSIBLE = "inadmissible", pgettext_lazy("dossier", "Not admissible")


class BudgetKind(models.TextChoices):
    EXPENSE = "expense", _("Expense")
    COFUNDING = "cofunding", _("Co-funding")


class Confidence(models.IntegerChoices):
    LOW = 1, _("Low: outside my field")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High: my field of expertise")


class Recommendation(models.TextChoices):
    RETAIN = "retain", _("To be retained")
    RESERVED = "reserved", _("To be retained with reservations")
    REJECT = "reject", _("Not to be retained")


# The file types a call may accept for an attachment (extension → label).
ATTACHMENT_FORMATS = {
    "pdf": "PDF",
    "docx": "Word (docx)",
    "odt": "OpenDocument (odt)",
    "xlsx": "Excel (xlsx)",
    "ods": "OpenDocument (ods)",
    "png": "PNG",
    "jpg": "JPEG",
}
