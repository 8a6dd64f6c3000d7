"""Programme formats, written as data: one :class:`Format` per ``ProgrammeFormat`` says what
the interface calls its people and its editions, its phases and the labels of its dates, the
time scale of its calendar, who takes part and how they join, the features it uses and the
documents it issues. Pages read the format of the programme they show (``programme.format_spec``,
``{{ terms.… }}`` in templates) instead of testing the format's key, so a programme of any
format runs on the same code, and nothing on one format's pages speaks of another's
(``tests/cohorts/test_formats.py`` walks the pages of each).

The words are whole phrases, not words pasted into sentences: French agrees and elides
(« la promotion », « l'édition », « une session de formation »), so each phrase a page needs is
one translatable string of each format."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, npgettext_lazy, pgettext_lazy

from cohorts.enums import ProgrammeFormat


class Joining:
    """How participants come into an edition."""

    SCHOOL_ENROLMENT = "school_enrolment"  # schools enrol, their referent invites students
    SELF_REGISTRATION = "self_registration"  # a public registration page per edition
    DESIGNATED = "designated"  # the coordinator invites the agents their employer designates
    APPLICATION = "application"  # organisations file a dossier


class Feature:
    """Parts of the platform a format uses; a page of a part the format does not use is a 404."""

    SCHOOLS = "schools"  # school enrolment, student import, disciplines and schools rule
    KICKOFF_SCENARIOS = "kickoff_scenarios"  # teams propose scenarios, the commune picks one
    MILESTONES = "milestones"  # deliverables by deadline
    JURY = "jury"  # the closing jury and trophies
    SITES = "sites"  # several sites at once, each with its hourly agenda
    REGISTRATION = "registration"
    EXHIBITION = "exhibition"
    MODULES = "modules"  # training modules and training records
    EXPERIMENTS = "experiments"  # experiments on a territory and their replication sheet
    DOSSIERS = "dossiers"  # the call for projects' dossiers, experts and committee


@dataclass(frozen=True)
class Terms:
    """The phrases that differ from one format to another (lazy translations)."""

    cohort: str  # « promotion »
    cohorts: str  # « promotions »
    cohort_heading: str  # « Promotion » (a column, a label)
    cohorts_heading: str  # « Promotions »
    new_cohort: str  # « Nouvelle promotion »
    new_cohort_of: str  # « Nouvelle promotion %(name)s », the name elided: « d'Innov'Hauts »
    your_cohorts: str
    no_cohort_yet: str
    cohort_created: str
    add_first_cohort: str  # after the programme is created
    cohort_saved: str
    copy_cohort: str
    copy_cohort_confirm: str
    copied_from_previous: str
    participant: str
    participants: str
    participants_heading: str
    year: str  # the label of Cohort.year
    year_help: str
    one_per_year: str
    # A lazy plural with %(n)s (``ngettext_lazy(…, "n")``): « 3 étudiants », « 1 agent ».
    participants_count: object = None

    def count(self, n: int) -> str:
        return self.participants_count % {"n": n}


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    description: str
    terms: Terms
    # Cohort date field → its label in this format, in the calendar's order.
    phases: dict[str, str]
    time_scale: str  # "days" (a school year) or "hours" (a three-day sprint)
    joining: str
    features: frozenset[str] = field(default_factory=frozenset)
    # The document kinds it issues (documents.enums.DocumentKind values; this app does not
    # import documents).
    documents: tuple[str, ...] = ()
    # Which of the programme's team rules apply (ProgrammeForm fields).
    team_rules: tuple[str, ...] = ("team_min_size", "team_max_size")

    def uses(self, feature: str) -> bool:
        return feature in self.features

    # For the templates, which cannot pass an argument.
    uses_schools = property(lambda self: Feature.SCHOOLS in self.features)
    uses_kickoff_scenarios = property(lambda self: Feature.KICKOFF_SCENARIOS in self.features)
    uses_milestones = property(lambda self: Feature.MILESTONES in self.features)
    uses_jury = property(lambda self: Feature.JURY in self.features)
    uses_sites = property(lambda self: Feature.SITES in self.features)
    uses_modules = property(lambda self: Feature.MODULES in self.features)
    uses_experiments = property(lambda self: Feature.EXPERIMENTS in self.features)
    uses_dossiers = property(lambda self: Feature.DOSSIERS in self.features)

    @property
    def in_hours(self) -> bool:
        return self.time_scale == "hours"


SCHOOL_YEAR = Format(
    key=ProgrammeFormat.SCHOOL_YEAR,
    label=ProgrammeFormat.SCHOOL_YEAR.label,
    description=_(
        "A school year: communes post challenges, schools enrol mixed student teams who work "
        "on them all year, a jury awards trophies at the closing session."
    ),
    terms=Terms(
        cohort=_("cohort"),
        cohorts=_("cohorts"),
        cohort_heading=_("Cohort"),
        cohorts_heading=_("Cohorts"),
        new_cohort=_("New cohort"),
        new_cohort_of=_("New cohort of %(name)s"),
        your_cohorts=_("Your cohorts"),
        no_cohort_yet=_("You take part in no cohort yet."),
        cohort_created=_("The cohort has been created."),
        add_first_cohort=_("Add its first cohort."),
        cohort_saved=_("The cohort has been saved."),
        copy_cohort=_("Create the next cohort from this one"),
        copy_cohort_confirm=_("Create the next school year’s cohort from this one?"),
        copied_from_previous=_("Copied from the previous cohort: to confirm"),
        participant=_("student"),
        participants=_("students"),
        participants_heading=_("Students"),
        year=_("school year"),
        year_help=_("The year the school year starts, e.g. 2026 for 2026-2027."),
        one_per_year=_("This programme already has a cohort for this school year."),
        participants_count=ngettext_lazy("%(n)s student", "%(n)s students", "n"),
    ),
    phases={
        "call_opens": _("Call for challenges opens"),
        "call_closes": _("Call for challenges closes"),
        "kickoff": _("Kickoff"),
        "working_starts": _("Working period starts"),
        "working_ends": _("Working period ends"),
        "closing": _("Closing session"),
    },
    time_scale="days",
    joining=Joining.SCHOOL_ENROLMENT,
    features=frozenset(
        {Feature.SCHOOLS, Feature.KICKOFF_SCENARIOS, Feature.MILESTONES, Feature.JURY}
    ),
    documents=("diploma", "trophy", "juror", "coach", "municipality"),
    team_rules=("team_min_size", "team_max_size", "team_min_disciplines", "team_min_schools"),
)

SPRINT = Format(
    key=ProgrammeFormat.SPRINT,
    label=ProgrammeFormat.SPRINT.label,
    description=_(
        "Three days, several sites at once: territorial agents register, mixed teams take on "
        "one challenge each, prototype an answer and test it in an exhibition."
    ),
    terms=Terms(
        cohort=pgettext_lazy("sprint", "edition"),
        cohorts=pgettext_lazy("sprint", "editions"),
        cohort_heading=pgettext_lazy("sprint", "Edition"),
        cohorts_heading=pgettext_lazy("sprint", "Editions"),
        new_cohort=pgettext_lazy("sprint", "New edition"),
        new_cohort_of=pgettext_lazy("sprint", "New edition of %(name)s"),
        your_cohorts=pgettext_lazy("sprint", "Your editions"),
        no_cohort_yet=pgettext_lazy("sprint", "You take part in no edition yet."),
        cohort_created=pgettext_lazy("sprint", "The edition has been created."),
        add_first_cohort=pgettext_lazy("sprint", "Add its first edition."),
        cohort_saved=pgettext_lazy("sprint", "The edition has been saved."),
        copy_cohort=pgettext_lazy("sprint", "Create next year’s edition from this one"),
        copy_cohort_confirm=pgettext_lazy("sprint", "Create next year’s edition from this one?"),
        copied_from_previous=pgettext_lazy(
            "sprint", "Copied from the previous edition: to confirm"
        ),
        participant=pgettext_lazy("sprint", "participant"),
        participants=pgettext_lazy("sprint", "participants"),
        participants_heading=pgettext_lazy("sprint", "Participants"),
        year=pgettext_lazy("sprint", "year"),
        year_help=pgettext_lazy("sprint", "The year of the edition, e.g. 2026."),
        one_per_year=pgettext_lazy("sprint", "This programme already has an edition this year."),
        participants_count=npgettext_lazy("sprint", "%(n)s participant", "%(n)s participants", "n"),
    ),
    phases={
        "call_opens": _("Call for challenges opens"),
        "call_closes": _("Call for challenges closes"),
        "kickoff": pgettext_lazy("sprint", "Opening talks"),
        "working_starts": pgettext_lazy("sprint", "Team work starts"),
        "working_ends": pgettext_lazy("sprint", "Exhibition of the prototypes"),
        "closing": pgettext_lazy("sprint", "Collective look back"),
    },
    time_scale="hours",
    joining=Joining.SELF_REGISTRATION,
    features=frozenset({Feature.SITES, Feature.REGISTRATION, Feature.EXHIBITION}),
    documents=("badge", "participation"),
)

AGENTS_SCHOOL = Format(
    key=ProgrammeFormat.AGENTS_SCHOOL,
    label=ProgrammeFormat.AGENTS_SCHOOL.label,
    description=_(
        "An internal school: agents are trained in service design through modules, then run "
        "experiments on real territories with the inhabitants and write them up for others."
    ),
    terms=Terms(
        cohort=pgettext_lazy("agents school", "training session"),
        cohorts=pgettext_lazy("agents school", "training sessions"),
        cohort_heading=pgettext_lazy("agents school", "Training session"),
        cohorts_heading=pgettext_lazy("agents school", "Training sessions"),
        new_cohort=pgettext_lazy("agents school", "New training session"),
        new_cohort_of=pgettext_lazy("agents school", "New training session of %(name)s"),
        your_cohorts=pgettext_lazy("agents school", "Your training sessions"),
        no_cohort_yet=pgettext_lazy("agents school", "You take part in no training session yet."),
        cohort_created=pgettext_lazy("agents school", "The training session has been created."),
        add_first_cohort=pgettext_lazy("agents school", "Add its first training session."),
        cohort_saved=pgettext_lazy("agents school", "The training session has been saved."),
        copy_cohort=pgettext_lazy(
            "agents school", "Create the next training session from this one"
        ),
        copy_cohort_confirm=pgettext_lazy(
            "agents school", "Create next year’s training session from this one?"
        ),
        copied_from_previous=pgettext_lazy(
            "agents school", "Copied from the previous training session: to confirm"
        ),
        participant=pgettext_lazy("agents school", "agent"),
        participants=pgettext_lazy("agents school", "agents"),
        participants_heading=pgettext_lazy("agents school", "Agents"),
        year=pgettext_lazy("agents school", "year"),
        year_help=pgettext_lazy(
            "agents school", "The year the training session starts, e.g. 2026."
        ),
        one_per_year=pgettext_lazy(
            "agents school", "This programme already has a training session this year."
        ),
        participants_count=npgettext_lazy("agents school", "%(n)s agent", "%(n)s agents", "n"),
    ),
    phases={
        "call_opens": pgettext_lazy("agents school", "Call for territories' challenges opens"),
        "call_closes": pgettext_lazy("agents school", "Call for territories' challenges closes"),
        "kickoff": pgettext_lazy("agents school", "Launch of the training session"),
        "working_starts": pgettext_lazy("agents school", "Modules start"),
        "working_ends": pgettext_lazy("agents school", "Experiments end"),
        "closing": pgettext_lazy("agents school", "Evaluation and write-up"),
    },
    time_scale="days",
    joining=Joining.DESIGNATED,
    features=frozenset({Feature.MODULES, Feature.EXPERIMENTS, Feature.MILESTONES}),
    documents=("training",),
)

CALL_FOR_PROJECTS = Format(
    key=ProgrammeFormat.CALL_FOR_PROJECTS,
    label=ProgrammeFormat.CALL_FOR_PROJECTS.label,
    description=_(
        "A call for projects: organisations file a dossier, independent experts give their "
        "opinion, a steering committee designates the winners and the funding."
    ),
    terms=Terms(
        cohort=pgettext_lazy("call for projects", "call"),
        cohorts=pgettext_lazy("call for projects", "calls"),
        cohort_heading=pgettext_lazy("call for projects", "Call"),
        cohorts_heading=pgettext_lazy("call for projects", "Calls"),
        new_cohort=pgettext_lazy("call for projects", "New call"),
        new_cohort_of=pgettext_lazy("call for projects", "New call of %(name)s"),
        your_cohorts=pgettext_lazy("call for projects", "Your calls"),
        no_cohort_yet=pgettext_lazy("call for projects", "You take part in no call yet."),
        cohort_created=pgettext_lazy("call for projects", "The call has been created."),
        add_first_cohort=pgettext_lazy("call for projects", "Add its first call."),
        cohort_saved=pgettext_lazy("call for projects", "The call has been saved."),
        copy_cohort=pgettext_lazy("call for projects", "Create next year’s call from this one"),
        copy_cohort_confirm=pgettext_lazy(
            "call for projects", "Create next year’s call from this one?"
        ),
        copied_from_previous=pgettext_lazy(
            "call for projects", "Copied from the previous call: to confirm"
        ),
        participant=pgettext_lazy("call for projects", "applicant"),
        participants=pgettext_lazy("call for projects", "applicants"),
        participants_heading=pgettext_lazy("call for projects", "Applicants"),
        year=pgettext_lazy("call for projects", "year"),
        year_help=pgettext_lazy("call for projects", "The year of the call, e.g. 2026."),
        one_per_year=pgettext_lazy(
            "call for projects", "This programme already has a call this year."
        ),
        participants_count=npgettext_lazy(
            "call for projects", "%(n)s applicant", "%(n)s applicants", "n"
        ),
    ),
    phases={
        "call_opens": pgettext_lazy("call for projects", "Dossiers may be filed from"),
        "call_closes": pgettext_lazy("call for projects", "Deadline for dossiers"),
        "kickoff": pgettext_lazy("call for projects", "Experts' analysis starts"),
        "working_starts": pgettext_lazy("call for projects", "Steering committee"),
        "working_ends": pgettext_lazy("call for projects", "Winners announced"),
        "closing": pgettext_lazy("call for projects", "End of the support"),
    },
    time_scale="days",
    joining=Joining.APPLICATION,
    features=frozenset({Feature.DOSSIERS}),
    documents=("receipt", "decision"),
    team_rules=(),
)

# A page that lists the editions of programmes of several formats speaks of none of them.
MIXED_TERMS = Terms(
    cohort=_("programme edition"),
    cohorts=_("Programmes"),
    cohort_heading=_("Name"),
    cohorts_heading=_("Programmes"),
    new_cohort=_("New"),
    new_cohort_of="%(name)s",
    your_cohorts=_("What you take part in"),
    no_cohort_yet=_("You take part in nothing yet."),
    cohort_created=_("It has been created."),
    add_first_cohort="",
    cohort_saved=_("It has been saved."),
    copy_cohort="",
    copy_cohort_confirm="",
    copied_from_previous="",
    participant=_("participant"),
    participants=_("participants"),
    participants_heading=_("Participants"),
    year=_("year"),
    year_help="",
    one_per_year="",
    participants_count=ngettext_lazy("%(n)s participant", "%(n)s participants", "n"),
)

FORMATS: dict[str, Format] = {
    f.key: f for f in (SCHOOL_YEAR, SPRINT, AGENTS_SCHOOL, CALL_FOR_PROJECTS)
}


def format_of(key: str) -> Format:
    """The format of a programme (the school year for an unknown key: older rows)."""
    return FORMATS.get(key, SCHOOL_YEAR)


def terms_of(keys) -> Terms:
    """The terms of a page that shows programmes of these formats: theirs when there is one
    format (or none: a new coordinator starts with a school year in mind), else neutral."""
    keys = set(keys)
    if len(keys) > 1:
        return MIXED_TERMS
    return format_of(next(iter(keys), ProgrammeFormat.SCHOOL_YEAR)).terms


def formats_using(feature: str) -> list[str]:
    """The keys of the formats that use a feature (for a filter in SQL)."""
    return [key for key, spec in FORMATS.items() if spec.uses(feature)]
