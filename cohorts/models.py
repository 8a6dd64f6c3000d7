"""Programmes, their yearly cohorts, school enrolment and teams.

This is the spine the other apps build on; the cohorts work (issue #4) extends it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from curiouslab.accounts.models import Organisation


class Programme(models.Model):
    """A challenge programme run by a coordinating organisation (e.g. a département)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("coordinating organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    # Team composition rule.
    team_min_size = models.PositiveSmallIntegerField(_("minimum team size"), default=3)
    team_max_size = models.PositiveSmallIntegerField(_("maximum team size"), default=6)
    team_min_disciplines = models.PositiveSmallIntegerField(
        _("minimum number of disciplines"), default=3
    )
    team_min_schools = models.PositiveSmallIntegerField(_("minimum number of schools"), default=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team_min_size__lte=models.F("team_max_size")),
                name="programme_team_size_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CohortQuerySet(models.QuerySet):
    def call_open(self, at=None):
        today = timezone.localdate(at)
        return self.filter(call_opens__lte=today, call_closes__gte=today)


class Cohort(models.Model):
    """One school year of a programme, with its calendar of phases."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The year the school year starts, e.g. 2026 for 2026-2027.")
    )
    call_opens = models.DateField(_("call for challenges opens"))
    call_closes = models.DateField(_("call for challenges closes"))
    kickoff = models.DateField(_("kickoff"))
    working_starts = models.DateField(_("working period starts"))
    working_ends = models.DateField(_("working period ends"))
    closing = models.DateField(_("closing session"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="cohort_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(call_opens__lte=models.F("call_closes")),
                name="cohort_call_window",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def school_year(self) -> str:
        return f"{self.year}-{self.year + 1}"

    def call_is_open(self, at=None) -> bool:
        today = timezone.localdate(at)
        return self.call_opens <= today <= self.call_closes


class Team(models.Model):
    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        CONFIRMED = "confirmed", _("Confirmed")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    challenge = models.ForeignKey(
        "challenges.Challenge",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("challenge"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FORMING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="team_unique_name_in_cohort")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A student in a team. A student belongs to at most one team per cohort."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    discipline = models.CharField(_("discipline"), max_length=80)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"], name="teammember_one_team_per_cohort"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.team}"


class CoachAssignment(models.Model):
    """A coach or expert who follows a team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="coach_assignments")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coach assignment")
        verbose_name_plural = _("coach assignments")
        constraints = [
            models.UniqueConstraint(fields=["team", "coach"], name="coach_once_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.coach} → {self.team}"


class Milestone(models.Model):
    """A deliverable due by a deadline (first scenario, prototype, final project)."""

    class Kind(models.TextChoices):
        SCENARIO = "scenario", _("First scenario")
        PROTOTYPE = "prototype", _("Prototype")
        FINAL = "final", _("Final project")
        OTHER = "other", _("Other")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    deadline = models.DateTimeField(_("deadline"))

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["deadline"]

    def __str__(self) -> str:
        return self.name
