"""Reads of the jury: querysets that start from what the person may see, and the conflict
of interest computation shared by the scoring service and the coordinator's pages."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cohorts.models import (
    Cohort,
    DeliverableFile,
    DeliverableVersion,
    Milestone,
    Programme,
    Team,
)
from cohorts.selectors import cohorts_managed_by
from curiouslab import rawsql
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from sessions.models import Attendance
from trophies import conflicts
from trophies.models import (
    AudienceVote,
    Criterion,
    Finalist,
    Jury,
    JuryMember,
    Score,
)


def juries_managed_by(user) -> QuerySet[Jury]:
    """Juries of the cohorts the user coordinates (``cohorts_managed_by``, the one scope)."""
    return Jury.objects.filter(cohort__in=cohorts_managed_by(user)).select_related(
        "cohort__programme", "closing_session"
    )


def juries_of_juror(user) -> QuerySet[Jury]:
    """Juries on which the user sits, as long as they hold the juror role in the jury's
    coordinating organisation."""
    if not user.is_authenticated:
        return Jury.objects.none()
    orgs = roles_for(user).orgs(Role.JUROR)
    return Jury.objects.filter(
        members__user=user, cohort__programme__organisation_id__in=orgs
    ).select_related("cohort__programme", "closing_session")


def juries_chaired_by(user) -> QuerySet[Jury]:
    """Juries the user chairs, as a coordinator or a juror of the jury's organisation."""
    if not user.is_authenticated:
        return Jury.objects.none()
    r = roles_for(user)
    orgs = r.orgs(Role.COORDINATOR) | r.orgs(Role.JUROR)
    return Jury.objects.filter(
        chair=user, cohort__programme__organisation_id__in=orgs
    ).select_related("cohort__programme", "closing_session")


def seats_of_juror(user) -> QuerySet[JuryMember]:
    """The user's seats, with their juries, on the same terms as ``juries_of_juror``."""
    if not user.is_authenticated:
        return JuryMember.objects.none()
    orgs = roles_for(user).orgs(Role.JUROR)
    return JuryMember.objects.filter(
        user=user, jury__cohort__programme__organisation_id__in=orgs
    ).select_related("jury__cohort__programme", "jury__closing_session")


def scoring_seat(user, jury_id: int, finalist_id: int) -> tuple[Jury, JuryMember, Finalist] | None:
    """What saving a juror's marks needs, in one query written for the hot path of the vote:
    the user's seat on jury ``jury_id`` on the terms of ``seats_of_juror``, the jury with its
    programme's organisation, and its finalist ``finalist_id`` with the team's name. None when
    any of them is missing or not the user's. The instances hold only these columns."""
    orgs = roles_for(user).orgs(Role.JUROR)
    if not orgs:
        return None
    found = rawsql.rows(
        _scoring_seat_sql(), {"jury": jury_id, "user": user.pk, "finalist": finalist_id}
    )
    if not found:
        return None
    (
        member_id, member_name, member_email,
        cohort_id, name, scale_min, scale_max, comment_required, status,
        programme_id, organisation_id,
        team_id, team_name, challenge_id,
    ) = found[0]  # fmt: skip
    if organisation_id not in orgs:
        return None
    jury = _jury_instance(
        {
            "id": jury_id,
            "cohort_id": cohort_id,
            "name": name,
            "scale_min": scale_min,
            "scale_max": scale_max,
            "comment_required": comment_required,
            "status": status,
        },
        programme_id,
        organisation_id,
    )
    member = rawsql.instance(
        JuryMember,
        {
            "id": member_id,
            "jury_id": jury_id,
            "user_id": user.pk,
            "email": member_email,
            "name": member_name,
        },
    )
    member.jury, member.user = jury, user
    finalist = rawsql.instance(
        Finalist,
        {"id": finalist_id, "jury_id": jury_id, "team_id": team_id, "challenge_id": challenge_id},
    )
    finalist.jury = jury
    finalist.team = rawsql.instance(Team, {"id": team_id, "name": team_name})
    return jury, member, finalist


def _jury_instance(values: dict, programme_id: int, organisation_id: int) -> Jury:
    """A jury from a hot-path query, with its cohort's programme and organisation at hand (the
    audit log records the organisation) and no query to reach them."""
    programme = rawsql.instance(Programme, {"id": programme_id, "organisation_id": organisation_id})
    cohort = rawsql.instance(Cohort, {"id": values["cohort_id"], "programme_id": programme_id})
    cohort.programme = programme
    jury = rawsql.instance(Jury, values)
    jury.cohort = cohort
    return jury


@functools.cache
def _scoring_seat_sql() -> str:
    t = rawsql.table
    return f"""
        SELECT m.id, m.name, m.email,
               j.cohort_id, j.name, j.scale_min, j.scale_max, j.comment_required, j.status,
               co.programme_id, p.organisation_id,
               f.team_id, tm.name, f.challenge_id
        FROM {t(JuryMember)} m
        JOIN {t(Jury)} j ON j.id = m.jury_id
        JOIN {t(Cohort)} co ON co.id = j.cohort_id
        JOIN {t(Programme)} p ON p.id = co.programme_id
        JOIN {t(Finalist)} f ON f.jury_id = j.id AND f.id = %(finalist)s
        JOIN {t(Team)} tm ON tm.id = f.team_id
        WHERE m.jury_id = %(jury)s AND m.user_id = %(user)s
    """  # noqa: S608 - names from the models, values as parameters


def audience_ballot(user, jury_id: int) -> tuple[Jury, AudienceVote | None] | None:
    """Jury ``jury_id`` if it has an audience award and the user was present at its closing
    session, with the user's vote if they voted: one query written for the hot path of the
    vote (see ``scoring_seat``). None otherwise. The instances hold only these columns."""
    if not user.is_authenticated:
        return None
    found = rawsql.rows(_audience_ballot_sql(), {"jury": jury_id, "user": user.pk})
    if not found:
        return None
    (
        name, status, closing_session_id, cohort_id, programme_id, organisation_id,
        vote_id, finalist_id, team_id, team_name,
    ) = found[0]  # fmt: skip
    jury = _jury_instance(
        {
            "id": jury_id,
            "cohort_id": cohort_id,
            "closing_session_id": closing_session_id,
            "name": name,
            "audience_award": True,
            "status": status,
        },
        programme_id,
        organisation_id,
    )
    if vote_id is None:
        return jury, None
    vote = rawsql.instance(
        AudienceVote,
        {"id": vote_id, "jury_id": jury_id, "user_id": user.pk, "finalist_id": finalist_id},
    )
    vote.finalist = rawsql.instance(
        Finalist, {"id": finalist_id, "jury_id": jury_id, "team_id": team_id}
    )
    vote.finalist.team = rawsql.instance(Team, {"id": team_id, "name": team_name})
    return jury, vote


@functools.cache
def _audience_ballot_sql() -> str:
    t = rawsql.table
    return f"""
        SELECT j.name, j.status, j.closing_session_id, j.cohort_id,
               co.programme_id, p.organisation_id,
               v.id, v.finalist_id, f.team_id, tm.name
        FROM {t(Jury)} j
        JOIN {t(Cohort)} co ON co.id = j.cohort_id
        JOIN {t(Programme)} p ON p.id = co.programme_id
        JOIN {t(Attendance)} a
          ON a.session_id = j.closing_session_id AND a.user_id = %(user)s AND a.present
        LEFT JOIN {t(AudienceVote)} v ON v.jury_id = j.id AND v.user_id = %(user)s
        LEFT JOIN {t(Finalist)} f ON f.id = v.finalist_id
        LEFT JOIN {t(Team)} tm ON tm.id = f.team_id
        WHERE j.id = %(jury)s AND j.audience_award
    """  # noqa: S608 - names from the models, values as parameters


def teams_for_finalists(jury: Jury) -> QuerySet[Team]:
    return (
        Team.objects.filter(cohort_id=jury.cohort_id)
        .exclude(id__in=jury.finalists.values("team_id"))
        .select_related("challenge")
    )


# What a finalist shows the jury: the latest version of its prototype and of its final project.
# Earlier versions, the other milestones' working documents and the coaches' comments stay
# with the people who follow the team (cohorts.selectors.teams_visible_to).
PUBLIC_MILESTONES = (Milestone.Kind.PROTOTYPE, Milestone.Kind.FINAL)


def _public_versions(jury: Jury) -> QuerySet[DeliverableVersion]:
    return DeliverableVersion.objects.filter(
        deliverable__team_id__in=jury.finalists.values("team_id"),
        deliverable__milestone__cohort_id=jury.cohort_id,
        deliverable__milestone__kind__in=PUBLIC_MILESTONES,
        number=F("deliverable__version_count"),
    )


def finalist_deliverables(jury: Jury) -> dict[int, list[DeliverableVersion]]:
    """The finalists' public deliverables by team id, files at hand: two queries."""
    versions = (
        _public_versions(jury)
        .select_related("deliverable__milestone")
        .prefetch_related(Prefetch("files", queryset=DeliverableFile.objects.order_by("id")))
        .order_by("deliverable__milestone__deadline", "id")
    )
    found: dict[int, list[DeliverableVersion]] = defaultdict(list)
    for version in versions:
        found[version.deliverable.team_id].append(version)
    return dict(found)


def finalist_files(jury: Jury) -> QuerySet[DeliverableFile]:
    """The files a juror of ``jury`` may open: those of the finalists' public deliverables."""
    return DeliverableFile.objects.filter(version__in=_public_versions(jury))


def criteria_of(jury: Jury) -> list[Criterion]:
    return list(jury.criteria.all())


def finalists_of(jury: Jury) -> list[Finalist]:
    return list(jury.finalists.select_related("team", "challenge__municipality"))


# Up to this many seats or finalists, exclusions_for filters them in its statement.
FILTER_IN_SQL = 200


def exclusions_for(
    jury: Jury,
    *,
    members: list[JuryMember] | None = None,
    finalists: list[Finalist] | None = None,
) -> dict[tuple[int, int], list[str]]:
    """Pairs (juror id, finalist id) that may not be scored, with the reasons: the rule of
    ``trophies.conflicts`` over every pair of the jury (or of the ``members`` and
    ``finalists`` given) in one statement, whatever the size."""
    t = {"member": rawsql.table(JuryMember), "finalist": rawsql.table(Finalist)}
    where, params = ["m.jury_id = %s"], [jury.pk]
    # A few seats (one juror's sheet) or finalists (one project) are filtered by the database;
    # a whole jury's lists are filtered here (no statement with thousands of parameters).
    member_ids = None if members is None else {m.id for m in members}
    finalist_ids = None if finalists is None else {f.id for f in finalists}
    for column, ids in (("m.id", member_ids), ("f.id", finalist_ids)):
        if ids is not None and len(ids) <= FILTER_IN_SQL:
            where.append(f"{column} IN ({', '.join(['%s'] * len(ids))})" if ids else "1 = 0")
            params.extend(sorted(ids))
    sql = f"""
        SELECT m.id, f.id, {conflicts.columns_sql()}
        FROM {t["member"]} m JOIN {t["finalist"]} f ON f.jury_id = m.jury_id
        WHERE {" AND ".join(where)}
    """  # noqa: S608 - table names from the models, values as parameters
    result = {}
    for member_id, finalist_id, *rule in rawsql.rows(sql, params):
        if (member_ids is not None and member_id not in member_ids) or (
            finalist_ids is not None and finalist_id not in finalist_ids
        ):
            continue
        reasons = conflicts.reasons(rule)
        if reasons:
            result[(member_id, finalist_id)] = reasons
    return result


def missing_for_sheet(jury: Jury, criteria: list[Criterion], scores: dict[int, Score]) -> list:
    """What a juror still has to enter on one project's sheet: (criterion, what) pairs."""
    missing = []
    for c in criteria:
        s = scores.get(c.id)
        if s is None:
            missing.append((c, _("mark")))
        elif jury.comment_required and not s.comment.strip():
            missing.append((c, _("comment")))
    return missing


@dataclass
class SheetRow:
    finalist: Finalist
    scores: dict[int, Score]
    missing: list
    excluded: list[str]
    cells: list = field(default_factory=list)  # (criterion, score or None, levels)
    deliverables: list = field(default_factory=list)  # the finalist's public deliverables

    @property
    def complete(self) -> bool:
        return not self.excluded and not self.missing


@dataclass
class Sheet:
    jury: Jury
    member: JuryMember
    criteria: list[Criterion]
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def to_score(self) -> list[SheetRow]:
        return [r for r in self.rows if not r.excluded]

    @property
    def done(self) -> int:
        return sum(1 for r in self.to_score if r.complete)


def sheet_for(jury: Jury, member: JuryMember, *, finalist: Finalist | None = None) -> Sheet:
    criteria = criteria_of(jury)
    finalists = [finalist] if finalist is not None else finalists_of(jury)
    excl = exclusions_for(jury, members=[member], finalists=finalists)
    by_finalist: dict[int, dict[int, Score]] = defaultdict(dict)
    scores = Score.objects.filter(member=member, finalist_id__in=[f.id for f in finalists])
    for s in scores:
        by_finalist[s.finalist_id][s.criterion_id] = s
    sheet = Sheet(jury=jury, member=member, criteria=criteria)
    for f in finalists:
        s = by_finalist.get(f.id, {})
        sheet.rows.append(
            SheetRow(
                finalist=f,
                scores=s,
                missing=missing_for_sheet(jury, criteria, s),
                excluded=excl.get((member.id, f.id), []),
                cells=[(c, s.get(c.id), c.level_list(jury)) for c in criteria],
            )
        )
    return sheet


@dataclass
class JurorProgress:
    member: JuryMember
    done: int
    total: int
    missing: list[Finalist]

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done == self.total


def live_progress(jury: Jury) -> list[JurorProgress]:
    """Who has finished and what is missing, without any mark or ranking."""
    members = list(jury.members.select_related("user"))
    finalists = finalists_of(jury)
    n_criteria = jury.criteria.count()
    excl = exclusions_for(jury, members=members, finalists=finalists)
    counts = Score.objects.filter(jury=jury).values("member_id", "finalist_id")
    if jury.comment_required:
        counts = counts.annotate(n=Count("id", filter=~Q(comment="")))
    else:
        counts = counts.annotate(n=Count("id"))
    complete = {(r["member_id"], r["finalist_id"]) for r in counts if r["n"] >= n_criteria}
    progress = []
    for m in members:
        todo = [f for f in finalists if (m.id, f.id) not in excl]
        missing = [f for f in todo if (m.id, f.id) not in complete]
        progress.append(JurorProgress(m, len(todo) - len(missing), len(todo), missing))
    return progress
