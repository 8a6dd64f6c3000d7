"""The demo seed of the cohort's teams: idempotent, with and without challenges."""

import pytest

from challenges.models import Challenge
from cohorts import demo as cohorts_demo
from cohorts import demo_teams
from cohorts.composition import check_members
from cohorts.models import (
    CoachAssignment,
    DeliverableVersion,
    KickoffScenario,
    SchoolEnrolment,
    Team,
    TeamMember,
)
from curiouslab.accounts import demo as accounts_demo
from curiouslab.demo import DemoContext
from tests.challenges.factories import ChallengeFactory

pytestmark = pytest.mark.django_db


def _context(with_challenges: bool) -> DemoContext:
    ctx = DemoContext()
    accounts_demo.seed(ctx)
    cohorts_demo.seed(ctx)
    if with_challenges:
        ctx["challenges:2026"] = [
            ChallengeFactory(
                programme=ctx["programme"],
                call=None,
                municipality=ctx[key],
                status="accepted",
                title=title,
                question=f"Comment {title.lower()} ?",
                theme="urbanisme",
            )
            for key, title in [
                ("commune:nanterre", "Animer la place du marché"),
                ("commune:colombes", "Relier les quartiers à vélo"),
                ("commune:antony", "Un guichet unique itinérant"),
            ]
        ]
    return ctx


def test_demo_teams_seed_is_idempotent_and_complete():
    ctx = _context(with_challenges=True)
    demo_teams.seed(ctx)
    counts = (
        Team.objects.count(),
        TeamMember.objects.count(),
        KickoffScenario.objects.count(),
        DeliverableVersion.objects.count(),
    )
    demo_teams.seed(ctx)
    assert counts == (
        Team.objects.count(),
        TeamMember.objects.count(),
        KickoffScenario.objects.count(),
        DeliverableVersion.objects.count(),
    )
    cohort = ctx["cohort:2026"]
    teams = ctx["teams:2026"]
    assert len(teams) == 8
    assert SchoolEnrolment.objects.filter(cohort=cohort, status="approved").count() == 3
    assert 38 <= TeamMember.objects.filter(cohort=cohort).count() <= 45
    assert TeamMember.objects.filter(user=ctx["user:student"], cohort=cohort).exists()
    for team in teams:
        members = list(team.members.values_list("school_id", "discipline"))
        assert check_members(programme=cohort.programme, members=members).met
        assert team.challenge is not None
    assert KickoffScenario.objects.filter(selected=True).count() == 3
    assert CoachAssignment.objects.filter(coach=ctx["user:coach"]).count() == 2
    assert {Challenge.objects.get(pk=c.pk).cohort_id for c in ctx["challenges:2026"]} == {cohort.pk}


def test_demo_teams_without_challenges_still_makes_teams():
    ctx = _context(with_challenges=False)
    demo_teams.seed(ctx)
    assert len(ctx["teams:2026"]) == 8
    assert not KickoffScenario.objects.exists()
    assert not Team.objects.exclude(challenge=None).exists()
