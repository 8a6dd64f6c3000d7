"""Sessions of a cohort and attendance. The spine; the sessions work (issue #5) extends it."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from curiouslab.accounts.models import Role
from sessions.enums import TIME_ZONES, AttendanceMethod, CoachingKind, ReminderKind, SessionKind  # noqa: F401 -- the models' enumerations, importable from here too


class Session(models.Model):
    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    # Blank: the platform's zone (Europe/Paris). A session held in La Réunion or Martinique
    # (a sprint's site) names its zone: its times are shown and exported in it.
    time_zone = models.CharField(_("time zone"), max_length=40, blank=True, choices=TIME_ZONES)
    created_at = models.DateTimeField(auto_now_add=True)
    # Added by the sessions work: the teams invited (besides the invited roles, see
    # InvitedRole) and the people who run the session and may take attendance.
    invited_teams = models.ManyToManyField(
        "cohorts.Team", blank=True, related_name="invited_sessions", verbose_name=_("invited teams")
    )
    people_in_charge = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="sessions_in_charge",
        verbose_name=_("people in charge"),
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["cohort", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def coordinating_organisation_id(self) -> int:
        """The organisation that coordinates the programme this belongs to: what
        ``curiouslab.accounts.rules.coordinates_programme`` compares with the roles."""
        return self.cohort.programme.organisation_id


class Attendance(models.Model):
    """Who came to a session. One row per person and session."""

    Method = AttendanceMethod

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    present = models.BooleanField(_("present"), default=True)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.session}"


# --- Added by the sessions work (issue #5) ---------------------------------------------------
# The invited roles, the material, the calendar feed tokens, the reminders sent and the
# coaching thread.


class InvitedRole(models.Model):
    """A role invited to a session: every holder of the role in the cohort's scope (see
    ``sessions.selectors``)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="invited_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("invited role")
        verbose_name_plural = _("invited roles")
        constraints = [
            models.UniqueConstraint(fields=["session", "role"], name="invited_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.session}"


def material_path(instance: SessionMaterial, filename: str) -> str:
    return f"sessions/{instance.session_id}/material/{secrets.token_hex(8)}/{filename}"


class SessionMaterial(models.Model):
    """A file attached to a session (slides, programme, map). Served only through the
    permission-checked download view."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path, max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("material")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


def _feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of a person's iCalendar feed. Regenerating it replaces the token;
    revoking deletes the row, so the old address answers 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_feed_token, editable=False)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user}"


class ReminderSent(models.Model):
    """A reminder claimed for one person and one object. The unique constraint is the claim:
    a restarted beat or a retried task cannot send the same reminder twice."""

    Kind = ReminderKind

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "user"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} → {self.user_id}"


class CoachingEntry(models.Model):
    """A dated note or piece of advice from a coach or the coordinator on a team's coaching
    page, or a question from the team with its answer."""

    Kind = CoachingKind

    team = models.ForeignKey(
        "cohorts.Team", on_delete=models.CASCADE, related_name="coaching_entries"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("coaching entry")
        verbose_name_plural = _("coaching entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["team", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.team}"
