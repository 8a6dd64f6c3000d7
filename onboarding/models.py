"""A body that asks for a space on the platform to run its programmes, and the platform
administrator's decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onboarding.enums import REQUEST_KINDS, RequestStatus


class TerritoryRequest(models.Model):
    Status = RequestStatus

    kind = models.CharField(
        _("kind of body"),
        max_length=20,
        choices=[(k.value, k.label) for k in REQUEST_KINDS],
    )
    name = models.CharField(
        _("name of the body"),
        max_length=200,
        help_text=_("As it should appear on the platform, e.g. Département de l'Essonne."),
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("département"),
    )
    region = models.ForeignKey(
        "territories.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("région"),
    )
    epci = models.ForeignKey(
        "territories.Epci",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intercommunality"),
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("professional e-mail address"))
    job_title = models.CharField(_("position"), max_length=200)
    message = models.TextField(
        _("your project"), max_length=3000, help_text=_("What you would like to run, and when.")
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="fr")
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("reason"), blank=True, max_length=3000)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The organisation created when the request was approved."),
    )

    class Meta:
        verbose_name = _("request to start a territory")
        verbose_name_plural = _("requests to start a territory")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING

    @property
    def territory_label(self) -> str:
        place = self.departement or self.region or self.epci
        return str(place) if place else ""
