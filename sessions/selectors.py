"""Reads of the sessions app. Every query starts from what the person may see.

Who is invited to a session: the members of its invited teams, plus, for each invited role,
the holders of that role *in the cohort's scope*:

- students: the members of the cohort's teams;
- school referents: referents of the schools those students come from;
- municipal staff: staff of the municipalities whose challenges are in the cohort;
- coaches: coaches assigned to a team of the cohort and coaches of the programme's organisation;
- coordinators and jurors: those of the programme's organisation.

Besides the invited people, a session is visible to the coordinators of its programme, to
its people in charge and to the people who follow an invited team (its coaches, the staff of
its challenge's municipality and the referents of its students' schools).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import IntegerField, Q, QuerySet, Value
from django.utils import timezone

from challenges.models import Challenge
from cohorts.models import CoachAssignment, Cohort, Team, TeamMember
from curiouslab.accounts.models import Role, User
from curiouslab.accounts.roles import roles_for
from sessions.models import Attendance, InvitedRole, Session, SessionKind


def sessions_visible_to(user) -> QuerySet[Session]:
    """The sessions ``user`` may see (one SQL query, no duplicates)."""
    r = roles_for(user)
    if not user.is_authenticated or not user.is_active:
        return Session.objects.none()
    # Only the branches that can match for this person's roles: fewer joins to plan.
    q = (
        Q(people_in_charge=user)
        | Q(invited_teams__members__user=user)
        | Q(invited_roles__role=Role.STUDENT, cohort_id__in=_student_cohorts(user))
    )
    if r.has(Role.COORDINATOR):
        q |= Q(cohort__programme__organisation_id__in=r.orgs(Role.COORDINATOR))
    if r.has(Role.COACH):
        q |= Q(invited_teams__coach_assignments__coach=user)
        q |= Q(
            invited_roles__role=Role.COACH,
            cohort_id__in=CoachAssignment.objects.filter(coach=user).values("team__cohort_id"),
        )
        q |= Q(
            invited_roles__role=Role.COACH,
            cohort__programme__organisation_id__in=r.orgs(Role.COACH),
        )
    if r.has(Role.JUROR):
        q |= Q(
            invited_roles__role=Role.JUROR,
            cohort__programme__organisation_id__in=r.orgs(Role.JUROR),
        )
    muni = r.orgs(Role.MUNICIPAL_STAFF)
    if muni:
        q |= Q(invited_teams__challenge__municipality_id__in=muni)
        q |= Q(invited_roles__role=Role.MUNICIPAL_STAFF, cohort_id__in=_municipal_cohorts(muni))
    schools = r.orgs(Role.SCHOOL_REFERENT)
    if schools:
        q |= Q(invited_teams__members__school_id__in=schools)
        q |= Q(
            invited_roles__role=Role.SCHOOL_REFERENT,
            cohort_id__in=TeamMember.objects.filter(school_id__in=schools).values("cohort_id"),
        )
    return Session.objects.filter(pk__in=Session.objects.filter(q).values("pk"))


def _student_cohorts(user):
    return TeamMember.objects.filter(user=user).values("cohort_id")


def _municipal_cohorts(muni: Iterable[int]):
    return Challenge.objects.filter(municipality_id__in=muni, cohort__isnull=False).values(
        "cohort_id"
    )


def cohorts_with_calendar(user) -> QuerySet[Cohort]:
    """The cohorts whose calendar ``user`` may open: those they coordinate or take part in."""
    r = roles_for(user)
    if not user.is_authenticated:
        return Cohort.objects.none()
    muni = r.orgs(Role.MUNICIPAL_STAFF)
    schools = r.orgs(Role.SCHOOL_REFERENT)
    q = (
        Q(programme__organisation_id__in=r.orgs(Role.COORDINATOR))
        | Q(programme__organisation_id__in=r.orgs(Role.COACH))
        | Q(programme__organisation_id__in=r.orgs(Role.JUROR))
        | Q(pk__in=_student_cohorts(user))
        | Q(pk__in=CoachAssignment.objects.filter(coach=user).values("team__cohort_id"))
        | Q(pk__in=Session.objects.filter(people_in_charge=user).values("cohort_id"))
    )
    if muni:
        q |= Q(pk__in=_municipal_cohorts(muni))
    if schools:
        q |= Q(pk__in=TeamMember.objects.filter(school_id__in=schools).values("cohort_id"))
    return Cohort.objects.filter(q)


def session_for_detail(user, pk: int) -> Session:
    """The session ``pk`` if ``user`` may see it, else ``Session.DoesNotExist``."""
    return (
        sessions_visible_to(user)
        .select_related("cohort__programme")
        .prefetch_related("invited_teams", "invited_roles", "people_in_charge", "materials")
        .get(pk=pk)
    )


# --- Invited people ------------------------------------------------------------------------


def _role_scope_q(role: str, cohort: Cohort) -> Q:
    """Users holding ``role`` in the scope of ``cohort`` (see the module docstring)."""
    org_id = cohort.programme.organisation_id
    active = {"memberships__is_active": True, "memberships__role": role}
    if role == Role.STUDENT:
        return Q(team_memberships__cohort=cohort)
    if role == Role.SCHOOL_REFERENT:
        schools = TeamMember.objects.filter(cohort=cohort).values("school_id")
        return Q(**active, memberships__organisation_id__in=schools)
    if role == Role.MUNICIPAL_STAFF:
        munis = Challenge.objects.filter(cohort=cohort).values("municipality_id")
        return Q(**active, memberships__organisation_id__in=munis)
    if role == Role.COACH:
        return Q(coach_assignments__team__cohort=cohort) | Q(
            **active, memberships__organisation_id=org_id
        )
    return Q(**active, memberships__organisation_id=org_id)


def session_invitees(session: Session) -> QuerySet[User]:
    """The people invited to ``session``: members of its teams and holders of its roles in
    the cohort's scope. Three queries whatever the size."""
    roles = [r.role for r in session.invited_roles.all()]
    q = Q(team_memberships__team__in=session.invited_teams.all().values("id"))
    for role in roles:
        q |= _role_scope_q(role, session.cohort)
    return User.objects.filter(is_active=True, pk__in=User.objects.filter(q).values("pk")).order_by(
        "last_name", "first_name", "email"
    )


def is_invited(session: Session, user) -> bool:
    return session_invitees(session).filter(pk=user.pk).exists()


def milestone_concerned(milestone) -> QuerySet[User]:
    """Those a deadline concerns: the students of the cohort's teams."""
    return User.objects.filter(
        is_active=True,
        pk__in=TeamMember.objects.filter(cohort_id=milestone.cohort_id).values("user_id"),
    )


# --- Calendar ------------------------------------------------------------------------------


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    sessions: list[Session] = field(default_factory=list)


def month_grid(year: int, month: int, sessions: Iterable[Session]) -> list[list[CalendarDay]]:
    """Weeks (Monday first) covering the month, each day with its sessions (Paris time)."""
    first = datetime.date(year, month, 1)
    start = first - datetime.timedelta(days=first.weekday())
    next_month = (first + datetime.timedelta(days=32)).replace(day=1)
    end = next_month + datetime.timedelta(days=(7 - next_month.weekday()) % 7)
    by_day: dict[datetime.date, list[Session]] = defaultdict(list)
    for s in sessions:
        by_day[timezone.localtime(s.starts_at).date()].append(s)
    weeks, day = [], start
    while day < end:
        week = []
        for _ in range(7):
            week.append(CalendarDay(day, day.month == month, by_day.get(day, [])))
            day += datetime.timedelta(days=1)
        weeks.append(week)
    return weeks


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    first = datetime.date(year, month, 1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    start = first - datetime.timedelta(days=first.weekday())
    end = nxt + datetime.timedelta(days=(7 - nxt.weekday()) % 7)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end, datetime.time.min, tzinfo=tz),
    )


@dataclass(frozen=True)
class Overlap:
    team: str
    first: Session
    second: Session


def overlapping_sessions(cohort: Cohort) -> list[Overlap]:
    """Pairs of sessions of the cohort that overlap in time and share a team (a session that
    invites the students role invites every team). Three queries."""
    sessions = {s.pk: s for s in Session.objects.filter(cohort=cohort)}
    teams = dict(Team.objects.filter(cohort=cohort).values_list("id", "name"))
    per_team: dict[int, set[int]] = defaultdict(set)
    for session_id, team_id in Session.invited_teams.through.objects.filter(
        session__cohort=cohort
    ).values_list("session_id", "team_id"):
        per_team[team_id].add(session_id)
    for session_id in InvitedRole.objects.filter(
        session__cohort=cohort, role=Role.STUDENT
    ).values_list("session_id", flat=True):
        for team_id in teams:
            per_team[team_id].add(session_id)
    found: dict[tuple[int, int], Overlap] = {}
    for team_id, ids in per_team.items():
        ordered = sorted((sessions[i] for i in ids), key=lambda s: (s.starts_at, s.pk))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if b.starts_at >= a.ends_at:
                    break
                found.setdefault((a.pk, b.pk), Overlap(teams.get(team_id, ""), a, b))
    return sorted(found.values(), key=lambda o: o.first.starts_at)


# --- Attendance rates ----------------------------------------------------------------------


@dataclass
class Rate:
    label: str
    attended: int = 0
    invited: int = 0

    @property
    def rate(self) -> float | None:
        return self.attended / self.invited if self.invited else None

    @property
    def percent(self) -> int | None:
        return None if self.invited == 0 else round(100 * self.attended / self.invited)


@dataclass
class StudentRate(Rate):
    user_id: int = 0
    team: str = ""
    school: str = ""


@dataclass
class AttendanceRates:
    students: list[StudentRate]
    teams: list[Rate]
    schools: list[Rate]
    sessions: int
    overall: Rate

    @property
    def lowest_teams(self) -> list[Rate]:
        """The ten teams with the lowest attendance (for the dashboard; the attendance page
        lists them all)."""
        known = [t for t in self.teams if t.percent is not None]
        return sorted(known, key=lambda t: (t.percent, t.label))[:10]


# The attendance rule, defined here once: a student's attendance is the share of the cohort's
# *working* sessions they were invited to (their team, or the students' role) that have
# *ended*, which they attended. The cohort dashboard, the attendance page and the diploma
# eligibility all read it from ``attendance_rates`` (the dashboard through ``attendance_summary``,
# the same sums counted by the database).
COUNTED_KINDS = (SessionKind.WORKING,)


def attendance_rates(cohort: Cohort, *, at: datetime.datetime | None = None) -> AttendanceRates:
    """Attendance of the cohort's students under the rule above, by ``at`` (now), per
    student, team and school. Three queries whatever the size."""
    at = at or timezone.now()
    ended = Session.objects.filter(cohort=cohort, ends_at__lte=at, kind__in=COUNTED_KINDS)
    ended_ids = ended.order_by().values("pk")
    # Plain tuples, not model instances: a cohort has hundreds of students.
    members = list(
        TeamMember.objects.filter(cohort=cohort)
        .order_by("team__name", "user__last_name", "user__first_name")
        .values_list(
            "user_id",
            "team_id",
            "team__name",
            "school__name",
            "user__first_name",
            "user__last_name",
            "user__email",
        )
    )
    # One query for the ended sessions and who was invited to them: (session, ENDED) for each
    # ended session, (session, team) for each invited team, (session, ALL_STUDENTS) when the
    # students' role was invited.
    ended_mark, all_students = -2, -1
    session_ids: set[int] = set()
    team_sessions: dict[int, set[int]] = defaultdict(set)
    for_students: set[int] = set()
    invitations = (
        ended.order_by()
        .annotate(mark=Value(ended_mark, output_field=IntegerField()))
        .values_list("pk", "mark")
        .union(
            Session.invited_teams.through.objects.filter(session_id__in=ended_ids)
            .order_by()
            .values_list("session_id", "team_id"),
            InvitedRole.objects.filter(session_id__in=ended_ids, role=Role.STUDENT)
            .order_by()
            .annotate(mark=Value(all_students, output_field=IntegerField()))
            .values_list("session_id", "mark"),
            all=True,
        )
    )
    for session_id, mark in invitations:
        if mark == ended_mark:
            session_ids.add(session_id)
        elif mark == all_students:
            for_students.add(session_id)
        else:
            team_sessions[mark].add(session_id)
    present: dict[int, set[int]] = defaultdict(set)
    for session_id, user_id in Attendance.objects.filter(
        session_id__in=ended_ids, present=True
    ).values_list("session_id", "user_id"):
        present[user_id].add(session_id)
    students, teams, schools = [], {}, {}
    overall = Rate("")
    for user_id, team_id, team_name, school_name, first, last, email in members:
        invited = team_sessions[team_id] | for_students
        row = StudentRate(
            label=f"{first} {last}".strip() or email,  # as str(user)
            attended=len(invited & present[user_id]),
            invited=len(invited),
            user_id=user_id,
            team=team_name,
            school=school_name,
        )
        students.append(row)
        for bucket, key in ((teams, team_name), (schools, school_name)):
            agg = bucket.setdefault(key, Rate(key))
            agg.attended += row.attended
            agg.invited += row.invited
        overall.attended += row.attended
        overall.invited += row.invited
    return AttendanceRates(
        students=students,
        teams=list(teams.values()),
        schools=sorted(schools.values(), key=lambda r: r.label),
        sessions=len(session_ids),
        overall=overall,
    )


# --- Coaching ------------------------------------------------------------------------------


def coaching_teams_visible_to(user) -> QuerySet[Team]:
    """Teams whose coaching page ``user`` may read: their own team, the teams they coach,
    the teams on their municipality's challenges, the teams of the cohorts they coordinate."""
    r = roles_for(user)
    if not user.is_authenticated:
        return Team.objects.none()
    q = (
        Q(members__user=user)
        | Q(coach_assignments__coach=user)
        | Q(cohort__programme__organisation_id__in=r.orgs(Role.COORDINATOR))
    )
    muni = r.orgs(Role.MUNICIPAL_STAFF)
    if muni:
        q |= Q(challenge__municipality_id__in=muni)
    return Team.objects.filter(pk__in=Team.objects.filter(q).values("pk"))


def people_who_may_run_sessions(cohort: Cohort) -> QuerySet[User]:
    """Who may be put in charge of a session: coordinators and coaches of the programme's
    organisation, coaches of the cohort's teams, staff of attached municipalities."""
    org_id = cohort.programme.organisation_id
    q = Q(
        memberships__is_active=True,
        memberships__organisation_id=org_id,
        memberships__role__in=[Role.COORDINATOR, Role.COACH],
    ) | Q(
        memberships__is_active=True,
        memberships__organisation__territory_id=org_id,
        memberships__role=Role.MUNICIPAL_STAFF,
    )
    q |= Q(coach_assignments__team__cohort=cohort)
    return User.objects.filter(is_active=True, pk__in=User.objects.filter(q).values("pk"))


@dataclass
class AttendanceSummary:
    """What the cohort dashboard shows of ``attendance_rates``, under the same rule, counted by
    the database: the overall rate, the ended sessions, the ten lowest teams, the schools."""

    teams: list[Rate]
    schools: list[Rate]
    sessions: int
    overall: Rate

    lowest_teams = AttendanceRates.lowest_teams


def attendance_summary(cohort: Cohort, *, at: datetime.datetime | None = None) -> AttendanceSummary:
    """``attendance_rates(cohort, at=at)`` without the per-student rows: sums per team and per
    school computed in SQL (one query), so the dashboard of a cohort of thousands of students
    reads one row per team and school, not one object per student."""
    at = at or timezone.now()
    session = Session._meta.db_table
    invited_teams = Session.invited_teams.through._meta.db_table
    invited_role = InvitedRole._meta.db_table
    member = TeamMember._meta.db_table
    team = Team._meta.db_table
    attendance = Attendance._meta.db_table
    school = TeamMember._meta.get_field("school").related_model._meta.db_table
    kinds = ", ".join(["%s"] * len(COUNTED_KINDS))
    # fs: the ended sessions the students' role was invited to (every student of the cohort);
    # tinv: (team, ended session it was invited to by name, not already in fs). A student's
    # invited sessions are fs and their team's tinv, with no session counted twice.
    sql = f"""
        WITH ended AS (
            SELECT id FROM {session}
            WHERE cohort_id = %s AND ends_at <= %s AND kind IN ({kinds})
        ),
        fs AS (
            SELECT DISTINCT r.session_id FROM {invited_role} r
            WHERE r.role = %s AND r.session_id IN (SELECT id FROM ended)
        ),
        tinv AS (
            SELECT it.team_id, it.session_id FROM {invited_teams} it
            WHERE it.session_id IN (SELECT id FROM ended)
            AND it.session_id NOT IN (SELECT session_id FROM fs)
        ),
        per_team AS (SELECT team_id, COUNT(*) AS n FROM tinv GROUP BY team_id),
        present AS (
            SELECT m.team_id, m.school_id FROM {attendance} a
            JOIN fs ON fs.session_id = a.session_id
            JOIN {member} m ON m.user_id = a.user_id AND m.cohort_id = %s
            WHERE a.present
            UNION ALL
            SELECT m.team_id, m.school_id FROM {attendance} a
            JOIN tinv ON tinv.session_id = a.session_id
            JOIN {member} m ON m.user_id = a.user_id AND m.team_id = tinv.team_id
            WHERE a.present
        ),
        att AS (SELECT team_id, school_id, COUNT(*) AS n FROM present GROUP BY team_id, school_id),
        grp AS (
            SELECT m.team_id, m.school_id, COUNT(*) AS members FROM {member} m
            WHERE m.cohort_id = %s GROUP BY m.team_id, m.school_id
        ),
        agg AS (
            SELECT g.team_id, g.school_id, COALESCE(att.n, 0) AS attended,
                   g.members * ((SELECT COUNT(*) FROM fs) + COALESCE(per_team.n, 0)) AS invited
            FROM grp g
            LEFT JOIN per_team ON per_team.team_id = g.team_id
            LEFT JOIN att ON att.team_id = g.team_id AND att.school_id = g.school_id
        )
        SELECT 't', t.name, SUM(agg.attended), SUM(agg.invited)
        FROM agg JOIN {team} t ON t.id = agg.team_id GROUP BY t.name
        UNION ALL
        SELECT 's', o.name, SUM(agg.attended), SUM(agg.invited)
        FROM agg JOIN {school} o ON o.id = agg.school_id GROUP BY o.name
        UNION ALL
        SELECT 'n', '', COUNT(*), 0 FROM ended
    """  # noqa: S608 - table names from the models, values as parameters
    params = [
        cohort.pk,
        connection.ops.adapt_datetimefield_value(at),
        *COUNTED_KINDS,
        Role.STUDENT,
        cohort.pk,
        cohort.pk,
    ]
    teams: list[Rate] = []
    schools: list[Rate] = []
    sessions = 0
    overall = Rate("")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, label, attended, invited in cursor.fetchall():
            if kind == "n":
                sessions = attended
                continue
            rate = Rate(label, int(attended or 0), int(invited or 0))
            if kind == "t":
                teams.append(rate)
                overall.attended += rate.attended
                overall.invited += rate.invited
            else:
                schools.append(rate)
    return AttendanceSummary(
        teams=teams,
        schools=sorted(schools, key=lambda r: r.label),
        sessions=sessions,
        overall=overall,
    )
