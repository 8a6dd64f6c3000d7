"""A team's project offered to the commons: the publication, its public deliverable versions
and each member's consent to their name appearing."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from commons.enums import Licence, OutcomeStatus, PublicationStatus


class Publication(models.Model):
    Status = PublicationStatus

    team = models.OneToOneField(
        "cohorts.Team", on_delete=models.CASCADE, related_name="publication"
    )
    slug = models.SlugField(_("address"), max_length=140, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    licence = models.CharField(
        _("licence"), max_length=30, choices=Licence.choices, default=Licence.ETALAB
    )
    commune_text = models.TextField(_("text about the commune"), blank=True)
    commune_approved_at = models.DateTimeField(null=True, blank=True)
    commune_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    public_versions = models.ManyToManyField(
        "cohorts.DeliverableVersion", blank=True, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return self.slug

    @property
    def coordinating_organisation_id(self) -> int:
        return self.team.coordinating_organisation_id

    @property
    def files_downloadable(self) -> bool:
        return self.licence != Licence.ALL_RIGHTS_RESERVED


class NameConsent(models.Model):
    """A member's answer: their name appears on the public page only while ``given`` is True."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="consents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    given = models.BooleanField(_("my name may appear"), null=True)  # None: not answered yet
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consent to the name appearing")
        verbose_name_plural = _("consents to the name appearing")
        constraints = [
            models.UniqueConstraint(fields=["publication", "user"], name="nameconsent_one_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.publication}"


def _photo_path(outcome, filename: str) -> str:
    """A random name under the follow-ups' folder, keeping the checked extension."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"commons/outcomes/{uuid.uuid4().hex}.{extension}"


class Outcome(models.Model):
    """What the commune built of a published project, as its municipality reports it: one
    row per publication, its status written by ``services.outcome_record`` only."""

    Status = OutcomeStatus

    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="outcome"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IDEA
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why the project was abandoned, or where it stands.")
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    budget = models.DecimalField(
        _("budget committed (€)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    photo = models.FileField(_("photo"), upload_to=_photo_path, max_length=200, blank=True)
    photo_alt = models.CharField(
        _("description of the photo"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    link = models.URLField(_("link"), blank=True, max_length=500)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="outcome_progress_at_most_100"
            )
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.publication} · {self.get_status_display()}"


class OutcomeMilestone(models.Model):
    """A dated step of the follow-up timeline (« étude lancée », « inauguration »)."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="milestones")
    on = models.DateField(_("date"))
    label = models.CharField(_("what happened"), max_length=200)

    class Meta:
        verbose_name = _("follow-up milestone")
        verbose_name_plural = _("follow-up milestones")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on} {self.label}"


class OutcomeReminder(models.Model):
    """A reminder sent to the municipality ``months`` after the closing: claimed once (the
    unique constraint), so beat may run the task as often as it likes."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="reminders")
    months = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "months"], name="outcomereminder_once_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.publication} +{self.months}"
