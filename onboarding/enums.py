from django.db import models
from django.utils.translation import gettext_lazy as _

from curiouslab.accounts.enums import OrganisationKind


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Declined")


# The bodies that may ask for a space, and the part of the referential each names.
REQUEST_KINDS = [
    OrganisationKind.DEPARTEMENT,
    OrganisationKind.REGION,
    OrganisationKind.EPCI,
    OrganisationKind.CNFPT,
    OrganisationKind.STATE_SERVICE,
]
