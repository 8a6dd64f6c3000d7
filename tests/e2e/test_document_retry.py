"""Issue #20, point 4: from her home page, the coordinator retries all the failed documents
of a batch in one click, confirming a count, and sees them ready."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from documents import services
from documents.models import Document, DocumentKind, DocumentStatus
from tests.documents.document_fixtures import build_documents_world
from tests.e2e.conftest import sign_in

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coordinator_retries_every_failed_document_in_one_click(page, world, media):
    build_documents_world(world, extra_students=2)
    coordinator = world.a.people["coordinator"]
    EmailAddress.objects.get_or_create(
        user=coordinator, email=coordinator.email, defaults={"verified": True, "primary": True}
    )
    created = services.documents_issue(
        cohort=world.a.cohort, kind=DocumentKind.DIPLOMA, actor=coordinator, dispatch=False
    )
    assert len(created) == 3
    Document.objects.filter(pk__in=[d.pk for d in created]).update(
        status=DocumentStatus.FAILED, error="OSError: [Errno 28] No space left on device"
    )

    sign_in(page, coordinator.email)
    page.get_by_role("link", name="Diplômes et trophées").first.click()
    page.get_by_role("link", name=world.a.cohort.name).click()
    expect(page.locator("#documents-progress")).to_contain_text("3 en échec")
    dialogs: list[str] = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="Relancer les 3 documents en échec").click()
    expect(page.get_by_text("3 documents en échec sont relancés.")).to_be_visible()
    assert dialogs == ["Relancer les 3 documents en échec ?"]
    expect(page.locator("#documents-progress")).to_contain_text("3 documents prêts sur 3")
    statuses = set(
        Document.objects.filter(pk__in=[d.pk for d in created]).values_list("status", flat=True)
    )
    assert statuses == {DocumentStatus.READY}
    assert page.console_errors == []
