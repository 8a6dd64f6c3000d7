"""Reads of the cohorts app. Every query starts from what the user may see, so that a detail
view fetched through these selectors answers 404 to an outsider."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.models import Challenge, ChallengeStatus
from cohorts.composition import team_composition
from cohorts.formats import Feature, formats_using
from cohorts.models import (
    KICKOFF_WINDOW,
    CoachAssignment,
    Cohort,
    DeadlineExtension,
    Deliverable,
    DeliverableVersion,
    KickoffScenario,
    Milestone,
    Programme,
    SchoolEnrolment,
    Team,
    TeamMember,
)
from curiouslab.accounts.enums import COORDINATING_KINDS
from curiouslab.accounts.models import Membership, Organisation, Role, User
from curiouslab.accounts.roles import roles_for
from curiouslab.accounts.selectors import users_with_role

# The teams the dashboard lists by name (the team list has them all).
ATTENTION_ROWS = 10


def programmes_coordinated_by(user) -> QuerySet[Programme]:
    return Programme.objects.filter(organisation_id__in=roles_for(user).orgs(Role.COORDINATOR))


def cohorts_managed_by(user) -> QuerySet[Cohort]:
    return Cohort.objects.filter(
        programme__organisation_id__in=roles_for(user).orgs(Role.COORDINATOR)
    ).select_related("programme")


def _team_q(user) -> Q:
    """Which teams ``user`` may see: their programme's (coordinator), their challenges'
    (municipality), their school's (referent), their own (student), assigned (coach)."""
    r = roles_for(user)
    q = Q(pk__in=[])
    if r.has(Role.COORDINATOR):
        q |= Q(cohort__programme__organisation_id__in=r.orgs(Role.COORDINATOR))
    if r.has(Role.MUNICIPAL_STAFF):
        q |= Q(challenge__municipality_id__in=r.orgs(Role.MUNICIPAL_STAFF))
        q |= Q(
            pk__in=KickoffScenario.objects.filter(
                challenge__municipality_id__in=r.orgs(Role.MUNICIPAL_STAFF)
            ).values("team_id")
        )
    if r.has(Role.SCHOOL_REFERENT):
        q |= Q(
            pk__in=TeamMember.objects.filter(school_id__in=r.orgs(Role.SCHOOL_REFERENT)).values(
                "team_id"
            )
        )
    if r.has(Role.STUDENT):
        q |= Q(pk__in=TeamMember.objects.filter(user=user).values("team_id"))
    if r.has(Role.COACH):
        q |= Q(pk__in=CoachAssignment.objects.filter(coach=user).values("team_id"))
    return q


def teams_visible_to(user) -> QuerySet[Team]:
    if not roles_for(user).roles:
        return Team.objects.none()
    return Team.objects.filter(_team_q(user))


def cohorts_visible_to(user) -> QuerySet[Cohort]:
    """Cohorts the user takes part in: managed, enrolled school, challenge in it, a team."""
    r = roles_for(user)
    if not r.roles:
        return Cohort.objects.none()
    q = Q(programme__organisation_id__in=r.orgs(Role.COORDINATOR))
    q |= Q(
        pk__in=SchoolEnrolment.objects.filter(school_id__in=r.orgs(Role.SCHOOL_REFERENT)).values(
            "cohort_id"
        )
    )
    q |= Q(
        pk__in=Challenge.objects.filter(
            municipality_id__in=r.orgs(Role.MUNICIPAL_STAFF), cohort__isnull=False
        ).values("cohort_id")
    )
    q |= Q(pk__in=teams_visible_to(user).values("cohort_id"))
    return Cohort.objects.filter(q).select_related("programme")


def enrolments_visible_to(user) -> QuerySet[SchoolEnrolment]:
    r = roles_for(user)
    return SchoolEnrolment.objects.filter(
        Q(cohort__programme__organisation_id__in=r.orgs(Role.COORDINATOR))
        | Q(school_id__in=r.orgs(Role.SCHOOL_REFERENT))
    ).select_related("cohort__programme", "school")


def scenarios_visible_to(user) -> QuerySet[KickoffScenario]:
    r = roles_for(user)
    return KickoffScenario.objects.filter(
        Q(team__in=teams_visible_to(user))
        | Q(challenge__municipality_id__in=r.orgs(Role.MUNICIPAL_STAFF))
    )


def kickoff_challenges_of(user, at=None) -> QuerySet[Challenge]:
    """The challenges of the user's municipalities whose cohort is in its kickoff window
    (``Cohort.kickoff_window_is_open``), with how many scenarios came in and were selected."""
    orgs = roles_for(user).orgs(Role.MUNICIPAL_STAFF)
    if not orgs:
        return Challenge.objects.none()
    today = timezone.localdate(at)
    return (
        Challenge.objects.filter(
            municipality_id__in=orgs,
            cohort__kickoff__gte=today - KICKOFF_WINDOW,
            cohort__kickoff__lte=today + KICKOFF_WINDOW,
        )
        .select_related("cohort")
        .annotate(
            scenario_count=Count("scenarios", distinct=True),
            selected_count=Count("scenarios", filter=Q(scenarios__selected=True), distinct=True),
        )
        .order_by("cohort__kickoff", "title", "pk")
    )


def deliverable_versions_visible_to(user) -> QuerySet[DeliverableVersion]:
    return DeliverableVersion.objects.filter(deliverable__team__in=teams_visible_to(user))


def cohort_students(cohort: Cohort) -> QuerySet[Membership]:
    """Student memberships of the schools approved in ``cohort``."""
    return Membership.objects.active().filter(
        role=Role.STUDENT,
        organisation__enrolments__cohort=cohort,
        organisation__enrolments__status=SchoolEnrolment.Status.APPROVED,
    )


def unassigned_students(cohort: Cohort) -> QuerySet[Membership]:
    in_team = TeamMember.objects.filter(cohort=cohort, user_id=OuterRef("user_id"))
    return (
        cohort_students(cohort)
        .annotate(in_team=Exists(in_team))
        .filter(in_team=False)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name", "user__first_name", "id")
    )


def teams_with_composition(cohort: Cohort) -> QuerySet[Team]:
    return (
        Team.objects.filter(cohort=cohort)
        .select_related("challenge__municipality")
        .annotate(
            size=Count("members", distinct=True),
            discipline_count=Count("members__discipline", distinct=True),
            school_count=Count("members__school", distinct=True),
        )
        .order_by("name")
    )


def _composition_met(programme: Programme) -> Q:
    """``composition.check_counts`` in SQL, over ``teams_with_composition``'s counts: the
    rules the programme's format uses (``Format.team_rules``), as the Python check."""
    rules = programme.format_spec.team_rules
    conditions = {
        "size__gte": ("team_min_size", programme.team_min_size),
        "size__lte": ("team_max_size", programme.team_max_size),
        "discipline_count__gte": ("team_min_disciplines", programme.team_min_disciplines),
        "school_count__gte": ("team_min_schools", programme.team_min_schools),
    }
    met = {lookup: value for lookup, (rule, value) in conditions.items() if rule in rules}
    # No rule: every team meets it (an empty Q would also match under ``exclude``).
    return Q(**met) if met else Q(pk__isnull=False)


def team_figures(cohort: Cohort) -> dict[str, int]:
    """The dashboard's team figures, counted by the database in one query: teams, students in
    a team, teams per status, teams meeting the composition rule or not, teams that need
    attention (still forming or breaking the rule)."""
    met = _composition_met(cohort.programme)
    need_attention = ~met | Q(status=Team.Status.FORMING)
    figures = {
        "total": Count("id"),
        "students": Sum("size"),
        "met": Count("id", filter=met),
        "unmet": Count("id", filter=~met),
        "attention": Count("id", filter=need_attention),
    }
    for status in Team.Status.values:
        figures[status] = Count("id", filter=Q(status=status))
    counts = teams_with_composition(cohort).order_by().aggregate(**figures)
    return {k: v or 0 for k, v in counts.items()}


def teams_needing_attention(cohort: Cohort, *, limit: int) -> list[Team]:
    """The first ``limit`` teams by name still forming or breaking the composition rule. Two
    queries: the ids, counted and grouped over the members alone, then those teams with their
    challenge (grouping by every column of the team, challenge and municipality over thousands
    of teams costs three times as much)."""
    met = _composition_met(cohort.programme)
    ids = list(
        Team.objects.filter(cohort=cohort)
        .annotate(
            size=Count("members", distinct=True),
            discipline_count=Count("members__discipline", distinct=True),
            school_count=Count("members__school", distinct=True),
        )
        .filter(~met | Q(status=Team.Status.FORMING))
        .order_by("name", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return list(teams_with_composition(cohort).filter(pk__in=ids).order_by("name", "pk"))


def coordinated_organisations(user) -> QuerySet[Organisation]:
    """The organisations on whose behalf ``user`` may start a programme."""
    return Organisation.objects.filter(
        id__in=roles_for(user).orgs(Role.COORDINATOR),
        kind__in=COORDINATING_KINDS,
    ).order_by("name")


def joinable_cohorts(user) -> QuerySet[Cohort]:
    """The cohorts of the referent's territory still running that their schools have not asked
    to join yet."""
    schools = roles_for(user).orgs(Role.SCHOOL_REFERENT)
    if not schools:
        return Cohort.objects.none()
    return (
        cohorts_open_to_schools_of(user)
        .filter(working_ends__gte=timezone.localdate())
        .exclude(enrolments__school_id__in=schools)
    )


def cohorts_open_to_schools_of(user) -> QuerySet[Cohort]:
    """Every cohort of the territory of the referent's schools (joined or not), of the
    formats in which schools enrol."""
    territories = Organisation.objects.filter(
        id__in=roles_for(user).orgs(Role.SCHOOL_REFERENT)
    ).values("territory_id")
    return Cohort.objects.filter(
        programme__organisation_id__in=territories,
        programme__format__in=formats_using(Feature.SCHOOLS),
    ).select_related("programme")


def cohort_calendar(cohort: Cohort, milestones) -> list[dict]:
    """The cohort's dates and milestones in order, each marked past or upcoming."""
    today = timezone.localdate()
    items = [
        {"date": getattr(cohort, name), "label": label}
        for name, label in cohort.format_spec.phases.items()
    ]
    for m in milestones:
        items.append(
            {
                "date": timezone.localdate(m.deadline),
                "label": _("Deadline: %(name)s") % {"name": m.name},
            }
        )
    items.sort(key=lambda i: i["date"])
    for i in items:
        i["past"] = i["date"] < today
    return items


# The dashboard's funnel: each figure and the list behind it use the same filter.
FUNNEL_FILTERS = {
    "submitted": Q(status__in=[s for s in ChallengeStatus.values if s != ChallengeStatus.DRAFT]),
    "accepted": Q(status=ChallengeStatus.ACCEPTED),
}
CHALLENGE_FILTERS = ("submitted", "accepted", "in", "selected")


def programme_pool(cohort: Cohort) -> QuerySet[Challenge]:
    """The challenges a cohort draws from: those in it, and the programme's challenges in no
    cohort yet, written since the cohort's call opened."""
    return Challenge.objects.filter(programme_id=cohort.programme_id).filter(
        Q(cohort=cohort) | Q(cohort__isnull=True, created_at__date__gte=cohort.call_opens)
    )


def cohort_challenges(cohort: Cohort, status: str = "") -> QuerySet[Challenge]:
    """The pool seen through one of ``CHALLENGE_FILTERS`` (all of it in the cohort or
    accepted, when ``status`` is none of them), with each challenge's number of teams."""
    pool = programme_pool(cohort).select_related("municipality")
    if status in FUNNEL_FILTERS:
        challenges = pool.filter(FUNNEL_FILTERS[status])
    elif status == "in":
        challenges = pool.filter(cohort=cohort)
    elif status == "selected":
        challenges = pool.filter(
            cohort=cohort,
            pk__in=KickoffScenario.objects.filter(selected=True).values("challenge_id"),
        )
    else:
        challenges = pool.filter(Q(cohort=cohort) | Q(status=ChallengeStatus.ACCEPTED))
    return challenges.annotate(team_total=Count("teams", distinct=True)).order_by(
        "municipality__name", "title"
    )


def cohort_enrolments(cohort: Cohort, status: str = "") -> QuerySet[SchoolEnrolment]:
    """The schools' enrolments in ``cohort`` (of one status, when it is one), each with its
    number of active students and whether it has any."""
    enrolments = SchoolEnrolment.objects.filter(cohort=cohort).select_related("school")
    if status in SchoolEnrolment.Status.values:
        enrolments = enrolments.filter(status=status)
    students = Membership.objects.active().filter(
        role=Role.STUDENT, organisation_id=OuterRef("school_id")
    )
    return enrolments.annotate(
        student_total=Count(
            "school__memberships",
            filter=Q(school__memberships__role=Role.STUDENT, school__memberships__is_active=True),
        ),
        has_students=Exists(students),
    ).order_by("school__name", "pk")


def enrolment_students(enrolment: SchoolEnrolment) -> QuerySet[Membership]:
    """The school's active students, each with the name and id of their team in the cohort."""
    mine = TeamMember.objects.filter(cohort_id=enrolment.cohort_id, user_id=OuterRef("user_id"))
    return (
        Membership.objects.active()
        .filter(organisation_id=enrolment.school_id, role=Role.STUDENT)
        .select_related("user")
        .annotate(
            team_name=Subquery(mine.values("team__name")[:1]),
            team_id=Subquery(mine.values("team_id")[:1]),
        )
        .order_by("user__last_name", "user__first_name", "id")
    )


TEAM_FILTERS = (Team.Status.FORMING, Team.Status.CONFIRMED, "met", "unmet")


def cohort_teams(cohort: Cohort, show: str = "") -> QuerySet[Team]:
    """``teams_with_composition`` seen through one of ``TEAM_FILTERS`` (a status, or meeting
    the composition rule or not), all of them otherwise."""
    teams = teams_with_composition(cohort)
    if show in (Team.Status.FORMING, Team.Status.CONFIRMED):
        return teams.filter(status=show)
    if show in ("met", "unmet"):
        met = _composition_met(cohort.programme)
        return teams.filter(met) if show == "met" else teams.exclude(met)
    return teams


def coaches_of_programme(programme: Programme) -> QuerySet[User]:
    return users_with_role(organisation_id=programme.organisation_id, role=Role.COACH).order_by(
        "last_name", "first_name"
    )


def deliverable_state(deliverable, milestone, now) -> str:
    """``on_time``, ``late``, ``missing`` or ``pending`` (not yet due): the dashboard's
    states of a team's deliverable for a milestone."""
    if deliverable is not None and deliverable.first_submitted_at is not None:
        return "late" if deliverable.first_submitted_at > milestone.deadline else "on_time"
    return "missing" if now > milestone.deadline else "pending"


def team_milestone_rows(team: Team, milestones) -> list[dict]:
    """Each milestone of the team's cohort with the team's deliverable, its extension, whether
    it still takes a version, and its state. Two queries, whatever the number of milestones."""
    deliverables = {d.milestone_id: d for d in Deliverable.objects.filter(team=team)}
    extensions = {e.milestone_id: e for e in DeadlineExtension.objects.filter(team=team)}
    now = timezone.now()
    rows = []
    for m in milestones:
        ext = extensions.get(m.pk)
        rows.append(
            {
                "milestone": m,
                "deliverable": deliverables.get(m.pk),
                "extension": ext,
                "open": now <= deadline_with(m, ext),
                "state": deliverable_state(deliverables.get(m.pk), m, now),
            }
        )
    return rows


def deadline_with(milestone: Milestone, extension: DeadlineExtension | None) -> datetime.datetime:
    """The deadline that applies to a team: the milestone's, or its extension when later."""
    return max(milestone.deadline, extension.until) if extension else milestone.deadline


def team_deadline(
    team: Team, milestone: Milestone
) -> tuple[DeadlineExtension | None, datetime.datetime]:
    """The team's extension for ``milestone`` (or None) and the deadline that applies."""
    extension = DeadlineExtension.objects.filter(team=team, milestone=milestone).first()
    return extension, deadline_with(milestone, extension)


def challenges_with_scenarios_for(user) -> QuerySet[Challenge]:
    """The challenges whose scenarios ``user`` may compare: their municipality's, and their
    programmes'."""
    r = roles_for(user)
    return Challenge.objects.filter(
        Q(municipality_id__in=r.orgs(Role.MUNICIPAL_STAFF))
        | Q(programme__in=programmes_coordinated_by(user))
    ).select_related("municipality", "cohort")


def teams_with_possibles(challenge: Challenge) -> QuerySet[Team]:
    """The teams that wrote a scenario for ``challenge``, each with its scenarios in order
    (``possibles``), their files and who selected them."""
    return (
        Team.objects.filter(scenarios__challenge=challenge)
        .distinct()
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch(
                "scenarios",
                queryset=KickoffScenario.objects.filter(challenge=challenge)
                .select_related("selected_by")
                .prefetch_related("files")
                .order_by("created_at", "id"),
                to_attr="possibles",
            )
        )
    )


MILESTONE_STATES = ("on_time", "late", "missing", "pending")


def milestone_teams(milestone: Milestone, state: str) -> QuerySet[Team]:
    """The teams of the milestone's cohort in one of ``MILESTONE_STATES`` (all of them when
    ``state`` is none), each marked ``handed_in`` and ``late``."""
    handed = Deliverable.objects.filter(milestone=milestone, team_id=OuterRef("pk"))
    teams = (
        Team.objects.filter(cohort_id=milestone.cohort_id)
        .select_related("challenge__municipality")
        .annotate(
            handed_in=Exists(handed.filter(first_submitted_at__isnull=False)),
            late=Exists(handed.filter(first_submitted_at__gt=milestone.deadline)),
        )
    )
    if state == "on_time":
        teams = teams.filter(handed_in=True, late=False)
    elif state == "late":
        teams = teams.filter(late=True)
    elif state in ("missing", "pending"):
        teams = teams.filter(handed_in=False)
    return teams.order_by("name")


def dashboard_data(cohort: Cohort) -> dict:
    """Every figure of the dashboard, in a fixed number of queries whatever the size: counted
    by the database, and only the rows shown (a national cohort has thousands of teams)."""
    now = timezone.now()
    funnel = programme_pool(cohort).aggregate(
        submitted=Count("id", filter=FUNNEL_FILTERS["submitted"], distinct=True),
        accepted=Count("id", filter=FUNNEL_FILTERS["accepted"], distinct=True),
        in_cohort=Count("id", filter=Q(cohort=cohort), distinct=True),
        selected=Count("id", filter=Q(cohort=cohort, scenarios__selected=True), distinct=True),
    )
    figures = team_figures(cohort)
    attention = teams_needing_attention(cohort, limit=ATTENTION_ROWS)
    for team in attention:
        team.cohort = cohort
        team.composition = team_composition(team)
    milestones = list(
        Milestone.objects.filter(cohort=cohort).annotate(
            on_time=Count(
                "deliverables",
                filter=Q(deliverables__first_submitted_at__lte=F("deadline")),
            ),
            late=Count(
                "deliverables",
                filter=Q(deliverables__first_submitted_at__gt=F("deadline")),
            ),
        )
    )
    team_total = figures["total"]
    for m in milestones:
        m.handed_in = m.on_time + m.late
        m.missing = team_total - m.handed_in if m.deadline < now else 0
        m.pending = team_total - m.handed_in if m.deadline >= now else 0
    return {
        "funnel": funnel,
        "team_total": team_total,
        "attention": attention,
        "attention_total": figures["attention"],
        "status_counts": Counter({k: figures[k] for k in (*Team.Status.values, "met", "unmet")}),
        "milestones": milestones,
        "students": {"total": figures["students"]},
        "enrolments": SchoolEnrolment.objects.filter(cohort=cohort).aggregate(
            requested=Count("id", filter=Q(status=SchoolEnrolment.Status.REQUESTED)),
            approved=Count("id", filter=Q(status=SchoolEnrolment.Status.APPROVED)),
        ),
        "unassigned": unassigned_students(cohort).count(),
        "programme": cohort.programme,
    }
