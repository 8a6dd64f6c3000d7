"""Models of the documents (diplomas, trophy certificates, attestations): issue #7.

A ``Document`` row is created (pending) when the coordinator issues; a Celery worker claims it
(rendering), renders the PDF and stores it through the storage backend (ready, or failed with
the error). What the document prints is frozen in ``data`` when it is issued, so the public
verification page shows exactly that and nothing more."""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.enums import DocumentKind, DocumentStatus  # noqa: F401 -- the models' enumerations, importable from here too

__all__ = [
    "DocumentKind",
    "DocumentStatus",
    "DocumentTemplate",
    "DocumentBranding",
    "DocumentSettings",
    "Document",
    "DocumentArchive",
]

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour such as #1b3a6b."))


class DocumentTemplate(models.Model):
    """A programme's own HTML and CSS for one kind of document in one language. Without one,
    the built-in default of that kind is used (``documents/templates/documents/defaults``)."""

    programme = models.ForeignKey(
        "cohorts.Programme", on_delete=models.CASCADE, related_name="document_templates"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    html = models.TextField(_("HTML"))
    css = models.TextField(_("CSS"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "language"], name="documenttemplate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.get_kind_display()} · {self.language}"


class DocumentBranding(models.Model):
    """The programme's logo, colours and signatory, printed on every document."""

    programme = models.OneToOneField(
        "cohorts.Programme", on_delete=models.CASCADE, related_name="document_branding"
    )
    primary_color = models.CharField(
        _("main colour"), max_length=7, default="#1b3a6b", validators=[hex_colour]
    )
    accent_color = models.CharField(
        _("accent colour"), max_length=7, default="#b3261e", validators=[hex_colour]
    )
    logo = models.FileField(
        _("logo"),
        upload_to="documents/branding/",
        blank=True,
        help_text=_("PNG or JPEG, at most 1 MB. Without one, the Curious Lab logo is printed."),
    )
    signatory_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("document branding")
        verbose_name_plural = _("document brandings")

    def __str__(self) -> str:
        return str(self.programme)


class DocumentSettings(models.Model):
    """A cohort's rule for diplomas, and when stuck documents were last re-queued."""

    cohort = models.OneToOneField(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="document_settings"
    )
    attendance_min_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=75,
        validators=[MaxValueValidator(100)],
        help_text=_("Share of the working sessions a student must attend to get a diploma."),
    )
    requeued_at = models.DateTimeField(_("stuck documents last re-queued"), null=True, blank=True)
    requeued_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document settings")
        verbose_name_plural = _("document settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attendance_min_percent__lte=100),
                name="documentsettings_percent_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.cohort)


def new_verification_code() -> str:
    """Ten base32 characters (50 random bits): short to type, impossible to guess."""
    return base64.b32encode(secrets.token_bytes(10)).decode()[:10]


class Document(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE, related_name="documents")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("recipient"),
    )
    award = models.ForeignKey(
        "trophies.Award", on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        help_text=_("The municipality of a municipality attestation."),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    data = models.JSONField(_("printed data"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DocumentStatus.choices,
        default=DocumentStatus.PENDING,
    )
    error = models.TextField(_("error"), blank=True)
    # True when the error can pass (storage full or unreachable, database lost): the stale
    # sweep renders the document again, at most DOCUMENTS_AUTO_RETRIES times (``retries``).
    error_transient = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)  # claims, by any task
    retries = models.PositiveSmallIntegerField(default=0)  # automatic retries after a failure
    file = models.CharField(_("file"), max_length=255, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    verification_code = models.CharField(
        _("verification code"), max_length=16, unique=True, default=new_verification_code
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Who holds the claim: the worker's node name (celery@host) and the task's id, so that a
    # redelivered task takes its own documents back and a dead worker's are handed over.
    claimed_by = models.CharField(max_length=200, blank=True)
    claim_task = models.CharField(max_length=64, blank=True)
    # The rendering process and its worker's main process ("machine/pid/main pid", the machine
    # being host name, boot id and PID namespace: documents.services.ProcessKey), so that a
    # worker of the same machine sees at once that they died.
    claim_process = models.CharField(max_length=200, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "id"]
        indexes = [
            models.Index(fields=["cohort", "status"]),
            models.Index(fields=["status", "claimed_at"]),
        ]
        constraints = [
            # One live document per person, award or municipality and kind: issuing twice
            # creates nothing new; a revoked one may be issued again.
            models.UniqueConstraint(
                fields=["cohort", "kind", "recipient"],
                condition=models.Q(revoked_at__isnull=True, recipient__isnull=False),
                name="document_one_live_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["kind", "award"],
                condition=models.Q(revoked_at__isnull=True, award__isnull=False),
                name="document_one_live_per_award",
            ),
            models.UniqueConstraint(
                fields=["cohort", "kind", "organisation"],
                condition=models.Q(
                    revoked_at__isnull=True, organisation__isnull=False, award__isnull=True
                ),
                name="document_one_live_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.display_name} · {self.verification_code}"

    @property
    def display_name(self) -> str:
        """Who or what the document is for: a person, a team or a municipality."""
        d = self.data or {}
        return d.get("recipient_name") or d.get("team") or d.get("commune") or ""

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.verification_code}.pdf"

    @property
    def coordinating_organisation_id(self) -> int:
        """What ``curiouslab.accounts.rules.coordinates_programme`` compares with the roles."""
        return self.cohort.programme.organisation_id

    @property
    def status_tone(self) -> str:
        """The colour of the status badge: green when ready, red when failed."""
        return {DocumentStatus.READY: "success", DocumentStatus.FAILED: "danger"}.get(
            self.status, "secondary"
        )


class DocumentArchive(models.Model):
    """A ZIP of all the ready documents of a cohort, built by a Celery task into storage."""

    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="document_archives"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    file = models.CharField(max_length=255, blank=True)
    document_count = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_task = models.CharField(max_length=64, blank=True)  # the building task's id
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document archive")
        verbose_name_plural = _("document archives")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == DocumentStatus.FAILED
