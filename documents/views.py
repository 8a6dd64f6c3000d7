"""Views of the documents: the coordinator's pages (eligibility, issuing, progress,
templates, archive, e-mail), downloads, and the public verification page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cohorts.selectors import cohorts_managed_by, programmes_coordinated_by
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from curiouslab.downloads import serve_bytes, serve_stored_file
from curiouslab.errors import DomainError
from documents import selectors, services
from documents.eligibility import candidates
from documents.forms import BrandingForm, RevokeForm, SettingsForm, TemplateForm
from documents.models import (
    Document,
    DocumentArchive,
    DocumentKind,
    DocumentStatus,
)

PAGE_SIZE = 25
# Issuing more documents than this at once asks the coordinator to confirm the number first.
ISSUE_CONFIRM_ABOVE = 10


# --- Helpers ---------------------------------------------------------------------------------
def _require_coordinator(request) -> None:
    if not roles_for(request.user).has(Role.COORDINATOR):
        raise PermissionDenied


def _cohort(request, cohort_id: int):
    _require_coordinator(request)
    return get_object_or_404(cohorts_managed_by(request.user), pk=cohort_id)


def _managed_document(request, pk: int) -> Document:
    return get_object_or_404(
        Document.objects.filter(cohort__in=cohorts_managed_by(request.user)).select_related(
            "cohort__programme"
        ),
        pk=pk,
    )


def _kinds(cohort) -> list[tuple[str, str]]:
    """The kinds of document the cohort's programme format issues (``Format.documents``)."""
    issued = cohort.format_spec.documents
    return [(kind, label) for kind, label in DocumentKind.choices if kind in issued]


def _kind(value: str | None, cohort) -> str:
    kinds = [kind for kind, _label in _kinds(cohort)] or [DocumentKind.DIPLOMA]
    return value if value in kinds else kinds[0]


# --- Coordinator pages -----------------------------------------------------------------------
@login_required
def index(request):
    _require_coordinator(request)
    cohorts = cohorts_managed_by(request.user).order_by("-year", "name")
    page = Paginator(cohorts, PAGE_SIZE).get_page(request.GET.get("page"))
    programmes = programmes_coordinated_by(request.user).order_by("name")[:20]
    return render(request, "documents/index.html", {"page": page, "programmes": programmes})


@login_required
def cohort_detail(request, cohort_id: int):
    cohort = _cohort(request, cohort_id)
    doc_settings = selectors.settings_for(cohort)
    context = {
        "cohort": cohort,
        "doc_settings": doc_settings,
        "settings_form": SettingsForm(instance=doc_settings),
        "progress": selectors.progress(cohort=cohort),
        "failures": _failures(cohort),
        **_documents_page(request, cohort),
        "statuses": DocumentStatus.choices,
        "kinds": _kinds(cohort),
        "archive": DocumentArchive.objects.filter(cohort=cohort).first(),
        "revoke_form": RevokeForm(),
    }
    return render(request, "documents/cohort.html", context)


def _documents_page(request, cohort) -> dict:
    """The page of issued documents the list shows, filtered by ``?status=``; ``list_query``
    lets the progress poll render the same page of rows."""
    status = request.GET.get("status", "")
    docs = Document.objects.filter(cohort=cohort).order_by("kind", "id")
    if status in DocumentStatus.values:
        docs = docs.filter(status=status)
    elif status == "revoked":
        docs = docs.filter(revoked_at__isnull=False)
    else:
        status = ""
    page = Paginator(docs, PAGE_SIZE).get_page(request.GET.get("page"))
    _flag(request.user, page, cohort)
    query = f"status={status}" if status else ""
    list_query = "&".join(q for q in [query, f"page={page.number}" if page.number > 1 else ""] if q)
    return {"page": page, "status": status, "query": query, "list_query": list_query}


def _flag(user, documents, cohort=None) -> None:
    """What each row offers, from the documents' rules (no query: the cohort is known)."""
    for doc in documents:
        if cohort is not None:
            doc.cohort = cohort
        doc.can_download = user.has_perm("documents.download_document", doc)
        doc.can_retry = user.has_perm("documents.retry_document", doc)
        doc.can_revoke = user.has_perm("documents.revoke_document", doc)


def _failures(cohort):
    return list(
        Document.objects.filter(
            cohort=cohort, status=DocumentStatus.FAILED, revoked_at__isnull=True
        ).order_by("id")[:20]
    )


@login_required
def progress(request, cohort_id: int):
    """What the documents page polls while documents render: the progress bar, and the rows
    of the list (their status and download buttons) swapped out of band."""
    cohort = _cohort(request, cohort_id)
    return render(
        request,
        "documents/partials/progress.html",
        {
            "cohort": cohort,
            "progress": selectors.progress(cohort=cohort),
            "failures": _failures(cohort),
            "doc_settings": selectors.settings_for(cohort),
            "revoke_form": RevokeForm(),
            "oob": True,
            **_documents_page(request, cohort),
        },
    )


@login_required
def eligibility(request, cohort_id: int):
    cohort = _cohort(request, cohort_id)
    kind = _kind(request.GET.get("kind"), cohort)
    rows = candidates(cohort=cohort, kind=kind)
    eligible = sum(1 for r in rows if r.eligible)
    to_issue = sum(1 for r in rows if r.eligible and r.document is None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/eligibility.html",
        {
            "cohort": cohort,
            "kind": kind,
            "kind_label": DocumentKind(kind).label,
            "kinds": _kinds(cohort),
            "page": page,
            "query": f"kind={kind}",
            "eligible": eligible,
            "ineligible": len(rows) - eligible,
            "to_issue": to_issue,
            "rule": selectors.settings_for(cohort).attendance_min_percent,
        },
    )


@login_required
@require_POST
def issue(request, cohort_id: int):
    cohort = _cohort(request, cohort_id)
    kind = _kind(request.POST.get("kind"), cohort)
    to_issue = sum(
        1 for c in candidates(cohort=cohort, kind=kind) if c.eligible and c.document is None
    )
    if to_issue > ISSUE_CONFIRM_ABOVE and request.POST.get("confirm") != str(to_issue):
        # Dozens of documents at once: nothing is issued before the coordinator confirms the
        # number (a changed number asks again).
        return render(
            request,
            "documents/issue_confirm.html",
            {
                "cohort": cohort,
                "kind": kind,
                "kind_label": DocumentKind(kind).label,
                "count": to_issue,
            },
        )
    try:
        created = services.documents_issue(cohort=cohort, kind=kind, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s document is being rendered.",
                "%(count)s documents are being rendered.",
                len(created),
            )
            % {"count": len(created)},
        )
    return redirect("documents:cohort", cohort_id=cohort.pk)


@login_required
@require_POST
def settings_update(request, cohort_id: int):
    cohort = _cohort(request, cohort_id)
    form = SettingsForm(request.POST, instance=selectors.settings_for(cohort))
    if form.is_valid():
        services.settings_save(doc_settings=form.save(commit=False), actor=request.user)
        messages.success(request, _("The attendance rule has been saved."))
    else:
        messages.error(request, _("The attendance rule must be a percentage from 0 to 100."))
    return redirect("documents:cohort", cohort_id=cohort.pk)


@login_required
@require_POST
def email(request, cohort_id: int):
    cohort = _cohort(request, cohort_id)
    services.documents_email_queue(cohort=cohort, actor=request.user)
    messages.success(request, _("Each person will receive their document by e-mail (only once)."))
    return redirect("documents:cohort", cohort_id=cohort.pk)


@login_required
@require_POST
def archive(request, cohort_id: int):
    cohort = _cohort(request, cohort_id)
    services.archive_request(cohort=cohort, actor=request.user)
    messages.success(request, _("The ZIP archive is being built."))
    return redirect("documents:cohort", cohort_id=cohort.pk)


@login_required
def archive_download(request, pk: int):
    _require_coordinator(request)
    archive = get_object_or_404(
        DocumentArchive.objects.filter(
            cohort__in=cohorts_managed_by(request.user), status=DocumentStatus.READY
        ),
        pk=pk,
    )
    return serve_stored_file(
        archive.file,
        filename=f"documents-{archive.cohort.school_year}-{archive.pk}.zip",
        content_type="application/zip",
        inline=False,
    )


@login_required
@require_POST
def retry(request, pk: int):
    document = _managed_document(request, pk)
    try:
        services.document_retry(document=document, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The document is being rendered again."))
    return redirect("documents:cohort", cohort_id=document.cohort_id)


@login_required
@require_POST
def retry_failed(request, cohort_id: int):
    """Render again every failed document of the cohort, in one action."""
    cohort = _cohort(request, cohort_id)
    count = services.documents_retry_failed(cohort=cohort, actor=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(n)s failed document is being rendered again.",
                "%(n)s failed documents are being rendered again.",
                count,
            )
            % {"n": count},
        )
    else:
        messages.info(request, _("No document has failed: there is nothing to retry."))
    return redirect("documents:cohort", cohort_id=cohort.pk)


@login_required
@require_POST
def revoke(request, pk: int):
    document = _managed_document(request, pk)
    form = RevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Say why the document is revoked."))
        services.document_revoke(
            document=document, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The document has been revoked."))
    return redirect("documents:cohort", cohort_id=document.cohort_id)


# --- Templates -------------------------------------------------------------------------------
def _programme(request, programme_id: int):
    _require_coordinator(request)
    return get_object_or_404(programmes_coordinated_by(request.user), pk=programme_id)


@login_required
def templates(request, programme_id: int):
    programme = _programme(request, programme_id)
    branding = selectors.branding_for(programme)
    form = BrandingForm(request.POST or None, request.FILES or None, instance=branding)
    if request.method == "POST" and form.is_valid():
        services.branding_save(branding=form.save(commit=False), actor=request.user)
        messages.success(request, _("The logo, colours and signature have been saved."))
        return redirect("documents:templates", programme_id=programme.pk)
    custom = set(programme.document_templates.values_list("kind", "language"))
    rows = [
        {
            "kind": kind,
            "label": label,
            "languages": [
                (code, name, (kind, code) in custom) for code, name in settings.LANGUAGES
            ],
        }
        for kind, label in DocumentKind.choices
        if kind in programme.format_spec.documents
    ]
    return render(
        request,
        "documents/templates.html",
        {"programme": programme, "form": form, "rows": rows},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def template_edit(request, programme_id: int, kind: str, language: str):
    programme = _programme(request, programme_id)
    if kind not in DocumentKind.values or language not in dict(settings.LANGUAGES):
        raise Http404
    html, css = selectors.template_for(programme_id=programme.pk, kind=kind, language=language)
    form = TemplateForm(request.POST or None, initial={"html": html, "css": css})
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "reset":
            services.template_reset(
                programme=programme, kind=kind, language=language, actor=request.user
            )
            messages.success(request, _("The built-in template is used again."))
            return redirect("documents:template_edit", programme.pk, kind, language)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "preview":
                    content = services.template_check(
                        programme=programme, kind=kind, language=language,
                        html=data["html"], css=data["css"],
                    )  # fmt: skip
                    return serve_bytes(
                        content,
                        filename=f"preview-{kind}.pdf",
                        content_type="application/pdf",
                        inline=True,
                    )
                services.template_save(
                    programme=programme, kind=kind, language=language,
                    html=data["html"], css=data["css"], actor=request.user,
                )  # fmt: skip
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, _("The template has been saved."))
                return redirect("documents:template_edit", programme.pk, kind, language)
    return render(
        request,
        "documents/template_edit.html",
        {
            "programme": programme,
            "kind": kind,
            "kind_label": DocumentKind(kind).label,
            "language": language,
            "form": form,
            "error": error,
            "variables": services.VARIABLES,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Downloads -------------------------------------------------------------------------------
@login_required
def mine(request):
    docs = (
        Document.objects.filter(recipient=request.user, revoked_at__isnull=True)
        .select_related("cohort__programme")
        .order_by("-issued_at")
    )
    page = Paginator(docs, PAGE_SIZE).get_page(request.GET.get("page"))
    _flag(request.user, page)
    return render(request, "documents/mine.html", {"page": page})


@login_required
def download(request, pk: int):
    document = get_object_or_404(
        selectors.documents_visible_to(request.user).select_related("cohort__programme"), pk=pk
    )
    if not request.user.has_perm("documents.download_document", document):
        raise Http404  # not ready, or revoked and not the coordinator's: nothing to download
    return serve_stored_file(
        document.file, filename=document.filename, content_type="application/pdf", inline=False
    )


# --- Public verification ---------------------------------------------------------------------
def verify_form(request):
    code = "".join(request.GET.get("code", "").split()).upper()
    if code:
        return redirect("documents:verify", code=code[:16])
    return render(request, "documents/verify_form.html")


def verify(request, code: str):
    document = (
        Document.objects.filter(verification_code=code.upper(), status=DocumentStatus.READY)
        .select_related("cohort")
        .first()
    )
    if document is None:
        return render(request, "documents/verify_unknown.html", {"code": code}, status=404)
    printed = services.printed_lines(document)
    return render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "printed": printed,
            "verify_url": reverse("documents:verify", kwargs={"code": document.verification_code}),
        },
    )
