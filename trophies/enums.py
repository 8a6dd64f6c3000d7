"""Enumerations of the trophies app: the values its models store and their labels; the
models refer to them (and can still be imported from the models module)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JuryStatus(models.TextChoices):
    SETUP = "setup", _("Being set up")
    OPEN = "open", _("Voting open")
    CLOSED = "closed", _("Voting closed")
    PUBLISHED = "published", _("Results published")


class Normalisation(models.TextChoices):
    NONE = "none", _("None: raw scores")
    ZSCORE = "zscore", _("Z-score per juror (a strict and a lenient juror weigh the same)")


class TieBreak(models.TextChoices):
    FIRST_CRITERION = "first_criterion", _("Higher mark on the first criterion")
    LOWER_SPREAD = "lower_spread", _("Lower spread (the jury agrees more)")
    CHAIR = "chair", _("The chair's casting vote")


class AwardBasis(models.TextChoices):
    RANKING = "ranking", _("Place in the overall ranking")
    CRITERION = "criterion", _("Best mark on a criterion")
    AUDIENCE = "audience", _("Audience vote")
