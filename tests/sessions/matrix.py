"""Matrix rows of the sessions app. Side A: a second cohort of A's programme (so that other
apps may put A's student in a team of A's first cohort) with a team holding A's student
(from A's school), coached by A's coach, on a challenge of A's municipality, invited to a
session running now; B's people are outsiders."""

from django.core.files.base import ContentFile

from sessions.models import CalendarFeed, CoachingEntry, SessionMaterial
from sessions.services import checkin_token
from tests.challenges.factories import ChallengeFactory
from tests.factories import CohortFactory, TeamFactory
from tests.matrix import ANON_LOGIN, Row
from tests.sessions.factories import CoachAssignmentFactory, TeamMemberFactory, running


def build(world):
    a = world.a
    cohort = CohortFactory(programme=a.programme)
    challenge = ChallengeFactory(accepted=True, call=cohort, municipality=a.municipality)
    team = TeamFactory(cohort=cohort, name="Équipe matrice sessions", challenge=challenge)
    TeamMemberFactory(team=team, user=a.people["student"], school=a.school)
    CoachAssignmentFactory(team=team, coach=a.people["coach"])
    session = running(cohort=cohort, teams=[team])
    material = SessionMaterial(session=session, title="Programme", uploaded_by=None)
    material.file.save("programme.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    world.objects.update(
        {
            "sessions_cohort": cohort,
            "sessions_team": team,
            "sessions_session": session,
            "sessions_material": material,
            "sessions_feed": CalendarFeed.objects.create(user=a.people["student"]),
            "sessions_question": CoachingEntry.objects.create(
                team=team, kind="question", author=a.people["student"], body="Une question ?"
            ),
        }
    )


def _session(w):
    return {"pk": w["sessions_session"].pk}


SIGNED_IN = {"anonymous": ANON_LOGIN, "default": 200}
# Side A's session: those invited or following its team see it; everyone else gets a 404.
SEES_SESSION = {
    "anonymous": ANON_LOGIN,
    "coordinator": 200,
    "municipal_staff": 200,
    "school_referent": 200,
    "student": 200,
    "coach": 200,
    "default": 404,
}
RUNS_SESSION = {
    **SEES_SESSION,
    "municipal_staff": 403,
    "school_referent": 403,
    "student": 403,
    "coach": 403,
}
# Side A's second cohort: its calendar is open to its coordinator and participants.
SEES_COHORT = {**SEES_SESSION, "juror": 200}
COORDINATES_COHORT = {
    **SEES_COHORT,
    "municipal_staff": 403,
    "school_referent": 403,
    "student": 403,
    "coach": 403,
    "juror": 403,
}
COACHING_ROLES = ["coordinator", "student", "coach", "municipal_staff"]

ROWS = {
    "sessions:mine": Row(SIGNED_IN),
    "sessions:cohort_calendar": Row(
        SEES_COHORT, kwargs=lambda w: {"cohort_id": w["sessions_cohort"].pk}
    ),
    "sessions:create": Row(
        COORDINATES_COHORT, kwargs=lambda w: {"cohort_id": w["sessions_cohort"].pk}
    ),
    "sessions:attendance_rates": Row(
        COORDINATES_COHORT, kwargs=lambda w: {"cohort_id": w["sessions_cohort"].pk}
    ),
    "sessions:attendance_summary": Row(
        COORDINATES_COHORT, kwargs=lambda w: {"cohort_id": w["sessions_cohort"].pk}
    ),
    "sessions:detail": Row(SEES_SESSION, kwargs=_session),
    "sessions:edit": Row(RUNS_SESSION, kwargs=_session),
    "sessions:ics": Row(SEES_SESSION, kwargs=_session),
    # Without a file the upload is refused with a message and a redirect.
    "sessions:material_upload": Row(
        {**RUNS_SESSION, "coordinator": 302}, kwargs=_session, method="post"
    ),
    "sessions:material_download": Row(
        SEES_SESSION,
        kwargs=lambda w: {
            "pk": w["sessions_session"].pk,
            "material_id": w["sessions_material"].pk,
        },
    ),
    "sessions:attendance": Row(RUNS_SESSION, kwargs=_session),
    "sessions:attendance_toggle": Row(
        {**RUNS_SESSION, "coordinator": 302},
        kwargs=lambda w: {
            "pk": w["sessions_session"].pk,
            "user_id": w.a.people["student"].pk,
        },
        method="post",
        data=lambda w: {"present": "1"},
    ),
    "sessions:checkin_code": Row(RUNS_SESSION, kwargs=_session),
    "sessions:checkin": Row(
        SEES_SESSION,
        kwargs=lambda w: {
            "pk": w["sessions_session"].pk,
            "token": checkin_token(w["sessions_session"]),
        },
    ),
    # The token is the key: whoever holds the address gets the feed.
    "sessions:feed": Row({"default": 200}, kwargs=lambda w: {"token": w["sessions_feed"].token}),
    "sessions:feed_regenerate": Row({"default": 302}, method="post"),
    "sessions:feed_revoke": Row({"default": 302}, method="post"),
    "sessions:coaching_list": Row(
        {
            "anonymous": ANON_LOGIN,
            "default": 403,
            **dict.fromkeys(COACHING_ROLES, 200),
            **{f"other_{r}": 200 for r in COACHING_ROLES},
        }
    ),
    "sessions:coaching": Row(
        {"anonymous": ANON_LOGIN, "default": 404, **dict.fromkeys(COACHING_ROLES, 200)},
        kwargs=lambda w: {"team_id": w["sessions_team"].pk},
    ),
    # Answering with an empty form: refused with a message (302) for the team's coach and
    # the coordinator, 403 for the team and its municipality, 404 for everyone else.
    "sessions:coaching_answer": Row(
        {
            "anonymous": ANON_LOGIN,
            "default": 404,
            "coordinator": 302,
            "coach": 302,
            "student": 403,
            "municipal_staff": 403,
        },
        kwargs=lambda w: {"entry_id": w["sessions_question"].pk},
        method="post",
    ),
}
