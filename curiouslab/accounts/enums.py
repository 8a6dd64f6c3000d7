"""Enumerations of the accounts app: the values its models store and their labels; the
models refer to them (and can still be imported from the models module)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    DEPARTEMENT = "departement", _("Département")
    MUNICIPALITY = "municipality", _("Municipality")
    SCHOOL = "school", _("School")
    PARTNER = "partner", _("Partner")
    REGION = "region", _("Région")
    EPCI = "epci", _("Intercommunality")
    CNFPT = "cnfpt", _("CNFPT delegation")
    STATE_SERVICE = "state_service", _("State service")
    # The platform itself: its administrators approve the territories that ask to start.
    PLATFORM = "platform", _("Platform")


# The kinds of organisation that run programmes (their coordinators, coaches and jurors):
# the one list every rule about "a coordinating organisation" reads.
COORDINATING_KINDS = frozenset(
    {
        OrganisationKind.DEPARTEMENT,
        OrganisationKind.PARTNER,
        OrganisationKind.REGION,
        OrganisationKind.EPCI,
        OrganisationKind.CNFPT,
        OrganisationKind.STATE_SERVICE,
    }
)


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    MUNICIPAL_STAFF = "municipal_staff", _("Municipal staff")
    SCHOOL_REFERENT = "school_referent", _("School referent")
    STUDENT = "student", _("Student")
    COACH = "coach", _("Coach or expert")
    JUROR = "juror", _("Juror")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    # Calls for projects (calls/): an independent expert of a programme's calls, and a member
    # of an organisation that files dossiers.
    EXPERT = "expert", _("Expert of a call for projects")
    APPLICANT = "applicant", _("Applicant to a call for projects")
