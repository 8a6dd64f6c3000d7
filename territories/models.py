"""The official geographic referential (code officiel géographique of the INSEE): régions,
départements, EPCI à fiscalité propre and communes. Loaded from the shipped data file by
``manage.py load_referential`` (``territories/referential.py``); nobody types a code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", verbose_name=_("région")
    )

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    """An établissement public de coopération intercommunale à fiscalité propre."""

    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=8)
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        verbose_name = _("intercommunality")
        verbose_name_plural = _("intercommunalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    insee = models.CharField(_("INSEE code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    # The name without accents, in lower case, its hyphens and apostrophes as spaces: what the
    # autocomplete searches ("evry" finds Évry-Courcouronnes).
    search_name = models.CharField(max_length=80, db_index=True, editable=False)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("département"),
    )
    epci = models.ForeignKey(
        Epci,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("intercommunality"),
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    postcodes = models.CharField(_("postcodes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name", "insee"]

    def __str__(self) -> str:
        return f"{self.name} ({self.departement_id})"

    @property
    def postcode_list(self) -> list[str]:
        return self.postcodes.split()
