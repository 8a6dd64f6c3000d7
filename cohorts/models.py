"""Programmes, their yearly cohorts, school enrolment and teams.

This is the spine the other apps build on; the cohorts work (issue #4) extends it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.enums import (  # noqa: F401 -- the models' enumerations, importable from here too
    EnrolmentStatus,
    MilestoneKind,
    ProgrammeFormat,
    TeamStatus,
)
from cohorts.formats import Format, Terms, format_of
from curiouslab.accounts.models import Organisation
from sessions.models import SessionKind


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
    # Chosen when the programme is created, never changed: its editions, pages and documents
    # follow it (cohorts.formats).
    format = models.CharField(
        _("format"),
        max_length=24,
        choices=ProgrammeFormat.choices,
        default=ProgrammeFormat.SCHOOL_YEAR,
    )
    description = models.TextField(_("description"), blank=True)
    # Team composition rule.
    team_min_size = models.PositiveSmallIntegerField(_("minimum team size"), default=3)
    team_max_size = models.PositiveSmallIntegerField(_("maximum team size"), default=6)
    team_min_disciplines = models.PositiveSmallIntegerField(
        _("minimum number of disciplines"), default=3
    )
    team_min_schools = models.PositiveSmallIntegerField(_("minimum number of schools"), default=2)
    # Personal data (the programme's privacy notice, /cohorts/programmes/<slug>/privacy/).
    dpo_email = models.EmailField(
        _("data protection officer's e-mail"),
        blank=True,
        help_text=_(
            "Printed on the programme's privacy notice: where people exercise their rights."
        ),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention of participants' personal data (years)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "Counted from the closing date of each year of the programme; then the data is "
            "anonymised."
        ),
    )
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

    @property
    def coordinating_organisation_id(self) -> int:
        """The organisation that coordinates the programme this belongs to: what
        ``curiouslab.accounts.rules.coordinates_programme`` compares with the roles."""
        return self.organisation_id

    @property
    def format_spec(self) -> Format:
        return format_of(self.format)

    @property
    def terms(self) -> Terms:
        return self.format_spec.terms


# The home page points municipalities to their kickoff scenarios this long before and after
# kickoff day.
KICKOFF_WINDOW = datetime.timedelta(days=30)


class CohortQuerySet(models.QuerySet):
    """The call for challenges, in SQL; :meth:`Cohort.call_is_open` and
    :meth:`Cohort.takes_challenges` say the same of one cohort (tests/cohorts/test_call_rule.py)."""

    def call_open(self, at=None):
        """Challenges may be submitted: from the call's opening day to its closing day."""
        today = timezone.localdate(at)
        return self.filter(call_opens__lte=today, call_closes__gte=today)

    def taking_challenges(self, at=None):
        """A municipality may still write a challenge for it: the call has not closed (a
        draft may be started before it opens; submitting waits for the opening)."""
        return self.filter(call_closes__gte=timezone.localdate(at))


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
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created from"),
    )
    attendance_rule_to_confirm = models.PositiveSmallIntegerField(
        _("diploma attendance rule to confirm (%)"),
        null=True,
        blank=True,
        help_text=_("Copied from the previous cohort; applies once a coordinator confirms it."),
    )
    # When the retention ended and its participants were anonymised (privacy.tasks).
    participants_anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
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
    def coordinating_organisation_id(self) -> int:
        """The organisation that coordinates the programme this belongs to: what
        ``curiouslab.accounts.rules.coordinates_programme`` compares with the roles."""
        return self.programme.organisation_id

    @property
    def format_spec(self) -> Format:
        return self.programme.format_spec

    @property
    def terms(self) -> Terms:
        return self.programme.terms

    @property
    def school_year(self) -> str:
        return f"{self.year}-{self.year + 1}"

    def call_is_open(self, at=None) -> bool:
        today = timezone.localdate(at)
        return self.call_opens <= today <= self.call_closes

    def takes_challenges(self, at=None) -> bool:
        return timezone.localdate(at) <= self.call_closes

    def kickoff_window_is_open(self, at=None) -> bool:
        """The weeks around kickoff day when scenarios arrive and municipalities choose."""
        today = timezone.localdate(at)
        return self.kickoff - KICKOFF_WINDOW <= today <= self.kickoff + KICKOFF_WINDOW


class DraftSession(models.Model):
    """A session of the previous cohort copied one year later, waiting for a coordinator to
    confirm it (it becomes a session of the cohort) or set it aside. Only its plan is copied:
    the kind, title, times, place, agenda and invited roles — no people, no teams."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="draft_sessions")
    kind = models.CharField(_("kind"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    invited_roles = models.JSONField(_("invited roles"), default=list, blank=True)

    class Meta:
        verbose_name = _("session to confirm")
        verbose_name_plural = _("sessions to confirm")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title

    def get_kind_display(self) -> str:
        return SessionKind(self.kind).label if self.kind in SessionKind.values else self.kind


class Team(models.Model):
    Status = TeamStatus

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
    challenge_bound_at = models.DateTimeField(
        _("bound to its challenge on"),
        null=True,
        blank=True,
        help_text=_("Set when the municipality selects the team's kickoff scenario."),
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

    @property
    def coordinating_organisation_id(self) -> int:
        """The organisation that coordinates the programme this belongs to: what
        ``curiouslab.accounts.rules.coordinates_programme`` compares with the roles."""
        return self.cohort.programme.organisation_id


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
        indexes = [models.Index(fields=["cohort", "school"])]

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

    Kind = MilestoneKind

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

    @property
    def coordinating_organisation_id(self) -> int:
        """The organisation that coordinates the programme this belongs to: what
        ``curiouslab.accounts.rules.coordinates_programme`` compares with the roles."""
        return self.cohort.programme.organisation_id


# --- Issue #4: enrolment, kickoff, deliverables ---------------------------------------------


class SchoolEnrolment(models.Model):
    """A school taking part in a cohort: its referent asks, the coordinator decides."""

    Status = EnrolmentStatus

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("school")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    disciplines = models.JSONField(
        _("disciplines"),
        default=list,
        blank=True,
        help_text=_("The programmes or disciplines of the school's students (engineering, …)."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("school enrolment")
        verbose_name_plural = _("school enrolments")
        ordering = ["school__name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "school"], name="enrolment_once_per_cohort")
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.cohort}"

    @property
    def coordinating_organisation_id(self) -> int:
        """The organisation that coordinates the programme this belongs to: what
        ``curiouslab.accounts.rules.coordinates_programme`` compares with the roles."""
        return self.cohort.programme.organisation_id

    @property
    def discipline_list(self) -> str:
        return ", ".join(self.disciplines or [])


class StoredFile(models.Model):
    """An uploaded file kept in the default storage under a name we chose; the name the
    person gave is only shown and used for downloads."""

    path = models.CharField(max_length=300, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class KickoffScenario(models.Model):
    """One of a team's first scenarios for its challenge, presented on kickoff day. A team may
    put forward several ("the possibles"); the municipality reads them side by side and
    selects the most relevant ones."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="scenarios")
    challenge = models.ForeignKey(
        "challenges.Challenge",
        on_delete=models.CASCADE,
        related_name="scenarios",
        verbose_name=_("challenge"),
    )
    title = models.CharField(
        _("title"),
        max_length=120,
        blank=True,
        help_text=_("A few words that tell this possible apart from the team's others."),
    )
    text = models.TextField(_("scenario"))
    selected = models.BooleanField(_("selected"), default=False)
    selected_at = models.DateTimeField(null=True, blank=True)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kickoff scenario")
        verbose_name_plural = _("kickoff scenarios")
        ordering = ["team__name", "created_at", "id"]
        indexes = [models.Index(fields=["challenge", "selected"])]

    def __str__(self) -> str:
        return f"{self.team} · {self.challenge}"


class ScenarioFile(StoredFile):
    scenario = models.ForeignKey(KickoffScenario, on_delete=models.CASCADE, related_name="files")

    class Meta:
        verbose_name = _("scenario file")
        verbose_name_plural = _("scenario files")
        ordering = ["created_at", "id"]


class Deliverable(models.Model):
    """What a team hands in for a milestone; each upload is a new version, all kept."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="deliverables")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="deliverables")
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    last_submitted_at = models.DateTimeField(null=True, blank=True)
    version_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "milestone"], name="deliverable_once_per_milestone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.milestone}"


class DeliverableVersion(models.Model):
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    note = models.TextField(_("note"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deliverable version")
        verbose_name_plural = _("deliverable versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "number"], name="deliverable_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deliverable} v{self.number}"


class DeliverableFile(StoredFile):
    version = models.ForeignKey(DeliverableVersion, on_delete=models.CASCADE, related_name="files")

    class Meta:
        verbose_name = _("deliverable file")
        verbose_name_plural = _("deliverable files")
        ordering = ["created_at", "id"]


class VersionComment(models.Model):
    version = models.ForeignKey(
        DeliverableVersion, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} · {self.version}"


class DeadlineExtension(models.Model):
    """The coordinator lets one team hand in a milestone after its deadline."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="extensions")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="extensions")
    until = models.DateTimeField(_("extended until"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.UniqueConstraint(fields=["team", "milestone"], name="extension_once_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.milestone} → {self.until:%Y-%m-%d}"
