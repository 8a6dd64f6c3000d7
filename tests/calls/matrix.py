"""Matrix rows of the calls for projects (issue #18): every view tried by every persona.

Side A's programme of the call-for-projects format runs two open calls. Side A's applicant
(an intercommunality's member) has a draft dossier in the first and a submitted one in the
second; side A's expert sits on the second call and is assigned the submitted dossier."""

from calls import services
from calls.enums import CallStatus
from calls.models import Assignment
from tests.calls.factories import (
    applicant,
    applicant_org,
    call_programme,
    make_call,
    make_dossier,
    pdf_upload,
    seat,
)
from tests.matrix import ANON_LOGIN, Row

COORDINATOR_ONLY = {"anonymous": ANON_LOGIN, "coordinator": 200, "default": 404}
COORDINATOR_ACTS = {"anonymous": ANON_LOGIN, "coordinator": 302, "default": 404}
APPLICANT_ONLY = {"anonymous": ANON_LOGIN, "applicant": 200, "default": 404}
APPLICANT_ACTS = {"anonymous": ANON_LOGIN, "applicant": 302, "default": 404}
EVERYONE = {"default": 200}


def build(world):
    a = world.a
    programme = call_programme(a.departement)
    first = make_call(programme, slug="lab-premier")
    second = make_call(programme, slug="lab-second")
    world.objects["call_programme"] = programme
    world.objects["call_first"] = first
    world.objects["call_second"] = second
    world.objects["call_draft"] = make_call(
        programme, slug="lab-brouillon", status=CallStatus.DRAFT
    )
    person = a.people["applicant"]
    draft = make_dossier(first, a.applicant, person, title="Brouillon")
    services.attachment_add(
        dossier=draft, actor=person, kind=first.attachment_types.first(), upload=pdf_upload()
    )
    world.objects["dossier_draft"] = draft
    world.objects["dossier_draft_attachment"] = draft.attachments.get()
    filed = make_dossier(second, a.applicant, person, submit=True, title="Déposé")
    world.objects["dossier_filed"] = filed
    world.objects["dossier_filed_attachment"] = filed.attachments.get()
    # Another applicant's draft in the second call: the organisation the expert declares a
    # conflict with (it is in the list of the call's organisations).
    other = applicant_org(name="Région voisine")
    make_dossier(second, other, applicant(other), title="Voisin")
    world.objects["conflict_org"] = other
    expert = seat(second, a.people["expert"], tags=["numérique"])
    world.objects["expert_seat"] = expert
    world.objects["assignment"] = Assignment.objects.create(expert=expert, dossier=filed)


def kw(name, **extra):
    def kwargs(w):
        return {"pk": w[name].pk, **{k: w[v].pk for k, v in extra.items()}}

    return kwargs


ROWS = {
    "calls:home": Row({"anonymous": ANON_LOGIN, "default": 200}),
    "calls:call_create": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 200, "other_coordinator": 404, "default": 403},
        kwargs=lambda w: {"programme_pk": w["call_programme"].pk},
    ),
    "calls:call_manage": Row(COORDINATOR_ONLY, kwargs=kw("call_second")),
    "calls:call_edit": Row(COORDINATOR_ONLY, kwargs=kw("call_second")),
    "calls:call_publish": Row(COORDINATOR_ACTS, kwargs=kw("call_draft"), method="post"),
    "calls:experts": Row(COORDINATOR_ONLY, kwargs=kw("call_second")),
    "calls:assignments": Row(COORDINATOR_ONLY, kwargs=kw("call_second")),
    "calls:synthesis": Row(COORDINATOR_ONLY, kwargs=kw("call_second")),
    "calls:ranking_export": Row(
        COORDINATOR_ONLY, kwargs=lambda w: {"pk": w["call_second"].pk, "fmt": "csv"}
    ),
    "calls:call_public": Row(EVERYONE, kwargs=lambda w: {"slug": w["call_first"].slug}),
    # Side A's applicant already has a dossier there (refused, back to the page); side B's
    # intercommunality may apply too: the call is national.
    "calls:dossier_start": Row(
        {"anonymous": ANON_LOGIN, "applicant": 302, "other_applicant": 302, "default": 404},
        kwargs=lambda w: {"slug": w["call_first"].slug},
        method="post",
        data=lambda w: {"title": "Mon labo"},
    ),
    "calls:dossier_edit": Row(APPLICANT_ONLY, kwargs=kw("dossier_draft")),
    "calls:dossier_submit": Row(APPLICANT_ACTS, kwargs=kw("dossier_draft"), method="post"),
    "calls:attachment_add": Row(APPLICANT_ACTS, kwargs=kw("dossier_draft"), method="post"),
    "calls:attachment_delete": Row(
        APPLICANT_ACTS,
        kwargs=kw("dossier_draft", attachment_pk="dossier_draft_attachment"),
        method="post",
    ),
    "calls:attachment_download": Row(
        {
            "anonymous": ANON_LOGIN,
            "applicant": 200,
            "coordinator": 200,
            "expert": 200,
            "default": 404,
        },
        kwargs=kw("dossier_filed", attachment_pk="dossier_filed_attachment"),
    ),
    "calls:receipt": Row(
        {"anonymous": ANON_LOGIN, "applicant": 200, "coordinator": 200, "default": 404},
        kwargs=kw("dossier_filed"),
    ),
    "calls:dossier_review": Row(COORDINATOR_ONLY, kwargs=kw("dossier_filed")),
    "calls:receipt_verify": Row(
        EVERYONE, kwargs=lambda w: {"code": w["dossier_filed"].receipt_code}
    ),
    "calls:expert_home": Row({"anonymous": ANON_LOGIN, "expert": 200, "default": 404}),
    "calls:conflict_declare": Row(
        {"anonymous": ANON_LOGIN, "expert": 302, "default": 404},
        kwargs=lambda w: {"expert_pk": w["expert_seat"].pk},
        method="post",
        data=lambda w: {f"seat{w['expert_seat'].pk}-organisation": w["conflict_org"].pk},
    ),
    "calls:opinion": Row(
        {"anonymous": ANON_LOGIN, "expert": 200, "default": 404}, kwargs=kw("assignment")
    ),
}
