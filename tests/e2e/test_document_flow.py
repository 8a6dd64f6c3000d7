"""Diplomas as people use them: a student downloads hers from "Mes documents" on a phone,
anyone checks it on the public verification page, and a revoked one says so."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone, translation
from django.utils.formats import date_format

from documents import services
from documents.models import Document, DocumentKind, DocumentStatus
from tests.documents.document_fixtures import build_documents_world
from tests.factories import PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def diploma(world, media):
    """The student persona of side A with a READY diploma, rendered here and now."""
    build_documents_world(world)
    student = world.a.people["student"]
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    services.documents_issue(
        cohort=world.a.cohort,
        kind=DocumentKind.DIPLOMA,
        actor=world.a.people["coordinator"],
        dispatch=False,
    )
    document = Document.objects.get(kind=DocumentKind.DIPLOMA, recipient=student)
    assert services.document_render(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    return document


def dd_after(page, label: str):
    """The value (``<dd>``) of a description list entry, by its visible label."""
    return page.locator("dt", has_text=label).locator("xpath=following-sibling::dd[1]")


def test_student_downloads_diploma_and_anyone_verifies_it(
    browser, live_server, page, world, diploma
):
    student = diploma.recipient
    coordinator = world.a.people["coordinator"]

    # --- The student, on a phone, downloads her diploma -----------------------------------
    phone = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="fr-FR", accept_downloads=True
    )
    phone.set_default_timeout(10_000)
    mobile = phone.new_page()
    mobile_errors: list[str] = []
    mobile.on("console", lambda m: mobile_errors.append(m.text) if m.type == "error" else None)
    mobile.on("pageerror", lambda exc: mobile_errors.append(str(exc)))
    try:
        mobile.goto("/accounts/login/")
        mobile.get_by_label("Courriel").fill(student.email)
        mobile.get_by_label("Mot de passe").fill(PASSWORD)
        mobile.get_by_role("button", name="Connexion").click()
        expect(mobile.get_by_role("heading", level=1)).to_have_text(f"Bonjour {student.first_name}")
        nav = mobile.get_by_role("navigation", name="Navigation principale")
        my_documents = nav.get_by_role("link", name="Mes documents")
        expect(my_documents).to_be_hidden()  # folded away on a phone
        mobile.get_by_role("button", name="Afficher ou masquer le menu").click()
        my_documents.click()

        expect(mobile.get_by_role("heading", level=1)).to_have_text("Mes documents")
        row = mobile.get_by_role("row").filter(has_text="Diplôme")
        expect(row).to_have_count(1)
        expect(row).to_contain_text(diploma.cohort.name)
        code = row.locator("code").inner_text().strip()
        assert code == diploma.verification_code
        # The table scrolls inside its own box: the page itself does not spill sideways.
        assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        download_link = row.get_by_role("link", name="Télécharger (PDF)")
        download_link.scroll_into_view_if_needed()
        expect(download_link).to_be_in_viewport()
        with mobile.expect_download() as info:
            download_link.click()
        download = info.value
        assert download.suggested_filename.endswith(".pdf")
        content = Path(download.path()).read_bytes()
        assert content.startswith(b"%PDF")
        sha256 = hashlib.sha256(content).hexdigest()
        assert sha256 == diploma.sha256
        assert mobile_errors == []
    finally:
        phone.close()

    # --- Anyone, signed out, checks it -----------------------------------------------------
    page.goto(f"/verify/{code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérification de document")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text(
        "Ce document (Diplôme) est authentique : il a été délivré par Curious Lab."
    )
    expect(dd_after(page, "Document")).to_have_text("Diplôme")
    expect(dd_after(page, "Décerné à")).to_have_text(student.get_full_name())
    expect(dd_after(page, "Équipe")).to_have_text("Les Fabricants")
    expect(dd_after(page, "Code de vérification")).to_have_text(code)
    expect(dd_after(page, "SHA-256 du fichier PDF")).to_have_text(sha256)
    expect(page.get_by_text(student.email)).to_have_count(0)

    # --- A coordinator revokes it; the same page then says it is no longer valid ----------
    EmailAddress.objects.create(
        user=coordinator, email=coordinator.email, verified=True, primary=True
    )
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(coordinator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="Diplômes et trophées").click()
    page.get_by_role("link", name=diploma.cohort.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Documents de {diploma.cohort.name}")
    row = (
        page.get_by_role("table", name="Documents délivrés")
        .get_by_role("row")
        .filter(has_text=code)
    )
    row.get_by_text("Révoquer", exact=True).click()  # opens the <details>
    row.get_by_label("Motif").fill("Nom mal orthographié")
    row.get_by_role("button", name="Révoquer ce document").click()
    expect(page.locator(".messages")).to_contain_text("Le document a été révoqué.")
    expect(row.locator(".status-badge")).to_contain_text("Révoqué le")
    diploma.refresh_from_db()
    assert diploma.revoked_at is not None
    assert diploma.revoke_reason == "Nom mal orthographié"

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"/verify/{code}/")
    alert = page.get_by_role("alert")
    with translation.override("fr"):
        revoked_on = date_format(timezone.localtime(diploma.revoked_at).date(), "DATE_FORMAT")
    expect(alert).to_contain_text(f"Ce document a été révoqué le {revoked_on}.")
    expect(alert).to_contain_text("Il n'est plus valable.")
    expect(page.get_by_role("status")).to_have_count(0)
    expect(dd_after(page, "Décerné à")).to_have_text(student.get_full_name())
    assert page.console_errors == []


def test_unknown_code_is_a_friendly_page_on_a_phone(page):
    page.set_viewport_size(PHONE)
    response = page.goto("/verify/AAAAAAAAAA/")
    assert response.status == 404
    expect(page.get_by_text("AAAAAAAAAA")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_coordinator_confirms_dozens_of_diplomas_and_rows_become_downloadable_live(
    page, world, media, monkeypatch, viewport
):
    """From her home page the coordinator issues 13 diplomas: a page asks her to confirm the
    number, then the list's rows turn "Prêt" with their download button as the worker renders
    them, with the progress bar, without a reload."""
    from documents.tasks import render_documents

    build_documents_world(world, extra_students=12)
    coordinator = world.a.people["coordinator"]
    EmailAddress.objects.create(
        user=coordinator, email=coordinator.email, verified=True, primary=True
    )
    # The worker's queue: the test renders the queued documents itself, when it chooses.
    queued: list[int] = []
    monkeypatch.setattr(
        render_documents,
        "apply_async",
        lambda kwargs, queue=None: queued.extend(kwargs["document_ids"]),
    )

    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(coordinator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    if viewport:
        page.set_viewport_size(viewport)
        page.get_by_role("button", name="Afficher ou masquer le menu").click()
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="Diplômes et trophées").click()
    page.get_by_role("link", name=world.a.cohort.name).click()
    page.get_by_role("button", name="Délivrer Diplôme").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer la délivrance")
    expect(page.get_by_role("main")).to_contain_text(
        f"13 documents (Diplôme) vont être délivrés pour {world.a.cohort.name}"
    )
    assert not Document.objects.exists()
    page.get_by_role("button", name="Délivrer 13 documents").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Documents de {world.a.cohort.name}")
    assert Document.objects.filter(kind=DocumentKind.DIPLOMA).count() == 13
    assert len(queued) == 13
    table = page.get_by_role("table", name="Documents délivrés")
    downloads = table.get_by_role("link", name="Télécharger")
    expect(page.get_by_text("0 documents prêts sur 13")).to_be_visible()
    expect(downloads).to_have_count(0)
    page.evaluate("window.notReloaded = true")

    # The worker renders three: their rows follow, with the bar.
    for pk in queued[:3]:
        assert services.document_render(document_id=pk)
    expect(page.get_by_text("3 documents prêts sur 13")).to_be_visible()
    expect(downloads).to_have_count(3)
    ready = Document.objects.get(pk=queued[0])
    row = table.get_by_role("row").filter(has_text=ready.verification_code)
    expect(row.locator(".status-badge")).to_have_text("Prêt")

    # Then the rest; the poll stops once all are ready.
    for pk in queued[3:]:
        assert services.document_render(document_id=pk)
    expect(page.get_by_text("13 documents prêts sur 13")).to_be_visible()
    expect(downloads).to_have_count(13)
    expect(page.locator("#documents-progress[hx-trigger]")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
    assert page.console_errors == []
