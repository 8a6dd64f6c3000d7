"""Point 2: the dossier written together, its budget checked by the server, its pieces, the
submission decided at the second, the receipt, the admissibility check."""

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from calls import services
from calls.models import Dossier, DossierRevision
from curiouslab.errors import DomainError
from tests.calls.factories import applicant, complete, make_dossier, pdf_upload

pytestmark = pytest.mark.django_db


def _start(cfp, login):
    client = login(cfp.person)
    response = client.post(
        f"/appels/public/{cfp.call.slug}/apply/",
        {"organisation": cfp.org.pk, "title": "Lab des territoires"},
    )
    dossier = Dossier.objects.get(organisation=cfp.org)
    assert response.status_code == 302 and response["Location"] == f"/appels/dossiers/{dossier.pk}/"
    return client, dossier


def _form(dossier, **over):
    data = {
        "title": dossier.title,
        "summary": "Un laboratoire",
        "amount_requested": "150000",
        "budget-TOTAL_FORMS": "2",
        "budget-INITIAL_FORMS": "0",
        "budget-0-kind": "expense",
        "budget-0-label": "Équipe",
        "budget-0-amount": "300000",
        "budget-1-kind": "cofunding",
        "budget-1-label": "Région",
        "budget-1-amount": "100000",
    }
    data.update(over)
    return data


def test_members_write_one_dossier_together_and_each_save_says_who_changed_what(cfp, login):
    page = login(cfp.person).get(f"/appels/public/{cfp.call.slug}/").content.decode()
    assert "Commencer le dossier" in page
    client, dossier = _start(cfp, login)
    assert client.post(f"/appels/dossiers/{dossier.pk}/", _form(dossier)).status_code == 302
    colleague = applicant(cfp.org)
    other = login(colleague)
    response = other.post(
        f"/appels/dossiers/{dossier.pk}/", _form(dossier, method="Par l'expérimentation")
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.section_text("summary") == "Un laboratoire"
    assert dossier.section_text("method") == "Par l'expérimentation"
    assert dossier.amount_requested == 150_000
    assert list(dossier.budget_lines.values_list("label", "amount")) == [
        ("Équipe", 300_000),
        ("Région", 100_000),
    ]
    revisions = list(DossierRevision.objects.filter(dossier=dossier).order_by("at", "pk"))
    assert [(r.author, r.changed) for r in revisions] == [
        (cfp.person, ["title"]),
        (cfp.person, ["summary", "budget"]),
        (colleague, ["method"]),
    ]
    page = other.get(f"/appels/dossiers/{dossier.pk}/").content.decode()
    assert "Qui a modifié quoi" in page and str(colleague) in page
    # Another organisation's member gets a 404, for reading and writing.
    assert login(cfp.person2).get(f"/appels/dossiers/{dossier.pk}/").status_code == 404
    assert (
        login(cfp.person2).post(f"/appels/dossiers/{dossier.pk}/", _form(dossier)).status_code
        == 404
    )


def test_amount_above_the_ceiling_is_refused_by_the_server(cfp, login):
    client, dossier = _start(cfp, login)
    response = client.post(
        f"/appels/dossiers/{dossier.pk}/",
        _form(dossier, amount_requested="260000", **{"budget-0-amount": "900000"}),
    )
    assert response.status_code == 400
    assert "dépasse le plafond de l&#x27;appel (250000 €)" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.amount_requested == 0 and not dossier.budget_lines.exists()
    # Nor more than the expenses not co-funded (300,000 − 100,000).
    response = client.post(
        f"/appels/dossiers/{dossier.pk}/", _form(dossier, amount_requested="210000")
    )
    assert response.status_code == 400
    with pytest.raises(DomainError):
        services.dossier_save(
            dossier=dossier, actor=cfp.person, sections={}, budget=None, amount_requested=250_001
        )


def test_budget_formset_is_bounded(cfp, login):
    client, dossier = _start(cfp, login)
    data = _form(dossier, **{"budget-TOTAL_FORMS": "5000"})
    assert client.post(f"/appels/dossiers/{dossier.pk}/", data).status_code == 400
    assert not dossier.budget_lines.exists()


def test_attachments_follow_the_types_formats_and_size(cfp, login):
    client, dossier = _start(cfp, login)
    kind = cfp.call.attachment_types.get()
    url = f"/appels/dossiers/{dossier.pk}/attachments/"
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
    client.post(url, {"type": kind.pk, "file": png})
    assert not dossier.attachments.exists()
    big = SimpleUploadedFile(
        "gros.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1), "application/pdf"
    )
    client.post(url, {"type": kind.pk, "file": big})
    assert not dossier.attachments.exists()
    assert client.post(url, {"type": kind.pk, "file": pdf_upload()}).status_code == 302
    attachment = dossier.attachments.get()
    download = client.get(f"/appels/dossiers/{dossier.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert (
        login(cfp.person2)
        .get(f"/appels/dossiers/{dossier.pk}/attachments/{attachment.pk}/")
        .status_code
        == 404
    )


def test_submission_is_decided_at_the_second(
    cfp, login, mailoutbox, django_capture_on_commit_callbacks
):
    dossier = complete(make_dossier(cfp.call, cfp.org, cfp.person), cfp.person)
    closing = cfp.call.closes_at
    with pytest.raises(DomainError) as late:
        services.dossier_set_status(
            dossier=dossier, actor=cfp.person, status="submitted", at=closing
        )
    assert late.value.code == "late"
    dossier.refresh_from_db()
    assert dossier.status == "draft" and dossier.submitted_at is None
    # Through the page, one second late: refused clearly, the dossier stays a draft.
    client = login(cfp.person)
    with mock.patch(
        "django.utils.timezone.now", return_value=closing + datetime.timedelta(seconds=1)
    ):
        response = client.post(f"/appels/dossiers/{dossier.pk}/submit/", follow=True)
    page = response.content.decode()
    assert "un dossier déposé après est refusé" in page and "reste un brouillon" in page
    dossier.refresh_from_db()
    assert dossier.status == "draft"
    # One second before the closing: accepted, with its receipt mailed.
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_set_status(
            dossier=dossier,
            actor=cfp.person,
            status="submitted",
            at=closing - datetime.timedelta(seconds=1),
        )
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    assert dossier.submitted_at == closing - datetime.timedelta(seconds=1)
    assert [m.to for m in mailoutbox] == [[cfp.person.email]]
    assert dossier.receipt_code in mailoutbox[0].body
    # Submitted: nothing changes any more.
    response = client.post(f"/appels/dossiers/{dossier.pk}/", _form(dossier, summary="Changé"))
    dossier.refresh_from_db()
    assert dossier.section_text("summary") != "Changé"


def test_incomplete_dossier_is_not_submitted(cfp, login):
    dossier = make_dossier(cfp.call, cfp.org, cfp.person)
    response = login(cfp.person).post(f"/appels/dossiers/{dossier.pk}/submit/", follow=True)
    assert "Le dossier n&#x27;est pas complet" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == "draft"


def test_receipt_pdf_and_its_public_verification(cfp, login):
    dossier = make_dossier(cfp.call, cfp.org, cfp.person, submit=True)
    response = login(cfp.person).get(f"/appels/dossiers/{dossier.pk}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert dossier.receipt_code in response["Content-Disposition"]
    page = login(None).get(f"/appels/receipts/{dossier.receipt_code}/")
    assert page.status_code == 200 and "est authentique" in page.content.decode()
    assert dossier.organisation.name in page.content.decode()
    assert login(None).get("/appels/receipts/AAAAAAAAAA/").status_code == 404
    assert login(cfp.person2).get(f"/appels/dossiers/{dossier.pk}/receipt.pdf").status_code == 404


def test_admissibility_reasons_are_mailed_and_missing_pieces_reopen_only_named_parts(
    cfp, login, mailoutbox, django_capture_on_commit_callbacks
):
    dossier = make_dossier(cfp.call, cfp.org, cfp.person, submit=True)
    mailoutbox.clear()
    coordinator = login(cfp.coordinator)
    url = f"/appels/dossiers/{dossier.pk}/review/"
    assert "Texte summary" in coordinator.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            url,
            {
                "decision": "incomplete",
                "reasons": "Le budget n'est pas détaillé.",
                "reopen": ["budget"],
            },
        )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "incomplete" and dossier.reopened == ["budget"]
    assert "Le budget n'est pas détaillé." in mailoutbox[0].body and "Budget" in mailoutbox[0].body
    assert services.editable_sections(dossier) == {"budget"}
    with pytest.raises(DomainError):
        services.dossier_save(dossier=dossier, actor=cfp.person, sections={"summary": "Autre"})
    changed = services.dossier_save(
        dossier=dossier,
        actor=cfp.person,
        sections={},
        budget=[services.BudgetRow("expense", "Équipe détaillée", 300_000)],
        amount_requested=200_000,
    )
    assert changed == ["budget"]
    services.dossier_set_status(dossier=dossier, actor=cfp.person, status="submitted")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(url, {"decision": "inadmissible", "reasons": "Hors du champ de l'appel."})
    dossier.refresh_from_db()
    assert dossier.status == "inadmissible"
    assert "Hors du champ de l'appel." in mailoutbox[0].body
    # Reasons are required to refuse; another programme's coordinator cannot decide.
    other = make_dossier(cfp.call, cfp.org2, cfp.person2, submit=True)
    response = coordinator.post(
        f"/appels/dossiers/{other.pk}/review/", {"decision": "inadmissible"}
    )
    assert response.status_code == 400
    b = cfp.world.b.people["coordinator"]
    assert (
        login(b)
        .post(f"/appels/dossiers/{other.pk}/review/", {"decision": "admissible"})
        .status_code
        == 404
    )
    other.refresh_from_db()
    assert other.status == "submitted"


def test_a_draft_call_or_an_ineligible_organisation_takes_no_dossier(cfp):
    muni = cfp.world.a.municipality
    staff = cfp.world.a.people["municipal_staff"]
    with pytest.raises(DomainError):
        services.dossier_create(call=cfp.call, organisation=muni, actor=staff, title="X")
    with pytest.raises(DomainError):
        services.dossier_create(
            call=cfp.call,
            organisation=cfp.org,
            actor=cfp.person,
            title="X",
            at=cfp.call.closes_at + datetime.timedelta(seconds=1),
        )
    assert timezone.now() < cfp.call.closes_at
