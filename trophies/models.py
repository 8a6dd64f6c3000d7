"""Jury, criteria, scores and results (issue #6); awards; documents (issue #7).

The jury models live here; the documents' models in ``trophies/document_models.py``,
imported at the end of this module."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Award(models.Model):
    """A trophy given to a team (and its commune) when the results are published."""

    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE, related_name="awards")
    category = models.CharField(_("category"), max_length=120)
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)
    team = models.ForeignKey("cohorts.Team", on_delete=models.PROTECT, related_name="awards")
    challenge = models.ForeignKey(
        "challenges.Challenge",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["cohort", "category", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "category", "rank"], name="award_one_per_category_rank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} — {self.team}"


from trophies.document_models import *  # noqa: E402,F403
