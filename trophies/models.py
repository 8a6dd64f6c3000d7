"""Jury, criteria, scores and results (issue #6) and the awards they give. The documents
(diplomas, certificates, attestations) are their own app, ``documents``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trophies.enums import AwardBasis, JuryStatus, Normalisation, TieBreak  # noqa: F401 -- the models' enumerations, importable from here too


class Award(models.Model):
    """A trophy given to a team (and its commune) when the results are published."""

    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE, related_name="awards")
    category = models.CharField(_("category"), max_length=120)
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)
    team = models.ForeignKey("cohorts.Team", on_delete=models.PROTECT, related_name="awards")
    challenge = models.ForeignKey(
        "challenges.Challenge",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["cohort", "category", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "category", "rank"], name="award_one_per_category_rank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} — {self.team}"


SCALE_LIMIT = 20  # the widest scale a jury may use (0–20, the French school scale)


class Jury(models.Model):
    """The jury of a cohort's closing session: its scale, rules and voting window."""

    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="juries", verbose_name=_("cohort")
    )
    closing_session = models.ForeignKey(
        "meetings.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="juries",
        verbose_name=_("closing session"),
        limit_choices_to={"kind": "closing"},
    )
    name = models.CharField(_("name"), max_length=200)
    scale_min = models.PositiveSmallIntegerField(_("lowest mark"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("highest mark"), default=5)
    comment_required = models.BooleanField(
        _("comment required"),
        default=False,
        help_text=_("Each mark must come with a comment for the sheet to be complete."),
    )
    normalisation = models.CharField(
        _("normalisation"), max_length=20, choices=Normalisation.choices, default=Normalisation.NONE
    )
    tie_break = models.JSONField(
        _("tie-break chain"),
        default=list,
        blank=True,
        help_text=_("Applied in order when two projects have the same result."),
    )
    audience_award = models.BooleanField(
        _("audience award"),
        default=False,
        help_text=_("People present at the closing session vote for their favourite project."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=JuryStatus.choices, default=JuryStatus.SETUP
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chair"),
    )
    opened_at = models.DateTimeField(_("voting opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("voting closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("jury")
        verbose_name_plural = _("juries")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_min__lt=models.F("scale_max"))
                & models.Q(scale_max__lte=SCALE_LIMIT),
                name="jury_scale_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def coordinating_organisation_id(self) -> int:
        """The organisation that coordinates the programme this belongs to: what
        ``curiouslab.accounts.rules.coordinates_programme`` compares with the roles."""
        return self.cohort.programme.organisation_id

    @property
    def is_open(self) -> bool:
        return self.status == JuryStatus.OPEN

    @property
    def scale(self) -> range:
        return range(self.scale_min, self.scale_max + 1)

    def tie_break_labels(self) -> list[str]:
        labels = dict(TieBreak.choices)
        return [str(labels.get(step, step)) for step in self.tie_break]


class JuryMember(models.Model):
    """A juror of one jury. Invited by e-mail: ``user`` is set once the account exists."""

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jury_memberships",
    )
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    invitation = models.ForeignKey(
        "accounts.Invitation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["jury", "email"], name="jurymember_unique_email"),
            models.UniqueConstraint(fields=["jury", "user"], name="jurymember_unique_user"),
        ]

    def __str__(self) -> str:
        if self.user_id and self.user:
            return str(self.user)
        return self.name or self.email


class Finalist(models.Model):
    """A team (with its challenge) presented to the jury."""

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="finalists")
    team = models.ForeignKey("cohorts.Team", on_delete=models.PROTECT, related_name="+")
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order of presentation"), default=0)
    casting_priority = models.PositiveSmallIntegerField(
        _("chair's casting vote"),
        null=True,
        blank=True,
        help_text=_("Set by the chair to break a tie: 1 ranks first among the tied projects."),
    )

    class Meta:
        verbose_name = _("finalist")
        verbose_name_plural = _("finalists")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jury", "team"], name="finalist_once_per_jury")
        ]

    def __str__(self) -> str:
        return self.team.name


class Criterion(models.Model):
    """A weighted criterion with a description of each mark of the scale."""

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    levels = models.JSONField(
        _("description of each mark"),
        default=dict,
        blank=True,
        help_text=_("What each mark of the scale means, by mark."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jury", "name"], name="criterion_unique_name"),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="criterion_weight_min"),
        ]

    def __str__(self) -> str:
        return self.name

    def level_list(self, jury: Jury) -> list[tuple[int, str]]:
        return [(v, self.levels.get(str(v), "")) for v in jury.scale]


class AwardCategory(models.Model):
    """A trophy the vote decides: a place in the overall ranking, the best mark on one
    criterion, or the audience's favourite."""

    Basis = AwardBasis

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=120)
    basis = models.CharField(_("decided by"), max_length=20, choices=Basis.choices)
    position = models.PositiveSmallIntegerField(_("place in the ranking"), default=1)
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("criterion"),
    )
    # A category that no project can receive (an audience prize without an audience vote) is
    # set aside by the coordinator with a reason, recorded in the procès-verbal.
    set_aside_reason = models.TextField(_("reason for setting aside"), blank=True)
    set_aside_at = models.DateTimeField(_("set aside at"), null=True, blank=True)
    set_aside_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set aside by"),
    )

    class Meta:
        verbose_name = _("award category")
        verbose_name_plural = _("award categories")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["jury", "name"], name="awardcategory_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_set_aside(self) -> bool:
        return self.set_aside_at is not None


class ConflictDeclaration(models.Model):
    """A conflict of interest a juror declares for a project, with the reason."""

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="declarations")
    member = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="declarations")
    finalist = models.ForeignKey(Finalist, on_delete=models.CASCADE, related_name="declarations")
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [
            models.UniqueConstraint(fields=["member", "finalist"], name="conflict_once_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.member} ✕ {self.finalist}"


class Score(models.Model):
    """One mark of one juror for one project on one criterion. The database holds exactly one
    per triple; the jury's scale is checked by the service (and bounded here)."""

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="scores")
    finalist = models.ForeignKey(Finalist, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("mark"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "finalist", "criterion"], name="score_once_per_juror_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0) & models.Q(value__lte=SCALE_LIMIT),
                name="score_value_on_scale",
            ),
        ]
        indexes = [models.Index(fields=["jury", "member"])]

    def __str__(self) -> str:
        # No mark here: this is the audit log's text of the object, readable while voting is
        # open (see curiouslab/audit.py).
        return f"{self.member} · {self.finalist} · {self.criterion}"


class AudienceVote(models.Model):
    """One vote per person present at the closing session."""

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="audience_votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    finalist = models.ForeignKey(Finalist, on_delete=models.CASCADE, related_name="audience_votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audience vote")
        verbose_name_plural = _("audience votes")
        constraints = [
            models.UniqueConstraint(fields=["jury", "user"], name="audiencevote_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.finalist}"


class JuryRanking(models.Model):
    """The ranking as computed when the vote closed (recomputed by the chair's casting vote,
    the one thing that can change it before the results are locked): what the results page
    reads, page by page, instead of recomputing every juror's sums. Never exists while the
    vote is open. ``juror_stats`` holds each juror's mean and standard deviation (the z-score
    parameters), ``decisions`` the award each category would go to (set-aside is read live)."""

    jury = models.OneToOneField(Jury, on_delete=models.CASCADE, related_name="ranking")
    computed_at = models.DateTimeField()
    normalised = models.BooleanField(default=False)
    juror_stats = models.JSONField(default=list)  # [{"member", "mean", "sd", "count"}]
    decisions = models.JSONField(default=list)  # [{"category", "winner", "problem"}]

    class Meta:
        verbose_name = _("stored ranking")
        verbose_name_plural = _("stored rankings")

    def __str__(self) -> str:
        return str(self.jury)


class RankedFinalist(models.Model):
    """One line of a stored ranking, in the ranking's order (``position``)."""

    ranking = models.ForeignKey(JuryRanking, on_delete=models.CASCADE, related_name="rows")
    finalist = models.ForeignKey(Finalist, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    rank = models.PositiveIntegerField(null=True)
    score = models.FloatField(null=True)
    raw_score = models.FloatField(null=True)
    raw_range = models.FloatField(null=True)
    spread = models.FloatField(null=True)
    first_criterion_mean = models.FloatField(null=True)
    disagreement = models.BooleanField(default=False)
    unresolved_tie = models.BooleanField(default=False)
    tied = models.BooleanField(default=False)
    tie_steps = models.JSONField(default=list)  # the tie-break steps applied to this line
    audience_votes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ranked finalist")
        verbose_name_plural = _("ranked finalists")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["ranking", "position"], name="rankedfinalist_unique_position"
            ),
            models.UniqueConstraint(
                fields=["ranking", "finalist"], name="rankedfinalist_unique_finalist"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.finalist_id}"

    @property
    def tie_notes(self) -> list[str]:
        from trophies.jury_results import stored_tie_notes  # noqa: PLC0415 -- cycle: trophies.jury_results imports these models

        return stored_tie_notes(self)
