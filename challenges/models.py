"""Challenges (défis) posted by municipalities, with their review history, versions, comments
and attachments.

The spine fields (programme, municipality, cohort, status, title, question, theme, created_by)
are relied upon by the other apps. The status changes only through ``challenges.services``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from challenges.enums import ChallengeStatus, OutcomeStatus, Theme  # noqa: F401 -- the models' enumerations, importable from here too
from curiouslab.accounts.models import Organisation


class FrenchSearchVectorField(SearchVectorField):
    """A tsvector column on PostgreSQL (filled by the services); an unused nullable column
    elsewhere. Needs neither ``django.contrib.postgres`` in INSTALLED_APPS nor any extension."""

    def check(self, **kwargs):
        return [e for e in super().check(**kwargs) if e.id != "postgres.E005"]


# The fields a municipality writes; versions, diffs and the audit log compare these.
CONTENT_FIELDS = [
    "title",
    "question",
    "theme",
    "territory",
    "stakes",
    "stakeholders",
    "users_concerned",
    "obstacles",
    "levers",
    "expected_outcome",
    "elected_sponsor",
    "staff_contact",
]
# Required before a challenge may be submitted (a draft may leave them empty).
REQUIRED_TO_SUBMIT = [
    "title",
    "question",
    "theme",
    "territory",
    "stakes",
    "users_concerned",
    "expected_outcome",
    "staff_contact",
]
# States in which the municipality may still edit the text.
EDITABLE_STATES = {
    ChallengeStatus.DRAFT,
    ChallengeStatus.SUBMITTED,
    ChallengeStatus.CHANGES_REQUESTED,
    ChallengeStatus.RESUBMITTED,
}
UNDER_REVIEW_STATES = {ChallengeStatus.SUBMITTED, ChallengeStatus.RESUBMITTED}


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
    call = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="called_challenges",
        verbose_name=_("call for challenges"),
        help_text=_("The programme year whose call for challenges this challenge answers."),
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
    title = models.CharField(
        _("short title"),
        max_length=120,
        help_text=_("A few words that name the challenge, e.g. “A citizens' kiosk”."),
    )
    question = models.CharField(
        _("question"),
        max_length=300,
        help_text=_(
            "The challenge as one question starting with “How…”, e.g. “How can we make "
            "registering for the swimming school simple for every family?”"
        ),
    )
    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices)
    territory = models.CharField(
        _("territory"),
        max_length=200,
        blank=True,
        help_text=_("Where it happens: the whole town, a neighbourhood, a facility…"),
    )
    stakes = models.TextField(
        _("stakes"),
        blank=True,
        help_text=_("Why it matters now: the problem, its scale, what it costs not to act."),
    )
    stakeholders = models.TextField(
        _("stakeholders"),
        blank=True,
        help_text=_("Departments, partners and associations involved or to involve."),
    )
    users_concerned = models.TextField(
        _("users concerned"),
        blank=True,
        help_text=_("Who lives the problem: residents, families, agents, businesses…"),
    )
    obstacles = models.TextField(
        _("obstacles"),
        blank=True,
        help_text=_("What has stood in the way so far: rules, budget, habits, tools…"),
    )
    levers = models.TextField(
        _("levers"),
        blank=True,
        help_text=_("What you can rely on: places, people, data, money, political support."),
    )
    expected_outcome = models.TextField(
        _("expected outcome"),
        blank=True,
        help_text=_("What you hope the students bring: a scenario, a prototype, a service…"),
    )
    elected_sponsor = models.CharField(
        _("elected sponsor"),
        max_length=200,
        blank=True,
        help_text=_("The elected official who supports the challenge (name and office)."),
    )
    staff_contact = models.CharField(
        _("staff contact"),
        max_length=200,
        blank=True,
        help_text=_("The agent who follows the challenge day to day (name, department, e-mail)."),
    )
    review_message = models.TextField(
        _("coordinator's message"),
        blank=True,
        help_text=_("The reason given with the last request for changes or decision."),
    )
    outcome_status = models.CharField(
        _("what became of it"), max_length=20, choices=OutcomeStatus.choices, blank=True
    )
    outcome = models.TextField(
        _("outcome"),
        blank=True,
        help_text=_("What was actually built after the programme, in a few sentences."),
    )
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    # Kept up to date by the services on PostgreSQL only (French full-text search).
    search_vector = FrenchSearchVectorField(null=True, blank=True, editable=False)
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
            models.Index(fields=["programme", "-submitted_at"], name="challenge_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def coordinating_organisation_id(self) -> int:
        """The organisation that coordinates the programme this belongs to: what
        ``curiouslab.accounts.rules.coordinates_programme`` compares with the roles."""
        return self.programme.organisation_id

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES

    @property
    def review_tone(self) -> str:
        """The colour of the coordinators' message once they decided or asked for changes
        ('' while there is no decision to show)."""
        return {
            ChallengeStatus.DECLINED: "danger",
            ChallengeStatus.ACCEPTED: "success",
            ChallengeStatus.CHANGES_REQUESTED: "warning",
        }.get(self.status, "")

    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in CONTENT_FIELDS}

    def missing_to_submit(self) -> list[str]:
        """The verbose names of the required fields still empty."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in REQUIRED_TO_SUBMIT
            if not str(getattr(self, name) or "").strip()
        ]


class ChallengeTransition(models.Model):
    """One change of status: who, when, why, and the text as it stood then (so that the
    coordinator sees what changed since the last review)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ChallengeStatus.choices)
    to_status = models.CharField(max_length=20, choices=ChallengeStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("message"), blank=True)
    snapshot = models.JSONField(default=dict)
    # Set by challenge_set_status (a past moment for the demo's history).
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.challenge_id}: {self.from_status} → {self.to_status}"


class ChallengeVersion(models.Model):
    """The text of a challenge after an edit made once it had been submitted."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    changed_fields = models.JSONField(default=list)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "number"], name="challengeversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} v{self.number}"


class ChallengeComment(models.Model):
    """The thread between the coordinators and the municipality about one challenge."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_coordinator = models.BooleanField(default=False)
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.challenge_id}: {self.body[:40]}"


def attachment_path(instance: ChallengeAttachment, filename: str) -> str:
    # Never the uploaded name: a random name with the extension of the detected type.
    return f"challenges/{instance.challenge_id}/{uuid.uuid4().hex}.{instance.extension}"


class ChallengeAttachment(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="attachments")
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
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
