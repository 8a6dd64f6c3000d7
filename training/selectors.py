"""Reads of the agents' school. A training record is one rule, written once
(``training_records``): the modules an agent attended and their hours, the sum of the
durations of the module sessions the agent was present at. The coordinator's table, the
agent's own page and the attestation de formation (``documents.eligibility``) read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from cohorts.enums import ProgrammeFormat
from cohorts.formats import Feature, formats_using
from cohorts.models import Cohort, Team, TeamMember
from curiouslab.accounts.models import Organisation, Role
from curiouslab.accounts.roles import roles_for
from curiouslab.accounts.selectors import territory_departement_codes
from sessions.models import Attendance
from training.enums import SheetStatus
from training.models import Experiment, Module, ModuleSession, ReplicationSheet

TENTH = Decimal("0.1")


def hours_between(starts_at, ends_at) -> Decimal:
    """A session's length in hours, to the tenth."""
    seconds = Decimal((ends_at - starts_at).total_seconds())
    return (seconds / 3600).quantize(TENTH, rounding=ROUND_HALF_UP)


def cohort_modules(cohort: Cohort) -> QuerySet[Module]:
    sessions = ModuleSession.objects.select_related("session").order_by("session__starts_at")
    return (
        Module.objects.filter(cohort=cohort)
        .annotate(session_count=Count("module_sessions"))
        .prefetch_related(Prefetch("module_sessions", queryset=sessions))
    )


@dataclass
class Record:
    """One agent's training record in one edition."""

    member: TeamMember
    hours: Decimal = Decimal(0)
    modules: list[Module] = field(default_factory=list)

    @property
    def user(self):
        return self.member.user

    @property
    def module_titles(self) -> str:
        return ", ".join(m.title for m in self.modules)


def _attended(cohort: Cohort, user_ids=None) -> dict[int, tuple[Decimal, list[int]]]:
    """{user id: (hours, [module ids in order])} from the presences at module sessions."""
    rows = Attendance.objects.filter(
        present=True, session__training_module__module__cohort=cohort
    ).values_list(
        "user_id", "session__starts_at", "session__ends_at", "session__training_module__module_id"
    )
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    result: dict[int, tuple[Decimal, list[int]]] = {}
    for user_id, starts_at, ends_at, module_id in rows.order_by("session__starts_at"):
        hours, modules = result.get(user_id, (Decimal(0), []))
        if module_id not in modules:
            modules.append(module_id)
        result[user_id] = (hours + hours_between(starts_at, ends_at), modules)
    return result


def training_records(cohort: Cohort, members: QuerySet[TeamMember] | None = None) -> list[Record]:
    """The training record of each agent of the edition (or of ``members``), in three
    queries whatever their number."""
    everyone = members is None
    if everyone:
        members = TeamMember.objects.filter(cohort=cohort)
    members = list(
        members.select_related("user", "team", "school").order_by(
            "user__last_name", "user__first_name", "user_id"
        )
    )
    modules = {m.pk: m for m in Module.objects.filter(cohort=cohort)}
    attended = _attended(cohort, None if everyone else [m.user_id for m in members])
    records = []
    for member in members:
        hours, module_ids = attended.get(member.user_id, (Decimal(0), []))
        records.append(Record(member, hours, [modules[pk] for pk in module_ids if pk in modules]))
    return records


def agent_memberships(user) -> QuerySet[TeamMember]:
    """The user's places in agents' school editions (an agent who still holds the
    participant role)."""
    if not roles_for(user).has(Role.STUDENT):
        return TeamMember.objects.none()
    return TeamMember.objects.filter(
        user=user, cohort__programme__format__in=formats_using(Feature.MODULES)
    ).select_related("cohort__programme", "team")


def records_of(user) -> list[tuple[Record, list[Experiment]]]:
    """The user's own training records, each with their team's experiments."""
    result = []
    for place in agent_memberships(user).order_by("-cohort__year", "cohort__name"):
        records = training_records(place.cohort, TeamMember.objects.filter(pk=place.pk))
        experiments = list(
            Experiment.objects.filter(team_id=place.team_id).select_related("commune")
        )
        result.extend((record, experiments) for record in records)
    return result


def employers_for(cohort: Cohort) -> QuerySet[Organisation]:
    """Who may employ the agents of an edition: the coordinating organisation and the
    organisations attached to it."""
    org_id = cohort.programme.organisation_id
    return Organisation.objects.filter(Q(pk=org_id) | Q(territory_id=org_id)).order_by("name")


def territory_codes(cohort: Cohort) -> list[str]:
    """The départements an edition's experiments may take place in (its organisation's)."""
    return territory_departement_codes([cohort.programme.organisation])


def cohort_experiments(cohort: Cohort) -> QuerySet[Experiment]:
    return (
        Experiment.objects.filter(cohort=cohort)
        .select_related("team", "commune", "replication_sheet")
        .annotate(test_count=Count("user_tests", distinct=True))
    )


def experiments_visible_to(user) -> QuerySet[Experiment]:
    """The experiments of the programmes the user coordinates, and of the user's teams."""
    r = roles_for(user)
    if not user.is_authenticated:
        return Experiment.objects.none()
    q = Q(cohort__programme__organisation_id__in=r.orgs(Role.COORDINATOR))
    if r.has(Role.STUDENT):
        q |= Q(team__members__user=user)
    return Experiment.objects.filter(
        pk__in=Experiment.objects.filter(q).values("pk"),
        cohort__programme__format=ProgrammeFormat.AGENTS_SCHOOL,
    )


def experiment_for_detail(user, pk: int) -> Experiment:
    team = Team.objects.prefetch_related("members__user")
    return (
        experiments_visible_to(user)
        .select_related("cohort__programme", "commune__departement")
        .prefetch_related(Prefetch("team", queryset=team), "user_tests", "indicators")
        .get(pk=pk)
    )


def replication_sheets_public() -> QuerySet[ReplicationSheet]:
    """The published replication sheets, for anyone (the commons may list them)."""
    return (
        ReplicationSheet.objects.filter(status=SheetStatus.PUBLISHED)
        .select_related(
            "experiment__commune__departement", "experiment__cohort__programme__organisation"
        )
        .order_by("-published_at", "id")
    )
