"""Enumerations of the documents app: the values its models store and their labels; the
models refer to them (and can still be imported from the models module)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    DIPLOMA = "diploma", _("Diploma")
    TROPHY = "trophy", _("Trophy certificate")
    JUROR = "juror", _("Juror attestation")
    COACH = "coach", _("Coach attestation")
    MUNICIPALITY = "municipality", _("Municipality attestation")
    TRAINING = "training", _("Training attestation")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
