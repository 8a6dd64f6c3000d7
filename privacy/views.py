"""The privacy notice of each programme (public), the register of processing activities
(coordinators), and each person's own data: their export and their erasure."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.models import Programme
from cohorts.selectors import programmes_coordinated_by
from curiouslab.downloads import serve_bytes, serve_stored_file
from privacy import processing, register, services
from privacy.enums import ExportStatus
from privacy.forms import ErasureForm
from privacy.models import DataExport


def programme_notice(request, slug: str):
    """Public: the law wants the notice readable before one takes part."""
    programme = get_object_or_404(Programme.objects.select_related("organisation"), slug=slug)
    return render(
        request,
        "privacy/notice.html",
        {
            "programme": programme,
            "processing": processing,
            "contact": processing.contact_for(programme),
            "retention": processing.retention_text(programme),
            "audit_retention": processing.audit_retention_text(),
        },
    )


@login_required
def register_download(request):
    programmes = programmes_coordinated_by(request.user).select_related("organisation")
    if not programmes.exists():
        raise PermissionDenied
    return serve_bytes(
        register.register_csv(programmes.order_by("name", "pk")),
        filename="registre-des-traitements.csv",
        content_type="text/csv; charset=utf-8",
    )


@login_required
def my_data(request):
    exports = DataExport.objects.filter(user=request.user)[:5]
    return render(
        request,
        "privacy/my_data.html",
        {
            "exports": exports,
            "preparing": any(e.status == ExportStatus.PENDING for e in exports),
            "export_days": settings.PRIVACY_EXPORT_DAYS,
            "programmes": Programme.objects.filter(
                cohorts__teams__members__user=request.user
            ).distinct()[:20],
        },
    )


@login_required
@require_POST
def export_request(request):
    services.export_request(user=request.user)
    messages.success(
        request,
        _("Your export is being prepared. Come back to this page in a few minutes to download it."),
    )
    return redirect("privacy:my_data")


@login_required
def export_download(request, pk: int):
    export = get_object_or_404(DataExport, pk=pk, user=request.user, status=ExportStatus.READY)
    return serve_stored_file(
        export.file,
        filename=services.export_download_name(export),
        content_type="application/zip",
        inline=False,
    )


@login_required
def erase(request):
    form = ErasureForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.person_erase(user=request.user, actor=request.user, reason=_("On request"))
        logout(request)
        messages.success(request, _("Your personal data has been erased and your account closed."))
        return redirect("home")
    return render(request, "privacy/erase.html", {"form": form})
