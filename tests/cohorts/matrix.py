"""Matrix rows of the cohorts app (see tests/matrix.py). Side A gets a cohort of its own
(A's first cohort stays free for the other apps' teams) with its challenge, an approved school, a team (side A's student, coached by side A's coach),
a milestone with a version and files, and a kickoff scenario."""

from cohorts.models import DeliverableFile, ScenarioFile, TeamMember
from tests.cohorts import factories as f
from tests.factories import CohortFactory
from tests.matrix import ANON_LOGIN, Row

SIGNED_IN = {"anonymous": ANON_LOGIN, "default": 200}
# Pages of a cohort's management: its coordinators; another département's get 404.
COORDINATOR_PAGE = {
    "anonymous": ANON_LOGIN,
    "coordinator": 200,
    "other_coordinator": 404,
    "default": 403,
}
COORDINATOR_POST = {
    "anonymous": ANON_LOGIN,
    "coordinator": 302,
    "other_coordinator": 404,
    "default": 403,
}
# Everyone who follows side A's team sees it; the juror and side B do not.
TEAM_PAGE = {
    "anonymous": ANON_LOGIN,
    "coordinator": 200,
    "municipal_staff": 200,
    "school_referent": 200,
    "student": 200,
    "coach": 200,
    "default": 404,
}
# Visible to the team's followers, but only some of them may act: the others get 403.
TEAM_ACTION_FORBIDDEN = {
    "anonymous": ANON_LOGIN,
    "coordinator": 403,
    "municipal_staff": 403,
    "school_referent": 403,
    "student": 403,
    "coach": 403,
    "default": 404,
}
ENROLMENT_POST = {
    "anonymous": ANON_LOGIN,
    "coordinator": 302,
    "school_referent": 302,
    "default": 404,
}


def build(world):
    a = world.a
    cohort = CohortFactory(programme=a.programme)
    challenge = f.challenge(a.programme, a.municipality, cohort=cohort)
    f.enrol(cohort, a.school)
    team = f.team(cohort, challenge=challenge)
    f.add_member(team, a.people["student"], a.school)
    other = f.student(a.school, discipline="design")
    removable = f.add_member(team, other, a.school, "design")
    f.coach(team, a.people["coach"])
    milestone = f.milestone(cohort)
    version = f.version(team, milestone, by=a.people["student"])
    scenario = f.scenario(team, challenge)
    world.objects.update(
        {
            "cohorts_cohort": cohort,
            "cohorts_challenge": challenge,
            "cohorts_enrolment": cohort.enrolments.get(),
            "cohorts_team": team,
            "cohorts_member": removable,
            "cohorts_milestone": milestone,
            "cohorts_version": version,
            "cohorts_scenario": scenario,
            "cohorts_deliverable_file": f.stored(DeliverableFile, version=version),
            "cohorts_scenario_file": f.stored(
                ScenarioFile, f.PDF, "scenario.pdf", "application/pdf", scenario=scenario
            ),
        }
    )
    assert TeamMember.objects.filter(team=team).count() == 2


def _cohort(w):
    return {"pk": w["cohorts_cohort"].pk}


def _cohort_pk(w):
    return {"cohort_pk": w["cohorts_cohort"].pk}


def _team(w):
    return {"pk": w["cohorts_team"].pk}


def _team_milestone(w):
    return {"team_pk": w["cohorts_team"].pk, "milestone_pk": w["cohorts_milestone"].pk}


def _enrolment(w):
    return {"pk": w["cohorts_enrolment"].pk}


ROWS = {
    "cohorts:cohort_list": Row(SIGNED_IN),
    "cohorts:my_teams": Row(SIGNED_IN),
    # Any coordinator starts a programme of their own organisation.
    "cohorts:programme_create": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 200, "other_coordinator": 200, "default": 403}
    ),
    "cohorts:programme_edit": Row(COORDINATOR_PAGE, kwargs=lambda w: {"pk": w.a.programme.pk}),
    "cohorts:cohort_create": Row(
        COORDINATOR_PAGE, kwargs=lambda w: {"programme_pk": w.a.programme.pk}
    ),
    "cohorts:cohort_detail": Row(
        {
            "anonymous": ANON_LOGIN,
            "coordinator": 200,
            "municipal_staff": 200,
            "school_referent": 200,
            "student": 200,
            "coach": 200,
            "default": 404,
        },
        kwargs=_cohort,
    ),
    "cohorts:cohort_edit": Row(COORDINATOR_PAGE, kwargs=_cohort),
    "cohorts:cohort_copy": Row(COORDINATOR_POST, kwargs=_cohort, method="post"),
    "cohorts:cohort_copied": Row(
        COORDINATOR_POST, kwargs=_cohort, method="post", data=lambda w: {"confirm": "all"}
    ),
    "cohorts:dashboard": Row(COORDINATOR_PAGE, kwargs=_cohort),
    "cohorts:dashboard_export": Row(
        COORDINATOR_PAGE, kwargs=lambda w: {"pk": w["cohorts_cohort"].pk, "fmt": "csv"}
    ),
    "cohorts:cohort_challenges": Row(COORDINATOR_PAGE, kwargs=_cohort),
    "cohorts:cohort_challenge_toggle": Row(
        COORDINATOR_POST,
        kwargs=lambda w: {"pk": w["cohorts_cohort"].pk, "challenge_pk": w["cohorts_challenge"].pk},
        method="post",
        data=lambda w: {"action": "add"},
    ),
    "cohorts:milestone_create": Row(COORDINATOR_PAGE, kwargs=_cohort_pk),
    "cohorts:milestone_edit": Row(
        COORDINATOR_PAGE, kwargs=lambda w: {"pk": w["cohorts_milestone"].pk}
    ),
    "cohorts:milestone_status": Row(
        COORDINATOR_PAGE, kwargs=lambda w: {"pk": w["cohorts_milestone"].pk}
    ),
    # Side A's school is already enrolled: its referent is sent back to the list.
    "cohorts:enrolment_request": Row(
        {
            "anonymous": ANON_LOGIN,
            "school_referent": 302,
            "other_school_referent": 404,
            "default": 403,
        },
        kwargs=_cohort_pk,
    ),
    "cohorts:enrolment_list": Row(COORDINATOR_PAGE, kwargs=_cohort_pk),
    "cohorts:enrolment_detail": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 200, "school_referent": 200, "default": 404},
        kwargs=_enrolment,
    ),
    "cohorts:enrolment_decide": Row(
        COORDINATOR_POST,
        kwargs=_enrolment,
        method="post",
        data=lambda w: {"status": "approved"},
    ),
    "cohorts:enrolment_disciplines": Row(
        ENROLMENT_POST,
        kwargs=_enrolment,
        method="post",
        data=lambda w: {"disciplines": "ingénierie, commerce, design"},
    ),
    "cohorts:student_invite": Row(ENROLMENT_POST, kwargs=_enrolment, method="post"),
    "cohorts:student_import": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 200, "school_referent": 200, "default": 404},
        kwargs=_enrolment,
    ),
    "cohorts:student_import_template": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 200, "school_referent": 200, "default": 404},
        kwargs=_enrolment,
    ),
    "cohorts:team_list": Row(COORDINATOR_PAGE, kwargs=_cohort_pk),
    "cohorts:team_create": Row(
        COORDINATOR_POST,
        kwargs=_cohort_pk,
        method="post",
        data=lambda w: {"name": "Équipe de la matrice"},
    ),
    "cohorts:team_propose": Row(COORDINATOR_PAGE, kwargs=_cohort_pk),
    "cohorts:team_detail": Row(TEAM_PAGE, kwargs=_team),
    "cohorts:team_member_add": Row(
        {**TEAM_ACTION_FORBIDDEN, "coordinator": 302}, kwargs=_team, method="post"
    ),
    "cohorts:team_member_remove": Row(
        {**TEAM_ACTION_FORBIDDEN, "coordinator": 302, "other_coordinator": 404},
        kwargs=lambda w: {"pk": w["cohorts_team"].pk, "member_pk": w["cohorts_member"].pk},
        method="post",
    ),
    "cohorts:team_status": Row(
        {**TEAM_ACTION_FORBIDDEN, "coordinator": 302},
        kwargs=_team,
        method="post",
        data=lambda w: {"status": "confirmed"},
    ),
    "cohorts:team_challenge": Row(
        {**TEAM_ACTION_FORBIDDEN, "coordinator": 302},
        kwargs=_team,
        method="post",
        data=lambda w: {"challenge": w["cohorts_challenge"].pk},
    ),
    "cohorts:team_coach": Row(
        {**TEAM_ACTION_FORBIDDEN, "coordinator": 302},
        kwargs=_team,
        method="post",
        data=lambda w: {"coach": w.a.people["coach"].pk},
    ),
    "cohorts:scenario_edit": Row(
        {**TEAM_ACTION_FORBIDDEN, "student": 200},
        kwargs=lambda w: {"team_pk": w["cohorts_team"].pk},
    ),
    "cohorts:scenario_update": Row(
        {**TEAM_ACTION_FORBIDDEN, "student": 200},
        kwargs=lambda w: {"team_pk": w["cohorts_team"].pk, "pk": w["cohorts_scenario"].pk},
    ),
    "cohorts:challenge_scenarios": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 200, "municipal_staff": 200, "default": 404},
        kwargs=lambda w: {"challenge_pk": w["cohorts_challenge"].pk},
    ),
    "cohorts:scenario_select": Row(
        {**TEAM_ACTION_FORBIDDEN, "municipal_staff": 302},
        kwargs=lambda w: {"pk": w["cohorts_scenario"].pk},
        method="post",
    ),
    "cohorts:scenario_file": Row(TEAM_PAGE, kwargs=lambda w: {"pk": w["cohorts_scenario_file"].pk}),
    "cohorts:deliverable_detail": Row(TEAM_PAGE, kwargs=_team_milestone),
    "cohorts:deliverable_submit": Row(
        {**TEAM_ACTION_FORBIDDEN, "student": 302}, kwargs=_team_milestone, method="post"
    ),
    "cohorts:extension_grant": Row(
        {**TEAM_ACTION_FORBIDDEN, "coordinator": 302}, kwargs=_team_milestone, method="post"
    ),
    "cohorts:version_comment": Row(
        {**TEAM_ACTION_FORBIDDEN, "coordinator": 302, "municipal_staff": 302, "coach": 302},
        kwargs=lambda w: {"pk": w["cohorts_version"].pk},
        method="post",
        data=lambda w: {"text": "Bravo pour cette version."},
    ),
    "cohorts:deliverable_file": Row(
        TEAM_PAGE, kwargs=lambda w: {"pk": w["cohorts_deliverable_file"].pk}
    ),
}
