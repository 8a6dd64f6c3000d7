from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for the municipality")
    APPROVED = "approved", _("Approved by the municipality")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class Licence(models.TextChoices):
    ETALAB = "etalab-2.0", _("Licence Ouverte 2.0 (Etalab)")
    CC_BY = "cc-by-4.0", _("CC BY 4.0")
    CC_BY_SA = "cc-by-sa-4.0", _("CC BY-SA 4.0")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


class OutcomeStatus(models.TextChoices):
    """What became of a project (the accountability row, after Decidim's)."""

    IDEA = "idea", _("Idea")
    STUDY = "study", _("Being studied")
    EXPERIMENT = "experiment", _("Being tried out")
    IN_PROGRESS = "in_progress", _("Being built")
    DONE = "done", _("Built")
    ABANDONED = "abandoned", _("Abandoned")


# Months after the closing session when the municipality is reminded to report.
OUTCOME_REMINDER_MONTHS = (6, 12, 24)
