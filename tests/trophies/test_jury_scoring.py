"""The juror's score sheet: marks saved on change while voting is open, audited, refused
with a clear message (and nothing stored) when the input or the moment is wrong."""

import pytest
from django.urls import reverse
from django.utils import timezone

from curiouslab.accounts.models import AuditLogEntry
from tests.trophies.factories import juror, ready_jury
from trophies.models import Jury, JuryStatus, Score

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def open_jury(world):
    jury, members, finalists, crits = ready_jury(world.a.cohort, jurors=1, finalists=2)
    seat = juror(jury, world.a.people["juror"])
    return jury, seat, finalists, crits


def save(client, jury, finalist, data, **extra):
    return client.post(reverse("trophies:sheet_save", args=[jury.pk, finalist.pk]), data, **extra)


def test_sheet_save_stores_marks_and_lists_what_is_missing(world, login, open_jury):
    jury, seat, finalists, (c1, c2) = open_jury
    client = login(world.a.people["juror"])
    response = save(
        client, jury, finalists[0], {f"mark-{c1.pk}": "4", f"comment-{c1.pk}": "Solide"}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Il manque encore" in body and c2.name in body
    score = Score.objects.get(member=seat, finalist=finalists[0], criterion=c1)
    assert (score.value, score.comment) == (4, "Solide")
    response = save(
        client, jury, finalists[0], {f"mark-{c1.pk}": "4", f"mark-{c2.pk}": "2"}, **HTMX
    )
    assert "Complète" in response.content.decode()
    assert Score.objects.filter(member=seat, finalist=finalists[0]).count() == 2


def test_sheet_save_change_is_audited_sealed_then_with_the_marks_at_close(world, login, open_jury):
    """While voting, the log says who changed which mark when, never the mark or the comment
    (every coordinator reads it); when the vote closes, each juror's marks are logged."""
    jury, seat, finalists, (c1, _c2) = open_jury
    client = login(world.a.people["juror"])
    save(client, jury, finalists[0], {f"mark-{c1.pk}": "3"}, **HTMX)
    save(client, jury, finalists[0], {f"mark-{c1.pk}": "5", f"comment-{c1.pk}": "Revu"}, **HTMX)
    save(client, jury, finalists[0], {f"mark-{c1.pk}": "5", f"comment-{c1.pk}": "Revu"}, **HTMX)
    score = Score.objects.get(member=seat, criterion=c1, finalist=finalists[0])
    entries = list(
        AuditLogEntry.objects.filter(object_id=str(score.pk), action__startswith="score.").order_by(
            "id"
        )
    )
    assert [e.action for e in entries] == ["score.create", "score.update"]
    for entry in entries:
        assert entry.before is None and entry.after == {"criterion": c1.pk}
        assert ":" not in entry.object_repr and c1.name in entry.object_repr
    assert entries[1].actor == world.a.people["juror"]
    assert entries[1].organisation == world.a.departement
    assert entries[0].created_at <= entries[1].created_at <= timezone.now()
    assert not AuditLogEntry.objects.filter(action="jury.marks").exists()

    login(world.a.people["coordinator"]).post(
        reverse("trophies:jury_transition", args=[jury.pk, "closed"]),
        {"confirm": "1", "incomplete": [m.pk for m in jury.members.all()]},
    )
    sealed = AuditLogEntry.objects.get(action="jury.marks", object_id=str(seat.pk))
    assert sealed.after == {
        "jury": jury.pk,
        "marks": [{"finalist": finalists[0].pk, "criterion": c1.pk, "value": 5, "comment": "Revu"}],
    }


@pytest.mark.parametrize("value", ["6", "-1", "cinq"])
def test_sheet_save_refuses_marks_off_the_scale(world, login, open_jury, value):
    jury, seat, finalists, (c1, c2) = open_jury
    client = login(world.a.people["juror"])
    response = save(
        client, jury, finalists[0], {f"mark-{c1.pk}": "4", f"mark-{c2.pk}": value}, **HTMX
    )
    assert response.status_code == 400
    assert "rien n&#x27;a été enregistré" in response.content.decode()
    assert not Score.objects.exists()


def test_sheet_save_refuses_a_criterion_of_another_jury(world, login, open_jury):
    jury, _seat, finalists, (c1, _c2) = open_jury
    _other, _m, _f, other_crits = ready_jury(world.b.cohort)
    client = login(world.a.people["juror"])
    response = save(
        client, jury, finalists[0], {f"mark-{c1.pk}": "4", f"mark-{other_crits[0].pk}": "3"}, **HTMX
    )
    assert response.status_code == 400
    assert "Ce critère n&#x27;appartient pas à ce jury" in response.content.decode()
    assert not Score.objects.exists()


def test_sheet_save_for_a_project_not_in_the_jury_is_404(world, login, open_jury):
    jury, _seat, _finalists, (c1, _c2) = open_jury
    _other, _m, other_finalists, _c = ready_jury(world.a.cohort)
    client = login(world.a.people["juror"])
    response = save(client, jury, other_finalists[0], {f"mark-{c1.pk}": "4"})
    assert response.status_code == 404
    assert not Score.objects.filter(member__user=world.a.people["juror"]).exists()


def test_sheet_save_by_a_juror_of_another_jury_is_404(world, login, open_jury):
    jury, _seat, finalists, (c1, _c2) = open_jury
    other, _m, _f, _c = ready_jury(world.b.cohort)
    juror(other, world.b.people["juror"])
    client = login(world.b.people["juror"])
    assert save(client, jury, finalists[0], {f"mark-{c1.pk}": "4"}).status_code == 404
    assert client.get(reverse("trophies:sheet", args=[jury.pk])).status_code == 404
    assert not Score.objects.exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (JuryStatus.SETUP, "Le vote n&#x27;est pas encore ouvert"),
        (JuryStatus.CLOSED, "Le vote est clos"),
        (JuryStatus.PUBLISHED, "Le vote est clos"),
    ],
)
def test_sheet_save_outside_the_voting_window_is_refused(world, login, open_jury, status, message):
    jury, _seat, finalists, (c1, _c2) = open_jury
    Jury.objects.filter(pk=jury.pk).update(status=status)
    client = login(world.a.people["juror"])
    response = save(client, jury, finalists[0], {f"mark-{c1.pk}": "4"}, follow=True)
    assert message in response.content.decode()
    assert not Score.objects.exists()


def test_sheet_save_after_close_does_not_change_an_existing_mark(world, login, open_jury):
    jury, _seat, finalists, (c1, _c2) = open_jury
    client = login(world.a.people["juror"])
    save(client, jury, finalists[0], {f"mark-{c1.pk}": "2"}, **HTMX)
    login(world.a.people["coordinator"]).post(
        reverse("trophies:jury_transition", args=[jury.pk, "closed"]),
        {"confirm": "1", "incomplete": [m.pk for m in jury.members.all()]},
    )
    client = login(world.a.people["juror"])
    response = save(client, jury, finalists[0], {f"mark-{c1.pk}": "5"}, **HTMX)
    assert response.status_code == 400
    assert Score.objects.get().value == 2


def test_comment_required_keeps_the_sheet_incomplete(world, login):
    jury, _m, finalists, (c1,) = ready_jury(
        world.a.cohort, jurors=0, weights=(1,), comment_required=True
    )
    juror(jury, world.a.people["juror"])
    client = login(world.a.people["juror"])
    response = save(client, jury, finalists[0], {f"mark-{c1.pk}": "3"}, **HTMX)
    assert "Pertinence (commentaire)" in response.content.decode()
    response = save(
        client, jury, finalists[0], {f"mark-{c1.pk}": "3", f"comment-{c1.pk}": "Clair"}, **HTMX
    )
    assert "Complète" in response.content.decode()


def test_sheet_page_is_mobile_friendly_and_csp_clean(world, login, open_jury):
    jury, _seat, finalists, (c1, _c2) = open_jury
    client = login(world.a.people["juror"])
    save(client, jury, finalists[0], {f"mark-{c1.pk}": "4"}, **HTMX)
    response = client.get(reverse("trophies:sheet", args=[jury.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="change, submit"' in body
    assert "trophies/sheet.js" in body
    assert "<script>" not in body and "style=" not in body and " onclick" not in body
    assert f'id="m{finalists[0].pk}-{c1.pk}-4" value="4" autocomplete="off" checked' in body
    assert "0 projet complet sur 2" in body


def test_sheet_query_count_does_not_grow_with_projects(world, login, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.trophies.factories import finalist

    jury, _m, _f, _c = ready_jury(world.a.cohort, jurors=1, finalists=1)
    juror(jury, world.a.people["juror"])
    client = login(world.a.people["juror"])
    url = reverse("trophies:sheet", args=[jury.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        finalist(jury)
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert response.content.decode().count('class="card mb-3 sheet-card"') == 6
