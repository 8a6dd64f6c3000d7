"""Enumerations of the accounts app: the values its models store and their labels; the
models refer to them (and can still be imported from the models module)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    DEPARTEMENT = "departement", _("Département")
    MUNICIPALITY = "municipality", _("Municipality")
    SCHOOL = "school", _("School")
    PARTNER = "partner", _("Partner")


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    MUNICIPAL_STAFF = "municipal_staff", _("Municipal staff")
    SCHOOL_REFERENT = "school_referent", _("School referent")
    STUDENT = "student", _("Student")
    COACH = "coach", _("Coach or expert")
    JUROR = "juror", _("Juror")
