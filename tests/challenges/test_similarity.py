import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.models import ChallengeStatus, OutcomeStatus
from challenges.selectors import keywords, similar_challenges
from tests.challenges.factories import ChallengeFactory, on_side, submitted
from tests.factories import CohortFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def finished_cohort(side):
    """The cohort of the year before ``side``'s, over."""
    today = timezone.localdate()
    days = datetime.timedelta
    return CohortFactory(
        programme=side.programme,
        year=side.cohort.year - 1,
        call_opens=today - days(400),
        call_closes=today - days(300),
        kickoff=today - days(280),
        working_starts=today - days(279),
        working_ends=today - days(120),
        closing=today - days(110),
    )


@pytest.fixture
def past(world):
    """A finished 2025 cohort of side A's programme with two challenges taken up."""
    cohort = finished_cohort(world.a)
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


def test_similar_challenges_rank_the_closest_first(world, past):
    pool, market = past
    results = similar_challenges(
        user=world.a.people["municipal_staff"],
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
        user=world.a.people["coordinator"],
        title=current.title,
        question=current.question,
        before_year=world.a.cohort.year,
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


# --- Issue #13.10: cross-territory reads are deliberate ---------------------------------------

NATATION = {"title": "Piscine", "question": "Comment gérer les inscriptions à la piscine ?"}


def _similar_titles(client, **params) -> str:
    return client.get(reverse("challenges:similar"), {**NATATION, **params}).content.decode()


def test_similar_fragment_shows_only_the_users_own_programmes_past_years(world, login, past):
    # Side B has a finished cohort of its own with a challenge on the same subject.
    b_past = finished_cohort(world.b)
    b_pool = ChallengeFactory(
        call=b_past,
        municipality=world.b.municipality,
        cohort=b_past,
        status=ChallengeStatus.ACCEPTED,
        submitted_at=timezone.now(),
        title="Piscine de la commune B : inscriptions",
        question="Comment ouvrir les inscriptions à la piscine de B ?",
        outcome="Texte de résultat de B",
    )
    # An accepted challenge of side A's current cohort: not a previous year.
    ChallengeFactory(
        **on_side(world.a),
        cohort=world.a.cohort,
        status=ChallengeStatus.ACCEPTED,
        submitted_at=timezone.now(),
        title="Piscine de cette année : inscriptions",
        question="Comment simplifier les inscriptions à la piscine cette année ?",
    )
    for persona in ("coordinator", "municipal_staff"):
        a_html = _similar_titles(login(world.a.people[persona]))
        assert "Inscriptions à la piscine municipale" in a_html
        assert "Un formulaire en ligne unique" in a_html  # its outcome, for its own side
        assert "commune B" not in a_html and "Texte de résultat de B" not in a_html
        assert "cette année" not in a_html
        b_html = _similar_titles(login(world.b.people[persona]))
        assert "Inscriptions à la piscine municipale" not in b_html
        assert "Un formulaire en ligne unique" not in b_html
        assert b_pool.title.replace("'", "&#x27;") in b_html
    # The other roles of either side get nothing.
    for persona in ("school_referent", "student", "coach", "juror"):
        assert login(world.b.people[persona]).get(reverse("challenges:similar")).status_code == 403


def test_detail_page_of_the_other_side_does_not_show_this_sides_past(world, login, past):
    current_b = submitted(
        **on_side(world.b),
        title="Inscription à l'école de natation",
        question="Comment simplifier les inscriptions à la piscine municipale ?",
    )
    html = login(world.b.people["coordinator"]).get(
        reverse("challenges:detail", kwargs={"pk": current_b.pk})
    )
    body = html.content.decode()
    assert "Inscriptions à la piscine municipale" not in body
    assert "Aucun défi similaire dans les années précédentes de vos programmes." in body


# --- Issue #12.12: the panel says what it did ---------------------------------------------------


def test_similar_panel_asks_for_a_title_only_when_there_is_none(world, login, past):
    client = login(world.a.people["municipal_staff"])
    empty = client.get(reverse("challenges:similar"), {"title": "", "question": ""})
    assert "Saisissez un titre" in empty.content.decode()
    unmatched = client.get(
        reverse("challenges:similar"), {"title": "Bus", "question": "Des horaires ?"}
    ).content.decode()
    assert "Saisissez un titre" not in unmatched
    assert "Aucun défi similaire dans les années précédentes de vos programmes." in unmatched
    # The form of a new challenge, before anything is typed, asks for the title.
    assert "Saisissez un titre" in client.get(reverse("challenges:create")).content.decode()
    # A new challenge's form sent back with an error keeps comparing what was written.
    response = client.post(
        reverse("challenges:create"),
        {"title": "Inscriptions à la piscine", "question": "", "municipality": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Saisissez un titre" not in html
    assert "Inscriptions à la piscine municipale" in html


# --- Issue #19.3: the review detail does not search again at each view -------------------------


def test_review_detail_searches_similar_once_per_version(world, login, past):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    current = submitted(
        **on_side(world.a),
        title="Inscription à l'école de natation",
        question="Comment simplifier les inscriptions à la piscine municipale ?",
    )
    client = login(world.a.people["coordinator"])
    url = reverse("challenges:detail", kwargs={"pk": current.pk})

    def searched(ctx) -> bool:  # the search reads the cohorts closed before today
        return any('"closing" <' in q["sql"] for q in ctx.captured_queries)

    with CaptureQueriesContext(connection) as first:
        body = client.get(url).content.decode()
    assert "Inscriptions à la piscine municipale" in body
    assert searched(first)
    with CaptureQueriesContext(connection) as again:
        body = client.get(url).content.decode()
    assert "Inscriptions à la piscine municipale" in body
    assert not searched(again)
    # A new version of the text searches again at once.
    current.title = "Verdissement des cours d'école"
    current.question = "Comment planter des arbres dans les cours de récréation ?"
    current.theme = "urbanisme"
    current.save()
    body = client.get(url).content.decode()
    assert "Inscriptions à la piscine municipale" not in body
    assert "Aucun défi similaire dans les années précédentes de vos programmes." in body
