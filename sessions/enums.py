"""Enumerations of the sessions app: the values its models store and their labels; the
models refer to them (and can still be imported from the models module)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    KICKOFF = "kickoff", _("Kickoff")
    WORKING = "working", _("Working session")
    COACHING = "coaching", _("Coaching")
    EXPERT_TALK = "expert_talk", _("Expert talk")
    SITE_VISIT = "site_visit", _("Site visit")
    CLOSING = "closing", _("Closing session")


class AttendanceMethod(models.TextChoices):
    ROLL_CALL = "roll_call", _("Roll call")
    QR_CODE = "qr_code", _("QR code check-in")


class ReminderKind(models.TextChoices):
    SESSION = "session", _("Session reminder")
    MILESTONE = "milestone", _("Deadline reminder")


class CoachingKind(models.TextChoices):
    NOTE = "note", _("Note")
    QUESTION = "question", _("Question")
