"""Enumerations of the cohorts app: the values its models store and their labels (a model
refers to them, e.g. ``Team.Status`` is ``TeamStatus``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TeamStatus(models.TextChoices):
    FORMING = "forming", _("Forming")
    CONFIRMED = "confirmed", _("Confirmed")


class MilestoneKind(models.TextChoices):
    SCENARIO = "scenario", _("First scenario")
    PROTOTYPE = "prototype", _("Prototype")
    FINAL = "final", _("Final project")
    OTHER = "other", _("Other")


class EnrolmentStatus(models.TextChoices):
    # An « inscription » is feminine: « Refusée » (not the challenge's « Refusé »).
    REQUESTED = "requested", pgettext_lazy("enrolment status", "Requested")
    APPROVED = "approved", pgettext_lazy("enrolment status", "Approved")
    DECLINED = "declined", pgettext_lazy("enrolment status", "Declined")


class ProgrammeFormat(models.TextChoices):
    """What kind of programme it is; everything a format decides is in ``cohorts.formats``."""

    SCHOOL_YEAR = "school_year", _("School year")
    SPRINT = "sprint", _("Multi-site sprint")
    AGENTS_SCHOOL = "agents_school", _("Agents' school of innovation")
    CALL_FOR_PROJECTS = "call_for_projects", _("Call for projects")
