"""Matrix rows of the documents (documents/urls.py, namespace "documents")."""

from tests.documents.document_fixtures import build_documents_world
from tests.matrix import ANON_LOGIN, Row

COORDINATOR_PAGE = {
    "anonymous": ANON_LOGIN,
    "coordinator": 200,
    "other_coordinator": 200,
    "default": 403,
}
# A page or action about side A's cohort or programme: its coordinator only; a coordinator
# elsewhere gets 404; other roles 403.
SIDE_A_PAGE = {
    "anonymous": ANON_LOGIN,
    "coordinator": 200,
    "other_coordinator": 404,
    "default": 403,
}
SIDE_A_ACTION = {**SIDE_A_PAGE, "coordinator": 302}
# Actions on one document: outsiders do not learn it exists.
DOCUMENT_ACTION = {"anonymous": ANON_LOGIN, "coordinator": 302, "default": 404}


def build(world):
    from documents import services
    from documents.models import DocumentKind
    from documents.tasks import render_documents

    build_documents_world(world)
    coordinator = world.a.people["coordinator"]
    diploma = services.documents_issue(
        cohort=world.a.cohort, kind=DocumentKind.DIPLOMA, actor=coordinator
    )[0]
    coach = services.documents_issue(
        cohort=world.a.cohort, kind=DocumentKind.COACH, actor=coordinator
    )[0]
    render_documents(document_ids=[diploma.pk, coach.pk])  # on_commit does not run here
    archive = services.archive_request(cohort=world.a.cohort, actor=coordinator)
    services.archive_build(archive_id=archive.pk)
    world.objects.update(doc_diploma=diploma, doc_coach=coach, doc_archive=archive)


def _cohort(w):
    return {"cohort_id": w.a.cohort.pk}


ROWS = {
    "documents:index": Row(COORDINATOR_PAGE),
    "documents:mine": Row({"anonymous": ANON_LOGIN, "default": 200}),
    "documents:cohort": Row(SIDE_A_PAGE, kwargs=_cohort),
    "documents:progress": Row(SIDE_A_PAGE, kwargs=_cohort),
    "documents:eligibility": Row(SIDE_A_PAGE, kwargs=_cohort, query="kind=diploma"),
    "documents:issue": Row(
        SIDE_A_ACTION, kwargs=_cohort, method="post", data=lambda w: {"kind": "juror"}
    ),
    "documents:settings": Row(
        SIDE_A_ACTION, kwargs=_cohort, method="post", data=lambda w: {"attendance_min_percent": 75}
    ),
    "documents:email": Row(SIDE_A_ACTION, kwargs=_cohort, method="post"),
    "documents:archive": Row(SIDE_A_ACTION, kwargs=_cohort, method="post"),
    "documents:archive_download": Row(SIDE_A_PAGE, kwargs=lambda w: {"pk": w["doc_archive"].pk}),
    # The student's own diploma: the student and the cohort's coordinator only.
    "documents:download": Row(
        {"anonymous": ANON_LOGIN, "student": 200, "coordinator": 200, "default": 404},
        kwargs=lambda w: {"pk": w["doc_diploma"].pk},
    ),
    # A ready document cannot be retried: the coordinator is told so (redirect).
    "documents:retry": Row(
        DOCUMENT_ACTION, kwargs=lambda w: {"pk": w["doc_diploma"].pk}, method="post"
    ),
    # Nothing failed in the matrix's world: the coordinator is told so (redirect).
    "documents:retry_failed": Row(SIDE_A_ACTION, kwargs=_cohort, method="post"),
    "documents:revoke": Row(
        DOCUMENT_ACTION,
        kwargs=lambda w: {"pk": w["doc_coach"].pk},
        method="post",
        data=lambda w: {"reason": "Erreur de nom"},
    ),
    "documents:templates": Row(SIDE_A_PAGE, kwargs=lambda w: {"programme_id": w.a.programme.pk}),
    "documents:template_edit": Row(
        SIDE_A_PAGE,
        kwargs=lambda w: {"programme_id": w.a.programme.pk, "kind": "diploma", "language": "fr"},
    ),
    # Public: anyone can verify a document.
    "documents:verify_form": Row({"default": 200}),
    "documents:verify": Row(
        {"default": 200}, kwargs=lambda w: {"code": w["doc_diploma"].verification_code}
    ),
}
