"""Matrix rows of the challenges app: the municipality's pages, the review queue, one
challenge and its attachments."""

from challenges.models import ChallengeStatus, OutcomeStatus
from challenges.services import attachment_add
from tests.challenges.factories import ChallengeFactory, on_side, pdf_upload, submitted
from tests.matrix import ANON_LOGIN, Row

MUNICIPAL_STAFF_ONLY = {
    "anonymous": ANON_LOGIN,
    "municipal_staff": 200,
    "other_municipal_staff": 200,
    "default": 403,
}
COORDINATORS_ONLY = {
    "anonymous": ANON_LOGIN,
    "coordinator": 200,
    "other_coordinator": 200,
    "default": 403,
}
# Side A's submitted challenge: its municipality and its programme's coordinators.
BOTH_SIDES_OF_A = {
    "anonymous": ANON_LOGIN,
    "coordinator": 200,
    "municipal_staff": 200,
    "default": 404,
}


def build(world):
    staff = world.a.people["municipal_staff"]
    draft = ChallengeFactory(**on_side(world.a, title="Brouillon de A"))
    world.objects["challenge_draft_a"] = draft
    world.objects["challenge_a"] = submitted(**on_side(world.a, title="Défi soumis de A"))
    world.objects["challenge_to_decide_a"] = submitted(**on_side(world.a, title="À décider"))
    world.objects["challenge_in_cohort_a"] = submitted(
        **on_side(world.a, title="Défi retenu de A", cohort=world.a.cohort),
        status=ChallengeStatus.ACCEPTED,
    )
    world.objects["attachment_a"] = attachment_add(
        challenge=world["challenge_a"], actor=staff, upload=pdf_upload()
    )
    world.objects["attachment_draft_a"] = attachment_add(
        challenge=draft, actor=staff, upload=pdf_upload("brouillon.pdf")
    )


ROWS = {
    "challenges:list": Row(MUNICIPAL_STAFF_ONLY),
    "challenges:create": Row(MUNICIPAL_STAFF_ONLY),
    "challenges:similar": Row(
        {
            "anonymous": ANON_LOGIN,
            "municipal_staff": 200,
            "other_municipal_staff": 200,
            "coordinator": 200,
            "other_coordinator": 200,
            "default": 403,
        },
        query="title=piscine&question=Comment+inscrire",
    ),
    "challenges:detail": Row(BOTH_SIDES_OF_A, kwargs=lambda w: {"pk": w["challenge_a"].pk}),
    # Coordinators see the challenge but only its municipality edits it.
    "challenges:edit": Row(
        {"anonymous": ANON_LOGIN, "municipal_staff": 200, "coordinator": 403, "default": 404},
        kwargs=lambda w: {"pk": w["challenge_a"].pk},
    ),
    # Accepting is for the programme's coordinators; its municipality sees the challenge but
    # may not decide (403); everyone else does not see it (404).
    "challenges:transition": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 302, "municipal_staff": 403, "default": 404},
        kwargs=lambda w: {"pk": w["challenge_to_decide_a"].pk, "action": "accept"},
        method="post",
    ),
    "challenges:comment": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 302, "municipal_staff": 302, "default": 404},
        kwargs=lambda w: {"pk": w["challenge_a"].pk},
        method="post",
        data=lambda w: {"body": "Une question sur le périmètre."},
    ),
    "challenges:outcome": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 302, "municipal_staff": 302, "default": 404},
        kwargs=lambda w: {"pk": w["challenge_in_cohort_a"].pk},
        method="post",
        data=lambda w: {"outcome_status": OutcomeStatus.IN_PROGRESS, "outcome": "En cours."},
    ),
    # Drafts are the municipality's alone: the coordinator does not see them either.
    "challenges:attachment_add": Row(
        {"anonymous": ANON_LOGIN, "municipal_staff": 302, "default": 404},
        kwargs=lambda w: {"pk": w["challenge_draft_a"].pk},
        method="post",
    ),
    "challenges:attachment_download": Row(
        BOTH_SIDES_OF_A, kwargs=lambda w: {"pk": w["attachment_a"].pk}
    ),
    "challenges:attachment_delete": Row(
        {"anonymous": ANON_LOGIN, "municipal_staff": 302, "default": 404},
        kwargs=lambda w: {"pk": w["attachment_draft_a"].pk},
        method="post",
    ),
    "challenges:review_queue": Row(COORDINATORS_ONLY),
    "challenges:review_export": Row(COORDINATORS_ONLY, kwargs=lambda w: {"fmt": "csv"}),
}
