"""Documents: eligibility, issuing through (eager) Celery, idempotent rendering, retry,
revocation, verification, downloads by persona, templates, archive and e-mail."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from curiouslab import pdf, qr
from curiouslab.errors import DomainError
from documents import eligibility, selectors, services
from documents.models import Document, DocumentKind, DocumentStatus, DocumentTemplate
from documents.tasks import render_documents

pytestmark = pytest.mark.django_db


def issue(w, kind=DocumentKind.DIPLOMA, capture=None):
    coordinator = w.a.people["coordinator"]
    with capture(execute=True):
        return services.documents_issue(cohort=w.a.cohort, kind=kind, actor=coordinator)


# --- Eligibility -----------------------------------------------------------------------------
def test_eligibility_diploma_lists_reasons(docworld):
    rows = {c.label: c for c in eligibility.candidates(cohort=docworld.a.cohort, kind="diploma")}
    student = docworld.a.people["student"].get_full_name()
    assert rows[student].eligible and rows[student].attendance == 100
    absent = rows["Paul Absent"]
    assert not absent.eligible and absent.attendance == 25
    assert "25 %" in absent.reason and "75 %" in absent.reason  # French by default
    newcomer = rows["Nina Nouvelle"]
    assert not newcomer.eligible and newcomer.reason == "L'équipe n'est pas confirmée."


def test_eligibility_rule_is_configurable(docworld):
    s = selectors.settings_for(docworld.a.cohort)
    s.attendance_min_percent = 20
    s.save()
    rows = {c.label: c for c in eligibility.candidates(cohort=docworld.a.cohort, kind="diploma")}
    assert rows["Paul Absent"].eligible


def test_eligibility_page_same_queries_with_many_students(
    docworld, login, django_assert_num_queries
):
    from tests.documents.document_fixtures import add_student, attend

    client = login(docworld.a.people["coordinator"])
    url = reverse("documents:eligibility", args=[docworld.a.cohort.pk]) + "?kind=diploma"
    client.get(url)  # warm caches (content types, settings row)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    few = len(ctx.captured_queries)
    assert response.status_code == 200
    assert "Paul Absent" in response.content.decode()
    for i in range(8):
        attend(add_student(docworld.a, docworld["doc_team"], last_name=f"N{i}"),
               docworld["doc_sessions"])  # fmt: skip
    with django_assert_num_queries(few):
        response = client.get(url)
    assert "N7" in response.content.decode()


# --- Issuing and rendering -------------------------------------------------------------------
def test_issue_diplomas_renders_ready_pdfs(docworld, django_capture_on_commit_callbacks):
    created = issue(docworld, capture=django_capture_on_commit_callbacks)
    assert len(created) == 1  # only the student persona is eligible
    doc = Document.objects.get(pk=created[0].pk)
    assert doc.status == DocumentStatus.READY and doc.attempts == 1
    assert doc.file == f"documents/{doc.cohort_id}/diploma/{doc.verification_code}.pdf"
    with default_storage.open(doc.file, "rb") as fh:
        content = fh.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == doc.sha256
    assert doc.data["team"] == "Les Fabricants"
    assert doc.data["commune"] == docworld.a.municipality.name
    assert len(doc.verification_code) == 10


def test_issue_again_creates_nothing(docworld, django_capture_on_commit_callbacks):
    issue(docworld, capture=django_capture_on_commit_callbacks)
    with pytest.raises(DomainError):
        issue(docworld, capture=django_capture_on_commit_callbacks)
    assert Document.objects.filter(kind="diploma").count() == 1


@pytest.mark.parametrize("kind", ["trophy", "juror", "coach", "municipality"])
def test_issue_other_kinds(docworld, django_capture_on_commit_callbacks, kind):
    if kind == "juror":
        _seat_juror(docworld)
    created = issue(docworld, kind=kind, capture=django_capture_on_commit_callbacks)
    assert created
    assert set(Document.objects.filter(kind=kind).values_list("status", flat=True)) == {"ready"}


def _seat_juror(w):
    from tests.trophies.factories import juror as seat
    from tests.trophies.factories import ready_jury

    jury = ready_jury(w.a.cohort, jurors=0, finalists=1)[0]
    seat(jury, w.a.people["juror"])
    return jury


def test_juror_attestations_go_to_people_seated_on_a_jury_of_the_cohort(docworld):
    def names():
        return [c.label for c in eligibility.candidates(cohort=docworld.a.cohort, kind="juror")]

    assert names() == []  # holding the juror role is not enough
    _seat_juror(docworld)
    assert names() == [docworld.a.people["juror"].get_full_name()]


def test_render_task_delivered_twice_renders_once(docworld, django_capture_on_commit_callbacks):
    created = issue(docworld, capture=django_capture_on_commit_callbacks)
    doc = Document.objects.get(pk=created[0].pk)
    assert render_documents(document_ids=[doc.pk]) == 0
    doc.refresh_from_db()
    assert doc.attempts == 1 and doc.status == DocumentStatus.READY


def test_stale_rendering_is_claimed_again_and_requeue_recorded(
    docworld, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "queue_rendering", lambda ids: None)  # lose the messages
    created = issue(docworld, capture=django_capture_on_commit_callbacks)
    pk = created[0].pk
    # A worker claimed it, then died.
    Document.objects.filter(pk=pk).update(
        status=DocumentStatus.RENDERING,
        claimed_at=timezone.now() - timezone.timedelta(hours=1),
        attempts=1,
    )
    monkeypatch.undo()
    # Not stale for a fresh claim: a second delivery right now does nothing.
    Document.objects.filter(pk=pk).update(claimed_at=timezone.now())
    assert render_documents(document_ids=[pk]) == 0
    Document.objects.filter(pk=pk).update(claimed_at=timezone.now() - timezone.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.documents_requeue_stuck() == 1
    doc = Document.objects.get(pk=pk)
    assert doc.status == DocumentStatus.READY and doc.attempts == 2
    s = selectors.settings_for(docworld.a.cohort)
    assert s.requeued_at is not None and s.requeued_count == 1


def test_failed_render_is_recorded_and_retried(
    docworld, django_capture_on_commit_callbacks, monkeypatch, login
):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pdf, "render_pdfs", broken)
    created = issue(docworld, capture=django_capture_on_commit_callbacks)
    doc = Document.objects.get(pk=created[0].pk)
    assert doc.status == DocumentStatus.FAILED and "disk full" in doc.error
    client = login(docworld.a.people["coordinator"])
    response = client.get(reverse("documents:progress", args=[docworld.a.cohort.pk]))
    assert "disk full" in response.content.decode()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:retry", args=[doc.pk]))
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY and doc.error == "" and doc.attempts == 2


def test_retry_by_other_coordinator_is_404(docworld, django_capture_on_commit_callbacks, login):
    created = issue(docworld, capture=django_capture_on_commit_callbacks)
    client = login(docworld.b.people["coordinator"])
    assert client.post(reverse("documents:retry", args=[created[0].pk])).status_code == 404


# --- Verification ----------------------------------------------------------------------------
def test_verify_shows_printed_data_and_hash(docworld, django_capture_on_commit_callbacks, client):
    doc = Document.objects.get(pk=issue(docworld, capture=django_capture_on_commit_callbacks)[0].pk)
    response = client.get(f"/verify/{doc.verification_code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert doc.sha256 in body and "Les Fabricants" in body
    assert docworld.a.people["student"].get_full_name() in body
    assert docworld.a.people["student"].email not in body


def test_verify_revoked_says_so(docworld, django_capture_on_commit_callbacks, login):
    doc = Document.objects.get(pk=issue(docworld, capture=django_capture_on_commit_callbacks)[0].pk)
    client = login(docworld.a.people["coordinator"])
    response = client.post(reverse("documents:revoke", args=[doc.pk]), {"reason": "Erreur"})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.revoked_at is not None and doc.revoke_reason == "Erreur"
    client.logout()
    body = client.get(f"/verify/{doc.verification_code}/").content.decode()
    assert "alert-danger" in body
    assert timezone.localdate(doc.revoked_at).strftime("%Y") in body


def test_revoke_by_other_coordinator_is_404(docworld, django_capture_on_commit_callbacks, login):
    doc = issue(docworld, capture=django_capture_on_commit_callbacks)[0]
    client = login(docworld.b.people["coordinator"])
    response = client.post(reverse("documents:revoke", args=[doc.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert Document.objects.get(pk=doc.pk).revoked_at is None


def test_verify_unknown_code_is_friendly_404(client, db):
    response = client.get("/verify/AAAAAAAAAA/")
    assert response.status_code == 404
    assert "AAAAAAAAAA" in response.content.decode()


# --- Downloads by persona --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("student", 200),
        ("coordinator", 200),
        ("other_student", 404),
        ("other_coordinator", 404),
        ("municipal_staff", 404),
        ("anonymous", 302),
    ],
)
def test_download_diploma_by_persona(
    docworld, django_capture_on_commit_callbacks, login, persona, status
):
    doc = Document.objects.get(pk=issue(docworld, capture=django_capture_on_commit_callbacks)[0].pk)
    client = login(docworld.persona(persona))
    response = client.get(reverse("documents:download", args=[doc.pk]))
    assert response.status_code == status
    if status == 200:
        content = b"".join(response.streaming_content)
        assert hashlib.sha256(content).hexdigest() == doc.sha256
        # Through the one responder: a download, the type kept as decided.
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"


def test_student_lists_only_own_documents(docworld, django_capture_on_commit_callbacks, login):
    coordinator = docworld.a.people["coordinator"]
    s = selectors.settings_for(docworld.a.cohort)
    s.attendance_min_percent = 0
    s.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.documents_issue(cohort=docworld.a.cohort, kind="diploma", actor=coordinator)
    client = login(docworld.a.people["student"])
    body = client.get(reverse("documents:mine")).content.decode()
    own = Document.objects.get(recipient=docworld.a.people["student"])
    other = Document.objects.get(recipient=docworld["doc_absent"])
    assert own.verification_code in body and other.verification_code not in body
    assert client.get(reverse("documents:download", args=[other.pk])).status_code == 404


def test_team_member_downloads_team_trophy(docworld, django_capture_on_commit_callbacks, login):
    doc = issue(docworld, kind="trophy", capture=django_capture_on_commit_callbacks)[0]
    assert (
        login(docworld.a.people["student"])
        .get(reverse("documents:download", args=[doc.pk]))
        .status_code
        == 200
    )
    assert (
        login(docworld.b.people["student"])
        .get(reverse("documents:download", args=[doc.pk]))
        .status_code
        == 404
    )


# --- Coordinator pages -----------------------------------------------------------------------
def test_cohort_page_same_queries_with_many_documents(
    docworld, django_capture_on_commit_callbacks, login, django_assert_num_queries
):
    issue(docworld, kind="trophy", capture=django_capture_on_commit_callbacks)
    client = login(docworld.a.people["coordinator"])
    url = reverse("documents:cohort", args=[docworld.a.cohort.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    few = len(ctx.captured_queries)
    s = selectors.settings_for(docworld.a.cohort)
    s.attendance_min_percent = 0
    s.save()
    issue(docworld, kind="diploma", capture=django_capture_on_commit_callbacks)
    issue(docworld, kind="coach", capture=django_capture_on_commit_callbacks)
    assert Document.objects.count() >= 4
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
    assert "Paul Absent" in response.content.decode()


def test_progress_partial_polls_until_done(docworld, login, monkeypatch):
    monkeypatch.setattr(services, "queue_rendering", lambda ids: None)
    services.documents_issue(
        cohort=docworld.a.cohort, kind="trophy", actor=docworld.a.people["coordinator"]
    )
    client = login(docworld.a.people["coordinator"])
    url = reverse("documents:progress", args=[docworld.a.cohort.pk])
    body = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in body and 'max="1" value="0"' in body
    render_documents(document_ids=list(Document.objects.values_list("pk", flat=True)))
    body = client.get(url).content.decode()
    assert "hx-trigger" not in body and 'max="1" value="1"' in body


def test_issue_view_as_other_coordinator_is_404(docworld, login):
    client = login(docworld.b.people["coordinator"])
    response = client.post(
        reverse("documents:issue", args=[docworld.a.cohort.pk]), {"kind": "diploma"}
    )
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_issue_view_creates_and_redirects(docworld, login, django_capture_on_commit_callbacks):
    client = login(docworld.a.people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:issue", args=[docworld.a.cohort.pk]), {"kind": "trophy"}
        )
    assert response.status_code == 302
    assert Document.objects.get().status == DocumentStatus.READY


# --- Templates -------------------------------------------------------------------------------
def _template_url(w, kind="diploma", language="fr"):
    return reverse("documents:template_edit", args=[w.a.programme.pk, kind, language])


def test_template_syntax_error_is_refused(docworld, login):
    client = login(docworld.a.people["coordinator"])
    response = client.post(
        _template_url(docworld), {"html": "<p>{% if %}</p>", "css": "", "action": "save"}
    )
    assert response.status_code == 400
    assert "template-error" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_template_css_with_a_huge_number_is_a_css_error_not_a_500(docworld, login):
    # Found by the forms fuzz: tinycss2 raised ValueError on a 5000-digit number.
    css = "a{width:" + "9" * 5000 + "px}"
    assert pdf.check_css(css)
    client = login(docworld.a.people["coordinator"])
    response = client.post(
        _template_url(docworld), {"html": "<p>Bravo</p>", "css": css, "action": "save"}
    )
    assert response.status_code == 400
    assert "un nombre y est trop long" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_template_unknown_variable_is_refused(docworld, login):
    client = login(docworld.a.people["coordinator"])
    response = client.post(
        _template_url(docworld), {"html": "<p>{{ password }}</p>", "css": "", "action": "save"}
    )
    assert response.status_code == 400
    assert "password" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_template_include_is_refused(docworld, login):
    client = login(docworld.a.people["coordinator"])
    response = client.post(
        _template_url(docworld),
        {"html": '{% include "base.html" %}', "css": "", "action": "save"},
    )
    assert response.status_code == 400
    assert not DocumentTemplate.objects.exists()


def test_template_valid_is_saved_and_used(docworld, login, django_capture_on_commit_callbacks):
    client = login(docworld.a.people["coordinator"])
    html = '<h1 class="x">Bravo {{ recipient_name }}</h1><div class="qr">{{ qr_code }}</div>'
    response = client.post(
        _template_url(docworld), {"html": html, "css": ".x { color: {{ primary_color }}; }"}
    )
    assert response.status_code == 302
    assert DocumentTemplate.objects.get().html == html
    doc = issue(docworld, capture=django_capture_on_commit_callbacks)[0]
    assert Document.objects.get(pk=doc.pk).status == DocumentStatus.READY


def test_template_preview_returns_pdf_and_keeps_nothing(docworld, login):
    client = login(docworld.a.people["coordinator"])
    html, css = selectors.default_template("diploma", "fr")
    response = client.post(_template_url(docworld), {"html": html, "css": css, "action": "preview"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not Document.objects.exists() and not DocumentTemplate.objects.exists()


def test_template_page_other_coordinator_404(docworld, login):
    assert login(docworld.b.people["coordinator"]).get(_template_url(docworld)).status_code == 404


# --- Renderer security -----------------------------------------------------------------------
def test_template_variables_are_escaped():
    out = pdf.render_template("<p>{{ name }}</p>", {"name": "<script>x</script>"})
    assert out == "<p>&lt;script&gt;x&lt;/script&gt;</p>"


def test_url_fetcher_refuses_remote_and_outside_static(settings):
    fetcher = pdf.make_url_fetcher()
    for url in ["http://example.org/x.png", "https://127.0.0.1/", "file:///etc/passwd",
                (pdf.STATIC_DIR / ".." / "manage.py").as_uri()]:  # fmt: skip
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch((pdf.PDF_STATIC_DIR / "logo.svg").as_uri())
    assert b"<svg" in response.read()


def test_remote_image_is_not_fetched(monkeypatch):
    calls = []
    import urllib.request

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda *a, **k: calls.append(a))
    _n, _t, content = pdf.render_pdf(
        html_template='<img src="http://example.org/logo.png"><p>{{ x }}</p>',
        css_template="",
        context={"x": "ok"},
        filename="t.pdf",
    )
    assert content.startswith(b"%PDF") and calls == []


# --- Delivery --------------------------------------------------------------------------------
def test_archive_contains_every_ready_document(docworld, django_capture_on_commit_callbacks, login):
    issue(docworld, capture=django_capture_on_commit_callbacks)
    issue(docworld, kind="trophy", capture=django_capture_on_commit_callbacks)
    client = login(docworld.a.people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:archive", args=[docworld.a.cohort.pk]))
    archive = docworld.a.cohort.document_archives.get()
    assert archive.status == "ready" and archive.document_count == 2
    response = client.get(reverse("documents:archive_download", args=[archive.pk]))
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert len(names) == 2
        first = zf.read(names[0])
    assert hashlib.sha256(first).hexdigest() in set(
        Document.objects.values_list("sha256", flat=True)
    )
    other = login(docworld.b.people["coordinator"])
    assert other.get(reverse("documents:archive_download", args=[archive.pk])).status_code == 404


def test_email_each_person_once(docworld, django_capture_on_commit_callbacks, login, mailoutbox):
    issue(docworld, capture=django_capture_on_commit_callbacks)
    issue(docworld, kind="coach", capture=django_capture_on_commit_callbacks)
    client = login(docworld.a.people["coordinator"])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("documents:email", args=[docworld.a.cohort.pk]))
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(
        [docworld.a.people["student"].email, docworld.a.people["coach"].email]
    )
    assert all(d.emailed_at for d in Document.objects.all())
    doc = Document.objects.get(recipient=docworld.a.people["student"])
    assert (
        doc.verification_code in mailoutbox[0].body or doc.verification_code in mailoutbox[1].body
    )


# --- Rendering a chunk in one pass ------------------------------------------------------------
def _pdf_text(content: bytes) -> tuple[int, str, str]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split()), reader.metadata.title


def test_a_chunk_rendered_in_one_pass_gives_each_person_their_own_pdf():
    html, css = selectors.default_template("diploma", "fr")
    base = {name: "" for name, _label in services.VARIABLES}
    base.update(primary_color="#1d4e89", accent_color="#c8102e", logo_url="", qr_code="")
    people = ["Awa Diallo", "Léo Martin", "Zoé Bernard"]
    inputs = [
        pdf.PdfInput(
            {**base, "recipient_name": name, "verification_code": f"CODE{i}", "language": "fr"},
            f"diplome-{i}.pdf",
            f"Diplôme · {name}",
        )
        for i, name in enumerate(people)
    ]
    # A full image cache is emptied only once the PDFs are written (writing reads from it).
    images = pdf._weasy()["images"]
    images.update({f"filler-{i}": None for i in range(300)})
    inputs = [
        pdf.PdfInput(
            {**i.context, "qr_code": qr.qr_image(f"https://x.test/{n}")}, i.filename, i.title
        )
        for n, i in enumerate(inputs)
    ]
    contents = pdf.render_pdfs(html_template=html, css_template=css, documents=inputs)
    assert len(contents) == 3 and len(images) < 300
    for i, (content, name) in enumerate(zip(contents, people, strict=True)):
        pages, text, title = _pdf_text(content)
        assert pages == 1 and name in text and f"CODE{i}" in text
        assert not any(other in text for other in people if other != name)
        assert title == f"Diplôme · {name}"
    # A template whose document runs over two pages: each person still gets both of theirs.
    long_html = html + '<p style="break-before: page">Annexe de {{ recipient_name }}</p>'
    contents = pdf.render_pdfs(html_template=long_html, css_template=css, documents=inputs)
    for content, name in zip(contents, people, strict=True):
        pages, text, _title = _pdf_text(content)
        assert pages == 2 and f"Annexe de {name}" in text
        assert not any(other in text for other in people if other != name)


def test_one_failing_document_of_a_chunk_fails_alone(docworld, monkeypatch):
    """The chunk's pass fails: its documents are rendered one by one, and only the one that
    cannot be rendered is failed, with its error."""
    from tests.factories import UserFactory

    created = []
    for name in ("Awa", "Léo", "Zoé"):
        user = UserFactory(first_name=name, last_name="Essai")
        created.append(
            Document.objects.create(
                kind="diploma",
                cohort=docworld.a.cohort,
                recipient=user,
                language="fr",
                data={"recipient_name": f"{name} Essai"},
                queued_at=timezone.now(),
            )
        )
    real = pdf.render_pdfs
    batches = []

    def flaky(**kwargs):
        names = [d.context["recipient_name"] for d in kwargs["documents"]]
        batches.append(names)
        if "Léo Essai" in names:
            raise RuntimeError("police manquante")
        return real(**kwargs)

    monkeypatch.setattr(pdf, "render_pdfs", flaky)
    assert render_documents(document_ids=[d.pk for d in created]) == 2
    assert batches[0] == ["Awa Essai", "Léo Essai", "Zoé Essai"]  # one pass first
    statuses = {
        d.data["recipient_name"]: d for d in Document.objects.filter(pk__in=[c.pk for c in created])
    }
    assert statuses["Léo Essai"].status == DocumentStatus.FAILED
    assert "police manquante" in statuses["Léo Essai"].error
    for name in ("Awa Essai", "Zoé Essai"):
        assert statuses[name].status == DocumentStatus.READY
        with default_storage.open(statuses[name].file, "rb") as fh:
            assert name in _pdf_text(fh.read())[1]


def test_a_document_status_changes_only_along_its_transitions(
    docworld, django_capture_on_commit_callbacks
):
    """``documents_set_status`` is the one writer: a ready document never goes back to
    waiting (a late worker's or a retry's update changes nothing), a failed one does."""
    created = issue(docworld, capture=django_capture_on_commit_callbacks)
    doc = Document.objects.get(pk=created[0].pk)
    assert doc.status == DocumentStatus.READY
    rows = Document.objects.filter(pk=doc.pk)
    assert services.documents_set_status(rows, DocumentStatus.PENDING, error="x") == 0
    assert services.documents_set_status(rows, DocumentStatus.FAILED) == 0
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY and doc.error == ""
    Document.objects.filter(pk=doc.pk).update(status=DocumentStatus.FAILED)
    assert services.documents_set_status(rows, DocumentStatus.PENDING) == 1
    assert Document.objects.get(pk=doc.pk).status == DocumentStatus.PENDING
    assert services.TRANSITIONS[DocumentStatus.READY] == set()


def test_document_services_recheck_the_coordinators_right(
    docworld, django_capture_on_commit_callbacks
):
    """Revoking, retrying: the other département's coordinator is refused by the service
    itself (the rule the rows' buttons come from), and nothing changes."""
    created = issue(docworld, capture=django_capture_on_commit_callbacks)
    doc = Document.objects.get(pk=created[0].pk)
    outsider = docworld.b.people["coordinator"]
    with pytest.raises(DomainError, match="pas le droit"):
        services.document_revoke(document=doc, actor=outsider, reason="Erreur de nom")
    with pytest.raises(DomainError, match="pas le droit"):
        services.documents_retry_failed(cohort=doc.cohort, actor=outsider)
    doc.refresh_from_db()
    assert doc.revoked_at is None
    services.document_revoke(
        document=doc, actor=docworld.a.people["coordinator"], reason="Erreur de nom"
    )
    assert Document.objects.get(pk=doc.pk).revoked_at is not None
