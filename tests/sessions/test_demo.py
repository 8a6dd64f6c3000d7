import pytest

from cohorts import demo as cohorts_demo
from cohorts.models import Team
from curiouslab.accounts import demo as accounts_demo
from curiouslab.demo import DemoContext
from sessions import demo
from sessions.models import Attendance, CoachingEntry, Session
from tests.sessions.factories import TeamMemberFactory

pytestmark = pytest.mark.django_db


def _ctx_with_teams():
    ctx = DemoContext()
    accounts_demo.seed(ctx)
    cohorts_demo.seed(ctx)
    cohort = ctx["cohort:2026"]
    teams = [Team.objects.create(cohort=cohort, name=f"Équipe {i}") for i in range(1, 4)]
    TeamMemberFactory(team=teams[0], user=ctx["user:student"], school=ctx["school:0"])
    for team in teams:
        TeamMemberFactory(team=team, school=ctx["school:1"])
    ctx["teams:2026"] = teams
    return ctx


def test_demo_seed_is_idempotent_with_past_and_future_sessions():
    ctx = _ctx_with_teams()
    demo.seed(ctx)
    counts = (Session.objects.count(), Attendance.objects.count(), CoachingEntry.objects.count())
    demo.seed(ctx)
    assert (
        Session.objects.count(),
        Attendance.objects.count(),
        CoachingEntry.objects.count(),
    ) == counts
    cohort = ctx["cohort:2026"]
    closing = ctx["closing_session"]
    assert closing.kind == "closing"
    assert closing.starts_at.date() == cohort.closing
    kinds = set(Session.objects.filter(cohort=cohort).values_list("kind", flat=True))
    assert {"kickoff", "working", "site_visit", "closing"} <= kinds
    assert Session.objects.filter(cohort=cohort, kind="working").count() >= 6
    past = Session.objects.filter(cohort=cohort, ends_at__lt="2026-11-21T00:00:00Z")
    assert past.count() >= 2
    # Attendance is recorded for the past sessions only, for the four students.
    assert counts[1] == past.count() * 4
    assert not Attendance.objects.exclude(session__in=past).exists()
    assert CoachingEntry.objects.filter(kind="question").exclude(answer="").exists()
