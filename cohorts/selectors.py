"""Reads of the cohorts app. Every query starts from what the user may see, so that a detail
view fetched through these selectors answers 404 to an outsider."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from challenges.models import Challenge
from cohorts.models import (
    KICKOFF_WINDOW,
    CoachAssignment,
    Cohort,
    Deliverable,
    DeliverableVersion,
    KickoffScenario,
    Programme,
    SchoolEnrolment,
    Team,
    TeamMember,
)
from curiouslab.accounts.models import Membership, Role
from curiouslab.accounts.roles import roles_for


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


def challenges_of_municipality_in_cohorts(user) -> QuerySet[Challenge]:
    return Challenge.objects.filter(
        municipality_id__in=roles_for(user).orgs(Role.MUNICIPAL_STAFF), cohort__isnull=False
    ).select_related("cohort", "municipality")


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


def deliverable_for(team: Team, milestone) -> Deliverable | None:
    return Deliverable.objects.filter(team=team, milestone=milestone).first()


def _composition_met(programme: Programme) -> Q:
    """``composition.check_counts`` in SQL, over ``teams_with_composition``'s counts."""
    return Q(
        size__gte=programme.team_min_size,
        size__lte=programme.team_max_size,
        discipline_count__gte=programme.team_min_disciplines,
        school_count__gte=programme.team_min_schools,
    )


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
