import pytest
from django.urls import reverse

from sessions.models import CoachingEntry
from tests.factories import TeamFactory
from tests.sessions.factories import CoachingEntryFactory

pytestmark = pytest.mark.django_db


def _url(team):
    return reverse("sessions:coaching", args=[team.pk])


def test_coach_note_is_visible_to_team_municipality_and_coordinator(cast, login):
    response = login(cast.coach).post(
        _url(cast.team), {"action": "note", "note-body": "Interrogez les commerçants du marché."}
    )
    assert response.status_code == 302
    entry = CoachingEntry.objects.get(team=cast.team)
    assert entry.kind == "note" and entry.author == cast.coach
    for person in (cast.student, cast.municipal_staff, cast.coordinator, cast.coach):
        page = login(person).get(_url(cast.team))
        assert page.status_code == 200
        assert "Interrogez les commerçants du marché." in page.text
        assert "Accompagnement des Curieux" in page.text


def test_coaching_page_of_team_is_404_for_outsiders(cast, login):
    CoachingEntryFactory(team=cast.team, author=cast.coach)
    for person in (
        cast.other_student,
        cast.school_referent,
        cast.world.b.people["coordinator"],
        cast.world.b.people["coach"],
    ):
        assert login(person).get(_url(cast.team)).status_code == 404


def test_student_cannot_post_a_note(cast, login):
    response = login(cast.student).post(_url(cast.team), {"action": "note", "note-body": "x"})
    assert response.status_code == 403
    assert not CoachingEntry.objects.exists()


def test_team_question_and_coach_answer_are_shown_on_the_page(
    cast, login, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(cast.student).post(
            _url(cast.team),
            {"action": "question", "question-body": "Faut-il un budget pour le prototype ?"},
        )
    question = CoachingEntry.objects.get(kind="question")
    assert [m.to[0] for m in mailoutbox] == [cast.coach.email]
    assert "Une question de l’équipe Les Curieux" in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.coach).post(
            reverse("sessions:coaching_answer", args=[question.pk]),
            {"answer": "Non, un prototype en carton suffit."},
        )
    assert response.status_code == 302
    assert mailoutbox[-1].to == [cast.student.email]
    page = login(cast.teammate).get(_url(cast.team))
    assert "Faut-il un budget pour le prototype ?" in page.text
    assert "Non, un prototype en carton suffit." in page.text


def test_answer_by_other_departements_coach_is_404(cast, login):
    question = CoachingEntryFactory(team=cast.team, kind="question", author=cast.student)
    response = login(cast.world.b.people["coach"]).post(
        reverse("sessions:coaching_answer", args=[question.pk]), {"answer": "Réponse"}
    )
    assert response.status_code == 404
    question.refresh_from_db()
    assert question.answer == ""


def test_coaching_list_shows_only_the_coachs_teams(cast, login):
    response = login(cast.coach).get(reverse("sessions:coaching_list"))
    assert "Les Curieux" in response.text
    assert "Les Audacieux" not in response.text
    assert login(cast.juror).get(reverse("sessions:coaching_list")).status_code == 403


def test_coaching_pages_query_count_does_not_grow(cast, login, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.coordinator)
    urls = [_url(cast.team), reverse("sessions:coaching_list")]
    CoachingEntryFactory(team=cast.team, author=cast.coach)
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    for _ in range(12):
        CoachingEntryFactory(team=cast.team, kind="question", author=cast.student, answer="Oui")
    for _ in range(5):
        TeamFactory(cohort=cast.cohort)
    for url, expected in zip(urls, counts, strict=True):
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200
