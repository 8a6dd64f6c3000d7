"""Calls for projects (issue #18): a programme's call, the dossiers organisations file, the
experts who give confidential opinions on them.

A call belongs to a programme (whose coordinators run it); a dossier to the organisation that
files it (whose members write it together); an expert's seat on a call is an ``Expert`` row,
held by a person with the expert role (a membership) in the programme's organisation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.enums import (  # noqa: F401 -- the models' enumerations, importable from here too
    BudgetKind,
    CallStatus,
    Confidence,
    DossierStatus,
    Recommendation,
    Section,
)
from curiouslab.accounts.models import Organisation
from documents.models import new_verification_code
from trophies.enums import Normalisation

SCALE_MIN = 0
SCALE_MAX = 5  # experts score each criterion from 0 to 5


class Call(models.Model):
    programme = models.ForeignKey(
        "cohorts.Programme", on_delete=models.PROTECT, related_name="calls"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=120, unique=True)
    summary = models.TextField(_("presentation"), blank=True)
    eligibility = models.TextField(_("eligibility"))
    eligible_kinds = models.JSONField(
        _("organisations that may apply"),
        default=list,
        help_text=_("The kinds of organisation whose members may file a dossier."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    sections = models.JSONField(_("sections of the dossier"), default=list)
    funding_ceiling = models.PositiveIntegerField(
        _("funding ceiling (€)"), help_text=_("The most one project may request.")
    )
    envelope = models.PositiveIntegerField(
        _("envelope (€)"), help_text=_("The total the committee may grant.")
    )
    experts_per_dossier = models.PositiveSmallIntegerField(
        _("experts per dossier"), default=3, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    experts_see_each_other = models.BooleanField(
        _("experts read each other's opinions once theirs is submitted"), default=False
    )
    normalisation = models.CharField(
        _("normalisation of the scores"),
        max_length=10,
        choices=Normalisation.choices,
        default=Normalisation.ZSCORE,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("call for projects")
        verbose_name_plural = _("calls for projects")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")), name="call_opens_first"
            ),
            models.CheckConstraint(
                condition=models.Q(funding_ceiling__lte=models.F("envelope")),
                name="call_ceiling_within_envelope",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def coordinating_organisation_id(self) -> int:
        return self.programme.organisation_id

    def is_open(self, at=None) -> bool:
        """Dossiers may be submitted: from the opening to the closing, at the second."""
        now = at or timezone.now()
        return self.status == CallStatus.PUBLISHED and self.opens_at <= now < self.closes_at

    @property
    def section_labels(self) -> list[tuple[str, str]]:
        labels = dict(Section.choices)
        return [(key, labels[key]) for key in self.sections if key in labels]

    @property
    def eligible_kind_labels(self) -> list[str]:
        labels = dict(Organisation._meta.get_field("kind").choices)
        return [str(labels[k]) for k in self.eligible_kinds if k in labels]


class Criterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=120)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    descriptors = models.TextField(
        _("level descriptors"),
        blank=True,
        help_text=_("What each level means, one line a level (from 0 to 5)."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def descriptor_lines(self) -> list[str]:
        return [line.strip() for line in self.descriptors.splitlines() if line.strip()]


class AttachmentType(models.Model):
    """A kind of piece the dossier carries (a letter of support, the budget's detail…)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="attachment_types")
    name = models.CharField(_("name"), max_length=120)
    formats = models.JSONField(_("file types"), default=list)
    max_mb = models.PositiveSmallIntegerField(
        _("size limit (MB)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("attachment type")
        verbose_name_plural = _("attachment types")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Dossier(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="dossiers")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="dossiers"
    )
    title = models.CharField(_("project title"), max_length=200)
    # The region of the applicant (an expert's conflict by region reads it).
    region = models.ForeignKey(
        "territories.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.JSONField(_("sections"), default=dict)
    tags = models.JSONField(_("themes"), default=list, blank=True)
    amount_requested = models.PositiveIntegerField(_("amount requested (€)"), default=0)
    status = models.CharField(
        _("status"), max_length=14, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    # The sections open again after a request for missing pieces (empty: all, while a draft).
    reopened = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    receipt_code = models.CharField(
        _("verification code"), max_length=16, unique=True, default=new_verification_code
    )
    admissibility_reasons = models.TextField(_("reasons"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["call", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"], name="dossier_one_per_organisation"
            )
        ]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def coordinating_organisation_id(self) -> int:
        return self.call.programme.organisation_id

    def section_text(self, key: str) -> str:
        return str(self.content.get(key, ""))


class DossierRevision(models.Model):
    """Who changed what, and when: one row a save (the sections changed, not their text)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    changed = models.JSONField(default=list)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.at:%Y-%m-%d %H:%M}"


class BudgetLine(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField(_("kind"), max_length=10, choices=BudgetKind.choices)
    label = models.CharField(_("item"), max_length=200)
    amount = models.PositiveIntegerField(_("amount (€)"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


def attachment_path(instance: DossierAttachment, filename: str) -> str:
    # Never the uploaded name: a random name with the extension of the detected type.
    return f"calls/{instance.dossier_id}/{uuid.uuid4().hex}.{instance.extension}"


class DossierAttachment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    type = models.ForeignKey(AttachmentType, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Expert(models.Model):
    """A seat of expert on a call, for the person with this address (who holds the expert
    role in the programme's organisation once the invitation is accepted)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="experts")
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200)
    tags = models.JSONField(_("fields of expertise"), default=list, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "email"], name="expert_one_seat_per_call")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def coordinating_organisation_id(self) -> int:
        return self.call.programme.organisation_id


class ExpertConflict(models.Model):
    """A conflict of interest an expert declares: with an organisation or a whole region."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        "territories.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(region__isnull=False),
                name="expertconflict_has_ground",
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation or self.region)


class Assignment(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="assignments")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["expert", "dossier"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.dossier}"


class Opinion(models.Model):
    """An expert's written opinion on an assigned dossier: confidential (never shown to the
    applicant; to the other experts only if the call allows, once theirs is submitted)."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="opinion")
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), choices=Confidence.choices, default=Confidence.MEDIUM
    )
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    scores = models.JSONField(default=dict)  # criterion id (as text) → 0..5
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")

    def __str__(self) -> str:
        return f"{self.assignment}"
