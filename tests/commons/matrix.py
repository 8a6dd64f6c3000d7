"""Matrix rows of the commons (commons/urls.py, namespace "commons"). Side A gets a closed
cohort with a published project (side A's student a member, a public file) and a team still
to propose. The public pages answer everybody; the publication's pages its followers only:
the programme's coordinators, the challenge's municipality, the team's members; the same
roles of side B get a 404, the other roles a 403."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cohorts.models import DeliverableFile
from tests.cohorts import factories as f
from tests.factories import CohortFactory
from tests.matrix import ANON_LOGIN, Row

PUBLIC = {"default": 200}
FOLLOWERS_LIST = {
    "anonymous": ANON_LOGIN,
    "coordinator": 200,
    "municipal_staff": 200,
    "student": 200,
    "other_coordinator": 200,
    "other_municipal_staff": 200,
    "other_student": 200,
    "default": 403,
}
_OUTSIDERS = {"other_coordinator": 404, "other_municipal_staff": 404, "other_student": 404}
FOLLOWER_PAGE = {
    "anonymous": ANON_LOGIN,
    "coordinator": 200,
    "municipal_staff": 200,
    "student": 200,
    **_OUTSIDERS,
    "default": 403,
}


def _action(who: str) -> dict:
    """A step only ``who`` takes (a redirect with its message); the other followers 403."""
    return {
        "anonymous": ANON_LOGIN,
        "coordinator": 403,
        "municipal_staff": 403,
        "student": 403,
        **_OUTSIDERS,
        who: 302,
        "default": 403,
    }


def build(world):
    from commons import services  # noqa: PLC0415 -- matrix modules load before Django is set up

    a = world.a
    today = timezone.localdate()
    cohort = CohortFactory(
        programme=a.programme,
        call_opens=today - datetime.timedelta(days=300),
        call_closes=today - datetime.timedelta(days=250),
        kickoff=today - datetime.timedelta(days=240),
        working_starts=today - datetime.timedelta(days=239),
        working_ends=today - datetime.timedelta(days=20),
        closing=today - datetime.timedelta(days=10),
    )
    challenge = f.challenge(a.programme, a.municipality, cohort=cohort)
    team = f.team(cohort, name="Les Publiés", challenge=challenge)
    f.add_member(team, a.people["student"], a.school)
    version = f.version(team, f.milestone(cohort))
    file = f.stored(DeliverableFile, version=version)
    to_propose = f.team(cohort, name="Les Suivants", challenge=challenge)
    coord = a.people["coordinator"]
    pub = services.publication_propose(team=team, actor=coord, commune_text="Une commune.")
    services.publication_set_terms(
        publication=pub, actor=coord, licence="etalab-2.0", versions=[version]
    )
    services.publication_approve(
        publication=pub, actor=a.people["municipal_staff"], commune_text="Une commune."
    )
    services.publication_set_status(publication=pub, actor=coord, status="published")
    muni = a.people["municipal_staff"]
    services.outcome_record(
        publication=pub,
        actor=muni,
        data={"status": "in_progress", "progress": 40, "photo_alt": "Le chantier"},
        photo=SimpleUploadedFile("chantier.png", f.PNG, content_type="image/png"),
    )
    milestone = services.outcome_milestone_add(
        publication=pub, actor=muni, on=today, label="Premier coup de pioche"
    )
    world.objects.update(
        {
            "commons_publication": pub,
            "commons_version": version,
            "commons_file": file,
            "commons_team_to_propose": to_propose,
            "commons_outcome_milestone": milestone,
        }
    )


def _pub(w):
    return {"pk": w["commons_publication"].pk}


ROWS = {
    "commons:archive": Row(PUBLIC, query="q=commune&theme=culture&sort=relevance"),
    "commons:project": Row(PUBLIC, kwargs=lambda w: {"slug": w["commons_publication"].slug}),
    "commons:project_file": Row(
        PUBLIC,
        kwargs=lambda w: {"slug": w["commons_publication"].slug, "pk": w["commons_file"].pk},
    ),
    "commons:project_photo": Row(PUBLIC, kwargs=lambda w: {"slug": w["commons_publication"].slug}),
    "commons:programme_list": Row(PUBLIC),
    "commons:programme_detail": Row(PUBLIC, kwargs=lambda w: {"slug": w.a.programme.slug}),
    "commons:publication_list": Row(FOLLOWERS_LIST),
    "commons:publication_detail": Row(FOLLOWER_PAGE, kwargs=_pub),
    # Only side A's coordinators propose side A's teams; side B's get a 404.
    "commons:publication_propose": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 200, "other_coordinator": 404, "default": 403},
        kwargs=lambda w: {"team_pk": w["commons_team_to_propose"].pk},
    ),
    # Already approved: the municipality's second approval is a message.
    "commons:publication_approve": Row(
        _action("municipal_staff"),
        kwargs=_pub,
        method="post",
        data=lambda w: {"commune_text": "Une commune."},
    ),
    "commons:publication_terms": Row(
        _action("coordinator"),
        kwargs=_pub,
        method="post",
        data=lambda w: {"licence": "etalab-2.0", "versions": [str(w["commons_version"].pk)]},
    ),
    # Already published: publishing again changes nothing.
    "commons:publication_status": Row(
        _action("coordinator"), kwargs=_pub, method="post", data=lambda w: {"status": "published"}
    ),
    "commons:consent": Row(
        _action("student"), kwargs=_pub, method="post", data=lambda w: {"given": "yes"}
    ),
    # The follow-up is the municipality's: the coordinator and the members see the
    # publication but do not report for the commune.
    "commons:outcome_edit": Row(
        {**_action("municipal_staff"), "municipal_staff": 200}, kwargs=_pub
    ),
    "commons:outcome_milestone_add": Row(
        _action("municipal_staff"),
        kwargs=_pub,
        method="post",
        data=lambda w: {"on": "2026-06-01", "label": "Inauguration"},
    ),
    # The municipality removes the milestone: it is gone for the personas tried after it.
    "commons:outcome_milestone_delete": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 403, "municipal_staff": 302, "default": 404},
        kwargs=lambda w: {"pk": w["commons_outcome_milestone"].pk},
        method="post",
    ),
}
