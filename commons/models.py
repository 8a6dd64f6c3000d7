"""A team's project offered to the commons: the publication, its public deliverable versions
and each member's consent to their name appearing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commons.enums import Licence, PublicationStatus


class Publication(models.Model):
    Status = PublicationStatus

    team = models.OneToOneField(
        "cohorts.Team", on_delete=models.CASCADE, related_name="publication"
    )
    slug = models.SlugField(_("address"), max_length=140, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    licence = models.CharField(
        _("licence"), max_length=30, choices=Licence.choices, default=Licence.ETALAB
    )
    commune_text = models.TextField(_("text about the commune"), blank=True)
    commune_approved_at = models.DateTimeField(null=True, blank=True)
    commune_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    public_versions = models.ManyToManyField(
        "cohorts.DeliverableVersion", blank=True, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return self.slug

    @property
    def coordinating_organisation_id(self) -> int:
        return self.team.coordinating_organisation_id

    @property
    def files_downloadable(self) -> bool:
        return self.licence != Licence.ALL_RIGHTS_RESERVED


class NameConsent(models.Model):
    """A member's answer: their name appears on the public page only while ``given`` is True."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="consents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    given = models.BooleanField(_("my name may appear"), null=True)  # None: not answered yet
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consent to the name appearing")
        verbose_name_plural = _("consents to the name appearing")
        constraints = [
            models.UniqueConstraint(fields=["publication", "user"], name="nameconsent_one_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.publication}"
