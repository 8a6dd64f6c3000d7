"""The documents page stays live and issuing dozens asks first: the progress poll sends the
rows of the list (status, download buttons) along with the bar, and issuing more than ten
documents at once needs the number confirmed."""

from __future__ import annotations

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import eligibility, services
from documents.models import Document, DocumentKind, DocumentStatus
from tests.documents.document_fixtures import add_student, attend, build_documents_world


@pytest.fixture
def crowd(world, media):
    """A cohort with 14 students eligible for a diploma (the persona, the newcomer of a forming
    team is not, 12 extra students of the confirmed team, and Paul Absent is not either)."""
    return build_documents_world(world, extra_students=12)


def _issue(client, w, **data):
    return client.post(
        reverse("documents:issue", args=[w.a.cohort.pk]), {"kind": "diploma", **data}
    )


def _eligible(w) -> int:
    rows = eligibility.candidates(cohort=w.a.cohort, kind=DocumentKind.DIPLOMA)
    return sum(1 for r in rows if r.eligible and r.document is None)


def test_issuing_dozens_asks_for_confirmation_and_issues_nothing(crowd, login):
    count = _eligible(crowd)
    assert count > 10
    response = _issue(login(crowd.a.people["coordinator"]), crowd)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Confirmer la délivrance" in html
    assert f"{count} documents (Diplôme) vont être délivrés pour {crowd.a.cohort.name}" in html
    assert f'name="confirm" value="{count}"' in html
    assert f"Délivrer {count} documents" in html
    assert not Document.objects.exists()


def test_confirmed_number_issues_them(crowd, login, django_capture_on_commit_callbacks):
    count = _eligible(crowd)
    client = login(crowd.a.people["coordinator"])
    with django_capture_on_commit_callbacks(execute=False):
        response = _issue(client, crowd, confirm=str(count))
    assert response.status_code == 302
    assert Document.objects.filter(kind=DocumentKind.DIPLOMA).count() == count


def test_a_number_that_changed_since_asks_again(crowd, login):
    count = _eligible(crowd)
    client = login(crowd.a.people["coordinator"])
    attend(add_student(crowd.a, crowd["doc_team"], last_name="Tardive"), crowd["doc_sessions"])
    response = _issue(client, crowd, confirm=str(count))
    assert response.status_code == 200
    assert f'name="confirm" value="{count + 1}"' in response.content.decode()
    assert not Document.objects.exists()


def test_a_few_documents_are_issued_at_once(docworld, login, django_capture_on_commit_callbacks):
    client = login(docworld.a.people["coordinator"])
    with django_capture_on_commit_callbacks(execute=False):
        response = _issue(client, docworld)
    assert response.status_code == 302
    assert Document.objects.filter(kind=DocumentKind.DIPLOMA).count() == _eligible_issued(docworld)


def _eligible_issued(w) -> int:
    rows = eligibility.candidates(cohort=w.a.cohort, kind=DocumentKind.DIPLOMA)
    return sum(1 for r in rows if r.eligible)


def test_progress_poll_sends_the_rows_with_their_download_buttons(crowd, login):
    services.documents_issue(
        cohort=crowd.a.cohort,
        kind=DocumentKind.DIPLOMA,
        actor=crowd.a.people["coordinator"],
        dispatch=False,
    )
    first = Document.objects.order_by("kind", "id").first()
    client = login(crowd.a.people["coordinator"])
    url = reverse("documents:progress", args=[crowd.a.cohort.pk])
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="documents-rows" hx-swap-oob="true"' in html
    assert 'hx-trigger="every 2s"' in html  # still rendering: the poll goes on
    assert reverse("documents:download", args=[first.pk]) not in html

    assert services.document_render(document_id=first.pk)
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as before:
        html = client.get(url).content.decode()
    assert reverse("documents:download", args=[first.pk]) in html
    assert first.verification_code in html
    # The same number of queries with more documents ready.
    second = Document.objects.order_by("kind", "id")[1]
    assert services.document_render(document_id=second.pk)
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert reverse("documents:download", args=[second.pk]) in html
    assert len(after.captured_queries) == len(before.captured_queries)


def test_progress_poll_keeps_the_filter_and_page(crowd, login):
    services.documents_issue(
        cohort=crowd.a.cohort, kind=DocumentKind.DIPLOMA, actor=None, dispatch=False
    )
    failed = Document.objects.order_by("id").first()
    Document.objects.filter(pk=failed.pk).update(status=DocumentStatus.FAILED, error="boom")
    client = login(crowd.a.people["coordinator"])
    page = client.get(
        reverse("documents:cohort", args=[crowd.a.cohort.pk]) + "?status=pending"
    ).content.decode()
    poll = reverse("documents:progress", args=[crowd.a.cohort.pk]) + "?status=pending"
    assert f'hx-get="{poll}"' in page
    html = client.get(poll).content.decode()
    rows = html[html.index('id="documents-rows"') :]
    assert failed.verification_code not in rows
    for doc in Document.objects.filter(status=DocumentStatus.PENDING):
        assert doc.verification_code in rows
