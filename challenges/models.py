"""Challenges (défis) posted by municipalities. The spine; the challenges work (issue #3)
extends it with the full form, versions, comments and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from curiouslab.accounts.models import Organisation


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


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


class Challenge(models.Model):
    programme = models.ForeignKey(
        "cohorts.Programme",
        on_delete=models.PROTECT,
        related_name="challenges",
        verbose_name=_("programme"),
    )
    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="challenges",
        verbose_name=_("municipality"),
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="challenges",
        verbose_name=_("cohort"),
        help_text=_("The cohort the challenge was put in; a challenge is in at most one."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ChallengeStatus.choices, default=ChallengeStatus.DRAFT
    )
    title = models.CharField(_("short title"), max_length=120)
    question = models.CharField(_("question"), max_length=300)
    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["municipality", "status"]),
        ]

    def __str__(self) -> str:
        return self.title
