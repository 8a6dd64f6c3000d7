"""Matrix rows of the jury (issue #6): every view tried by every persona."""

from cohorts.models import DeliverableFile
from sessions.models import Attendance
from tests.cohorts import factories as cohort_factories
from tests.matrix import ANON_LOGIN, Row
from tests.trophies.factories import ClosingSessionFactory, criterion, finalist, juror, ready_jury
from trophies.models import AwardCategory, JuryStatus

COORDINATOR_ONLY = {"anonymous": ANON_LOGIN, "coordinator": 200, "default": 404}
COORDINATOR_ACTS = {"anonymous": ANON_LOGIN, "coordinator": 302, "default": 404}
JUROR_ACTS = {"anonymous": ANON_LOGIN, "juror": 302, "default": 404}


def build(world):
    a = world.a
    session = ClosingSessionFactory(cohort=a.cohort)
    Attendance.objects.create(session=session, user=a.people["student"], method="qr_code")
    # An open jury on which side A's juror sits, with an audience award.
    jury, _members, finalists, _crits = ready_jury(
        a.cohort, jurors=1, finalists=2, closing_session=session, audience_award=True
    )
    juror(jury, a.people["juror"])
    world.objects["jury_a"] = jury
    world.objects["jury_a_finalist"] = finalists[0]
    world.objects["jury_a_finalist_2"] = finalists[1]
    # The first finalist's final project, which the jurors open from their sheet.
    final = cohort_factories.milestone(a.cohort, kind="final", name="Projet final")
    version = cohort_factories.version(finalists[0].team, final)
    world.objects["jury_a_file"] = cohort_factories.stored(DeliverableFile, version=version)
    # The audience prize, which nobody can receive until someone votes: set aside.
    world.objects["jury_a_audience_prize"] = AwardCategory.objects.create(
        jury=jury, name="Prix du public", basis="audience"
    )
    # A jury being set up, whose parts the coordinator adds and removes.
    setup, members, finalists, crits = ready_jury(
        a.cohort, jurors=1, finalists=2, status=JuryStatus.SETUP
    )
    world.objects["jury_a_setup"] = setup
    world.objects["setup_member"] = members[0]
    world.objects["setup_finalist"] = finalists[0]
    world.objects["setup_criterion"] = criterion(setup, "Impact", 1, 9)
    world.objects["setup_category"] = AwardCategory.objects.create(
        jury=setup, name="Grand prix", basis="ranking", position=1
    )
    # A jury whose voting the coordinator closes.
    world.objects["jury_a_to_close"] = ready_jury(a.cohort, jurors=1, finalists=1)[0]
    # A closed jury with a tie the chair breaks; side A's juror sits on it.
    closed, _m, finalists, _c = ready_jury(a.cohort, jurors=1, finalists=2, status="closed")
    juror(closed, a.people["juror"])
    world.objects["jury_a_closed"] = closed
    world.objects["closed_finalist"] = finalists[0]
    finalist(closed)


def kw(name, **extra):
    def kwargs(w):
        return {"pk": w[name].pk, **{k: w[v].pk for k, v in extra.items()}}

    return kwargs


ROWS = {
    "trophies:jury_list": Row(
        {
            "anonymous": ANON_LOGIN,
            "coordinator": 200,
            "other_coordinator": 200,
            "juror": 200,
            "other_juror": 200,
            "default": 403,
        }
    ),
    "trophies:jury_create": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 200, "other_coordinator": 200, "default": 403}
    ),
    "trophies:jury_detail": Row(COORDINATOR_ONLY, kwargs=kw("jury_a")),
    "trophies:jury_edit": Row(COORDINATOR_ONLY, kwargs=kw("jury_a_setup")),
    "trophies:juror_add": Row(
        COORDINATOR_ACTS,
        kwargs=kw("jury_a_setup"),
        method="post",
        data=lambda w: {"email": "nouveau.jure@example.org", "name": "Paul Girard"},
    ),
    "trophies:juror_remove": Row(
        COORDINATOR_ACTS, kwargs=kw("jury_a_setup", member_pk="setup_member"), method="post"
    ),
    "trophies:finalist_add": Row(COORDINATOR_ACTS, kwargs=kw("jury_a_setup"), method="post"),
    "trophies:finalist_remove": Row(
        COORDINATOR_ACTS, kwargs=kw("jury_a_setup", finalist_pk="setup_finalist"), method="post"
    ),
    "trophies:criterion_add": Row(COORDINATOR_ONLY, kwargs=kw("jury_a_setup")),
    "trophies:criterion_remove": Row(
        COORDINATOR_ACTS,
        kwargs=kw("jury_a_setup", criterion_pk="setup_criterion"),
        method="post",
    ),
    "trophies:category_add": Row(COORDINATOR_ACTS, kwargs=kw("jury_a_setup"), method="post"),
    "trophies:category_remove": Row(
        COORDINATOR_ACTS,
        kwargs=kw("jury_a_setup", category_pk="setup_category"),
        method="post",
    ),
    # Confirmed for its juror, who has not finished (without it, the confirmation page).
    "trophies:jury_transition": Row(
        COORDINATOR_ACTS,
        kwargs=lambda w: {"pk": w["jury_a_to_close"].pk, "status": "closed"},
        method="post",
        data=lambda w: {
            "confirm": "1",
            "incomplete": [str(m.pk) for m in w["jury_a_to_close"].members.all()],
        },
    ),
    "trophies:category_set_aside": Row(
        COORDINATOR_ACTS,
        kwargs=kw("jury_a", category_pk="jury_a_audience_prize"),
        method="post",
        data=lambda w: {"reason": "Pas de vote du public cette année."},
    ),
    "trophies:finalist_file": Row(
        {"anonymous": ANON_LOGIN, "juror": 200, "default": 404},
        kwargs=kw("jury_a", file_pk="jury_a_file"),
    ),
    "trophies:jury_live": Row(COORDINATOR_ONLY, kwargs=kw("jury_a")),
    # Side A's juror sits on the closed jury but sees the ranking only once published.
    "trophies:jury_results": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 200, "juror": 403, "default": 404},
        kwargs=kw("jury_a_closed"),
    ),
    # One project's arithmetic on demand: the results page's permission, 404 outside it.
    "trophies:jury_result_sheet": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 200, "juror": 403, "default": 404},
        kwargs=kw("jury_a_closed", finalist_pk="closed_finalist"),
    ),
    "trophies:casting_vote": Row(
        COORDINATOR_ACTS,
        kwargs=kw("jury_a_closed", finalist_pk="closed_finalist"),
        method="post",
    ),
    "trophies:jury_report": Row(COORDINATOR_ONLY, kwargs=kw("jury_a_closed")),
    "trophies:sheet": Row(
        {"anonymous": ANON_LOGIN, "juror": 200, "default": 404}, kwargs=kw("jury_a")
    ),
    "trophies:sheet_save": Row(
        JUROR_ACTS,
        kwargs=kw("jury_a", finalist_pk="jury_a_finalist"),
        method="post",
        data=lambda w: {f"mark-{c.pk}": "3" for c in w["jury_a"].criteria.all()},
    ),
    "trophies:conflict_declare": Row(
        JUROR_ACTS,
        kwargs=kw("jury_a", finalist_pk="jury_a_finalist_2"),
        method="post",
        data=lambda w: {"reason": "Ma fille est dans l'équipe"},
    ),
    # Only people present at the closing session (side A's student) may vote.
    "trophies:audience_vote": Row(
        {"anonymous": ANON_LOGIN, "student": 200, "default": 404}, kwargs=kw("jury_a")
    ),
    "trophies:audience_qr": Row(COORDINATOR_ONLY, kwargs=kw("jury_a")),
}
