import pytest

from challenges import demo as challenges_demo
from challenges.models import Challenge, ChallengeStatus
from cohorts import demo as cohorts_demo
from curiouslab.accounts import demo as accounts_demo
from curiouslab.demo import DemoContext

pytestmark = pytest.mark.django_db


def _seed() -> DemoContext:
    ctx = DemoContext()
    for module in (accounts_demo, cohorts_demo, challenges_demo):
        module.seed(ctx)
    return ctx


def test_demo_seed_is_idempotent_and_covers_every_state():
    _seed()
    count = Challenge.objects.count()
    ctx = _seed()
    assert Challenge.objects.count() == count
    assert set(Challenge.objects.values_list("status", flat=True)) == set(ChallengeStatus.values)
    in_2026 = ctx["challenges:2026"]
    assert len(in_2026) >= 6
    assert all(c.cohort == ctx["cohort:2026"] and c.status == "accepted" for c in in_2026)
    assert Challenge.objects.filter(municipality=ctx["commune:nanterre"]).count() >= 3
    past = Challenge.objects.filter(cohort=ctx["cohort:2025"])
    assert past.count() >= 5 and not past.filter(outcome="").exists()
    resubmitted = Challenge.objects.get(status="resubmitted")
    assert resubmitted.transitions.count() == 3


def test_demo_swimming_challenge_finds_its_2025_cousin(client):
    from django.urls import reverse

    ctx = _seed()
    swimming = Challenge.objects.get(title="Inscription à l'école de natation")
    client.force_login(ctx["user:coordinator"], backend="curiouslab.accounts.backends.ModelBackend")
    html = client.get(reverse("challenges:detail", kwargs={"pk": swimming.pk})).content.decode()
    assert "Inscriptions aux activités sportives" in html
