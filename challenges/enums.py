"""Enumerations of the challenges app: the values its models store and their labels; the
models refer to them (and can still be imported from the models module)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChallengeStatus(models.TextChoices):
    # A « défi » is masculine: « Accepté », « Retiré » (not the invitation's « Retirée »).
    DRAFT = "draft", pgettext_lazy("challenge status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("challenge status", "Submitted")
    CHANGES_REQUESTED = "changes_requested", pgettext_lazy("challenge status", "Changes requested")
    RESUBMITTED = "resubmitted", pgettext_lazy("challenge status", "Resubmitted")
    ACCEPTED = "accepted", pgettext_lazy("challenge status", "Accepted")
    DECLINED = "declined", pgettext_lazy("challenge status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("challenge status", "Withdrawn")


class Theme(models.TextChoices):
    URBANISM = "urbanisme", _("Urban planning")
    PLANNING = "amenagement", _("Land development")
    LOCAL_DEMOCRACY = "democratie_locale", _("Local democracy")
    ECONOMY = "economie", _("Economy")
    SOCIAL = "action_sociale", _("Social action")
    MOBILITY = "transports_mobilite", _("Transport and mobility")
    SPORTS = "sports_loisirs", _("Sports and leisure")
    CULTURE = "culture", _("Culture")
    WELCOME = "accueil", _("Public reception")
    MODERNISATION = "modernisation", _("Modernisation of the administration")
    OTHER = "autre", _("Other")


class OutcomeStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("Being implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    ABANDONED = "abandoned", _("Abandoned")
