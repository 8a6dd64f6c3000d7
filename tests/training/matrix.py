"""Matrix rows of the agents' school. Side A: an agents' school edition of A's département
with a team holding A's student as an agent (employer: the département), a module with a
session, an experiment of the team with a published replication sheet; B's people are
outsiders (another département's coordinator gets a 404)."""

from tests.matrix import ANON_LOGIN, Row
from tests.training import factories as f

COORDINATOR_PAGE = {
    "anonymous": ANON_LOGIN,
    "coordinator": 200,
    "other_coordinator": 404,
    "default": 403,
}
COORDINATOR_POST = {**COORDINATOR_PAGE, "coordinator": 302}
# The team's private pages: its coordinator and its agents; everyone else gets a 404.
TEAM_PAGE = {"anonymous": ANON_LOGIN, "coordinator": 200, "student": 200, "default": 404}
TEAM_POST = {**TEAM_PAGE, "coordinator": 302, "student": 302}
PUBLISH_POST = {**TEAM_PAGE, "coordinator": 302, "student": 403}
AGENTS_PAGE = {"anonymous": ANON_LOGIN, "student": 200, "other_student": 200, "default": 403}


def build(world):
    a = world.a
    cohort = f.edition(a.departement)
    agent = f.agent(cohort, a.departement, user=a.people["student"])
    team = cohort.teams.get()
    module = f.module(cohort)
    session = f.module_session(module)
    f.present(session, agent)
    experiment = f.experiment(cohort, team)
    sheet = f.sheet(experiment, slug="accueil-sans-rendez-vous-matrice", published=True)
    world.objects.update(
        {
            "training_cohort": cohort,
            "training_module": module,
            "training_experiment": experiment,
            "training_sheet": sheet,
        }
    )


def _cohort(w):
    return {"cohort_pk": w["training_cohort"].pk}


def _module(w):
    return {"pk": w["training_module"].pk}


def _experiment(w):
    return {"pk": w["training_experiment"].pk}


ROWS = {
    "training:my_record": Row(AGENTS_PAGE),
    "training:modules": Row(COORDINATOR_PAGE, kwargs=_cohort),
    "training:module_detail": Row(COORDINATOR_PAGE, kwargs=_module),
    "training:module_schedule": Row(
        COORDINATOR_POST,
        kwargs=_module,
        method="post",
        data=lambda w: {"starts_at": "2027-01-12T09:00", "ends_at": "2027-01-12T12:00"},
    ),
    "training:records": Row(COORDINATOR_PAGE, kwargs=_cohort),
    "training:agent_add": Row(
        COORDINATOR_POST,
        kwargs=_cohort,
        method="post",
        data=lambda w: {
            "email": "agent.matrice@example.org",
            "first_name": "Alix",
            "last_name": "Matrice",
            "employer": w.a.departement.pk,
            "job_family": "Accueil",
            "team_name": "Équipe matrice",
        },
    ),
    "training:experiments": Row(COORDINATOR_PAGE, kwargs=_cohort),
    "training:experiment_detail": Row(TEAM_PAGE, kwargs=_experiment),
    "training:user_test_add": Row(
        TEAM_POST,
        kwargs=_experiment,
        method="post",
        data=lambda w: {"held_on": "2026-11-04", "people_met": 5, "learnt": "Des choses."},
    ),
    "training:indicator_save": Row(
        TEAM_POST,
        kwargs=_experiment,
        method="post",
        data=lambda w: {"name": "Attente", "unit": "minutes", "before": "30", "after": "12"},
    ),
    "training:evaluation_save": Row(
        TEAM_POST, kwargs=_experiment, method="post", data=lambda w: {"evaluation": "Réussie."}
    ),
    "training:sheet_save": Row(
        TEAM_POST,
        kwargs=_experiment,
        method="post",
        data=lambda w: {"conditions": "a", "costs": "b", "steps": "c", "pitfalls": "d"},
    ),
    "training:sheet_status": Row(
        PUBLISH_POST, kwargs=_experiment, method="post", data=lambda w: {"status": "published"}
    ),
    "training:sheet_public": Row(
        {"default": 200}, kwargs=lambda w: {"slug": w["training_sheet"].slug}
    ),
}
