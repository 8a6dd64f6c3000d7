"""Enumerations of the sprints app: the values its models store and their labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgendaKind(models.TextChoices):
    OPENING_TALK = "opening_talk", _("Opening talk")
    MINI_TALK = "mini_talk", _("Mini-talk")
    TEAM_WORK = "team_work", _("Team work")
    EXHIBITION = "exhibition", _("Exhibition")
    LOOK_BACK = "look_back", _("Collective look back")
    BREAK = "break", _("Break")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class JobFamily(models.TextChoices):
    """The job families of the territorial civil service (CNFPT's directory, grouped)."""

    MANAGEMENT = "management", _("Management and steering")
    SOCIAL = "social", _("Social action and health")
    EDUCATION = "education", _("Education, childhood and youth")
    CULTURE = "culture", _("Culture, sport and leisure")
    URBAN = "urban", _("Planning, urban development and environment")
    TECHNICAL = "technical", _("Infrastructure, buildings and technical services")
    DIGITAL = "digital", _("Digital and information systems")
    ADMIN = "admin", _("Administration, finance and human resources")
    ECONOMY = "economy", _("Economic development and employment")
    OTHER = "other", _("Other")


class BadgeLayout(models.TextChoices):
    A6 = "a6", _("One badge a page (A6)")
    EIGHT = "eight", _("Eight badges an A4 page")


class BadgeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Rating(models.IntegerChoices):
    NOT_AT_ALL = 1, _("Not at all")
    A_LITTLE = 2, _("A little")
    RATHER = 3, _("Rather")
    VERY = 4, _("Very")
