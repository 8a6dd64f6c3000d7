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


# The time zones of France's territories, for a session held outside mainland France (a
# sprint's site in La Réunion or Martinique): its times are shown and exported in that zone.
TIME_ZONES = [
    ("Europe/Paris", _("Mainland France and Corsica (Europe/Paris)")),
    ("Indian/Reunion", _("La Réunion (Indian/Reunion)")),
    ("Indian/Mayotte", _("Mayotte (Indian/Mayotte)")),
    ("America/Martinique", _("Martinique (America/Martinique)")),
    ("America/Guadeloupe", _("Guadeloupe (America/Guadeloupe)")),
    ("America/Cayenne", _("French Guiana (America/Cayenne)")),
    ("America/Miquelon", _("Saint-Pierre-et-Miquelon (America/Miquelon)")),
    ("Pacific/Noumea", _("New Caledonia (Pacific/Noumea)")),
    ("Pacific/Tahiti", _("French Polynesia (Pacific/Tahiti)")),
]
