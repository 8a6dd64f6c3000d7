"""No marks while the vote is open (issue #12.5): the audit log, which every coordinator of the
organisation reads, records who changed which mark and when, never the mark or the comment,
until the vote is closed; no page shows a mark or a comment before then, whoever the chair."""

import html

import pytest
from django.urls import reverse

from curiouslab.accounts.models import AuditLogEntry, Role
from tests.factories import member
from tests.trophies.factories import ClosingSessionFactory, juror, ready_jury
from trophies.models import Score

pytestmark = pytest.mark.django_db

COMMENT = "Sentinelle-4821 : un projet très convaincant"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def voted(world, login):
    """An open jury: side A's juror has scored a project with a comment and the audience has
    voted; its chair is another coordinator than the one who created it."""
    from sessions.models import Attendance

    session = ClosingSessionFactory(cohort=world.a.cohort)
    jury, _m, (f1, f2), crits = ready_jury(
        world.a.cohort, jurors=0, audience_award=True, closing_session=session
    )
    chair = member(Role.COORDINATOR, world.a.departement, first_name="Paule")
    jury.chair = chair
    jury.save(update_fields=["chair"])
    seat = juror(jury, world.a.people["juror"])
    client = login(world.a.people["juror"])
    data = {f"mark-{c.pk}": "4" for c in crits} | {f"comment-{crits[0].pk}": COMMENT}
    client.post(reverse("trophies:sheet_save", args=[jury.pk, f1.pk]), data, **HTMX)
    data = {f"mark-{c.pk}": "2" for c in crits} | {f"comment-{crits[0].pk}": COMMENT + " bis"}
    client.post(reverse("trophies:sheet_save", args=[jury.pk, f1.pk]), data, **HTMX)
    assert Score.objects.filter(member=seat, comment__startswith="Sentinelle").count() == 1
    Attendance.objects.create(session=session, user=world.a.people["student"], method="qr_code")
    login(world.a.people["student"]).post(
        reverse("trophies:audience_vote", args=[jury.pk]), {"finalist": f2.pk}
    )
    assert jury.audience_votes.count() == 1
    return jury, seat, chair, (f1, f2), crits


def pages(jury):
    return [
        reverse("accounts:audit_log"),
        reverse("accounts:audit_log") + "?action=score",
        reverse("accounts:audit_log") + "?action=jury",
        reverse("trophies:jury_list"),
        reverse("trophies:jury_detail", args=[jury.pk]),
        reverse("trophies:jury_live", args=[jury.pk]),
        reverse("trophies:jury_results", args=[jury.pk]),
        reverse("trophies:jury_report", args=[jury.pk]),
        reverse("trophies:audience_qr", args=[jury.pk]),
    ]


def test_no_page_shows_a_mark_or_a_comment_while_the_vote_is_open(world, login, voted):
    jury, seat, chair, (f1, f2), crits = voted
    for person in (world.a.people["coordinator"], chair):
        client = login(person)
        for url in pages(jury):
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            body = html.unescape(response.content.decode())
            assert "Sentinelle" not in body, url
            assert "'value'" not in body and '"value"' not in body, url
            assert "Classement" not in body, url
        fragment = client.get(reverse("trophies:jury_live", args=[jury.pk]), **HTMX)
        assert "Sentinelle" not in fragment.content.decode()
    # The audit log still says who changed which mark, and when.
    log = html.unescape(
        login(chair).get(reverse("accounts:audit_log") + "?action=score").content.decode()
    )
    assert "score.create" in log and "score.update" in log and crits[0].name in log
    assert f"{seat} · {f1.team} · {crits[0].name}" in log
    # Nothing in the log's rows carries a mark, a comment or the audience's choice.
    for entry in AuditLogEntry.objects.filter(action__startswith="score."):
        assert entry.before is None and set(entry.after) == {"criterion"}
        assert ":" not in entry.object_repr
    vote = AuditLogEntry.objects.get(action="jury.audience_vote")
    assert vote.after is None and f2.team.name not in vote.object_repr
    assert not AuditLogEntry.objects.filter(after__icontains="Sentinelle").exists()


def test_the_marks_reach_the_audit_log_when_the_vote_closes(world, login, voted):
    jury, seat, _chair, (f1, f2), crits = voted
    client = login(world.a.people["coordinator"])
    client.post(
        reverse("trophies:jury_transition", args=[jury.pk, "closed"]),
        {"confirm": "1", "incomplete": [str(seat.pk)]},
    )
    log = html.unescape(client.get(reverse("accounts:audit_log") + "?action=jury").content.decode())
    assert "jury.marks" in log and "Sentinelle-4821" in log
    assert "jury.audience_votes" in log
    votes = AuditLogEntry.objects.get(action="jury.audience_votes")
    assert votes.after == {"votes": {str(f2.pk): 1}}
