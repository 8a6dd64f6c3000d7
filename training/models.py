"""The agents' school: training modules of an edition (a ``cohorts.Cohort`` of an agents'
school programme), each scheduled as sessions of the sessions app (``ModuleSession`` links
them: the sessions app knows nothing of modules); experiments run by a team of agents on a
commune, their user tests with inhabitants, their indicators and their replication sheet.

Agents are the members of the edition's teams (``cohorts.TeamMember``: ``school`` holds the
agent's employer, ``discipline`` their job family)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.enums import SheetStatus


class Module(models.Model):
    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="training_modules"
    )
    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(_("learning objectives"))
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(500)],
    )
    trainer = models.CharField(_("trainer"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "title"], name="module_unique_title"),
            models.CheckConstraint(
                condition=models.Q(duration_hours__gt=0), name="module_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def coordinating_organisation_id(self) -> int:
        return self.cohort.programme.organisation_id


class ModuleSession(models.Model):
    """A session of the sessions app that schedules (part of) a module."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="module_sessions")
    session = models.OneToOneField(
        "meetings.Session", on_delete=models.CASCADE, related_name="training_module"
    )

    class Meta:
        verbose_name = _("module session")
        verbose_name_plural = _("module sessions")

    def __str__(self) -> str:
        return f"{self.module} · {self.session}"


class Experiment(models.Model):
    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="experiments"
    )
    team = models.ForeignKey(
        "cohorts.Team", on_delete=models.PROTECT, related_name="experiments", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=200)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune"),
    )
    service = models.CharField(_("service concerned"), max_length=200)
    evaluation = models.TextField(_("evaluation"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def coordinating_organisation_id(self) -> int:
        return self.cohort.programme.organisation_id


class UserTest(models.Model):
    """A user-testing session with inhabitants."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="user_tests")
    held_on = models.DateField(_("date"))
    people_met = models.PositiveIntegerField(
        _("people met"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    learnt = models.TextField(_("what was learnt"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("user test")
        verbose_name_plural = _("user tests")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.experiment} · {self.held_on}"


class Indicator(models.Model):
    """A figure measured before and after the experiment."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40)
    before = models.DecimalField(_("before"), max_digits=12, decimal_places=2)
    after = models.DecimalField(_("after"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "name"], name="indicator_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ReplicationSheet(models.Model):
    """What another collectivité needs to reproduce the experiment. Public once published."""

    Status = SheetStatus

    experiment = models.OneToOneField(
        Experiment, on_delete=models.CASCADE, related_name="replication_sheet"
    )
    slug = models.SlugField(max_length=120, unique=True)
    conditions = models.TextField(_("conditions"))
    costs = models.TextField(_("costs"))
    steps = models.TextField(_("steps"))
    pitfalls = models.TextField(_("pitfalls"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("replication sheet")
        verbose_name_plural = _("replication sheets")

    def __str__(self) -> str:
        return str(self.experiment)

    @property
    def coordinating_organisation_id(self) -> int:
        return self.experiment.cohort.programme.organisation_id
