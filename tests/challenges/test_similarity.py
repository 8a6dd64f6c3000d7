import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.models import ChallengeStatus, OutcomeStatus
from challenges.selectors import keywords, similar_challenges
from tests.challenges.factories import ChallengeFactory, on_side, submitted
from tests.factories import CohortFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def past(world):
    """A finished 2025 cohort of side A's programme with two challenges taken up."""
    cohort = CohortFactory(
        programme=world.a.programme,
        year=world.a.cohort.year - 1,
        call_opens=timezone.localdate() - datetime.timedelta(days=400),
        call_closes=timezone.localdate() - datetime.timedelta(days=300),
    )
    town = OrganisationFactory(
        kind="municipality", name="Ville d'Antony", territory=world.a.departement
    )
    pool = ChallengeFactory(
        call=cohort,
        municipality=town,
        cohort=cohort,
        status=ChallengeStatus.ACCEPTED,
        submitted_at=timezone.now(),
        title="Inscriptions à la piscine municipale",
        question="Comment simplifier les inscriptions des enfants à la piscine municipale ?",
        outcome_status=OutcomeStatus.IMPLEMENTED,
        outcome="Un formulaire en ligne unique, ouvert en septembre.",
    )
    market = ChallengeFactory(
        call=cohort,
        municipality=town,
        cohort=cohort,
        status=ChallengeStatus.ACCEPTED,
        submitted_at=timezone.now(),
        title="Marché durable",
        question="Comment faire du marché hebdomadaire un lieu d'alimentation durable ?",
        theme="economie",
    )
    return pool, market


def test_keywords_fold_accents_and_drop_small_words():
    assert keywords("Comment améliorer l'accès à la Piscine ?") == {"amelior", "acces", "piscine"}


def test_similar_challenges_rank_the_closest_first(past):
    pool, market = past
    results = similar_challenges(
        title="Inscription à l'école de natation",
        question="Comment simplifier l'inscription à la piscine pour les familles ?",
        theme="sports_loisirs",
    )
    assert results[0].challenge == pool
    assert market not in [r.challenge for r in results]


def test_similar_challenges_exclude_drafts_and_the_same_year(world, past):
    ChallengeFactory(**on_side(world.b), title="Piscine municipale inscriptions")  # a draft
    current = submitted(**on_side(world.a), title="Piscine municipale inscriptions simplifiées")
    results = similar_challenges(
        title=current.title, question=current.question, before_year=world.a.cohort.year
    )
    assert [r.challenge for r in results] == [past[0]]


def test_review_and_form_pages_show_similar_past_challenges_with_their_outcome(world, login, past):
    current = submitted(
        **on_side(world.a),
        title="Inscription à l'école de natation",
        question="Comment simplifier les inscriptions à la piscine municipale ?",
    )
    for user, name in [
        (world.a.people["coordinator"], "challenges:detail"),
        (world.a.people["municipal_staff"], "challenges:edit"),
    ]:
        html = login(user).get(reverse(name, kwargs={"pk": current.pk})).content.decode()
        assert "Défis similaires des années précédentes" in html
        assert "Inscriptions à la piscine municipale" in html
        assert "Ville d&#x27;Antony" in html
        assert "Réalisé" in html and "Un formulaire en ligne unique" in html


def test_similar_fragment_for_the_text_being_written(world, login, past):
    response = login(world.a.people["municipal_staff"]).get(
        reverse("challenges:similar"),
        {"title": "Piscine", "question": "Comment gérer les inscriptions à la piscine ?"},
    )
    assert "Inscriptions à la piscine municipale" in response.content.decode()
