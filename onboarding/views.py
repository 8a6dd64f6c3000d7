"""The public request to start a territory, and the platform administrator's pages."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from curiouslab.accounts.models import Invitation, Role
from curiouslab.errors import DomainError
from onboarding import selectors, services
from onboarding.forms import RejectForm, TerritoryRequestForm
from onboarding.models import TerritoryRequest

PAGE_SIZE = 25


def platform_admin_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.has_perm("onboarding.run_platform"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def request_create(request):
    form = TerritoryRequestForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.request_submit(data=form.cleaned_data, language=request.LANGUAGE_CODE)
            return redirect("onboarding:request_sent")
        return render(request, "onboarding/request_form.html", {"form": form}, status=400)
    return render(request, "onboarding/request_form.html", {"form": form})


def request_sent(request):
    return render(request, "onboarding/request_sent.html")


@platform_admin_required
def platform_home(request):
    territories = Paginator(selectors.territories_overview(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    pending = selectors.pending_requests()
    return render(
        request,
        "onboarding/platform_home.html",
        {
            "pending": pending[:PAGE_SIZE],
            "pending_total": pending.count(),
            "page": territories,
        },
    )


@platform_admin_required
def request_detail(request, pk: int, reject_form=None, status=200):
    territory_request = get_object_or_404(
        TerritoryRequest.objects.select_related(
            "departement", "region", "epci", "decided_by", "organisation"
        ),
        pk=pk,
    )
    invitation = None
    if territory_request.organisation_id:
        invitation = (
            Invitation.objects.filter(
                organisation_id=territory_request.organisation_id, role=Role.COORDINATOR
            )
            .order_by("-created_at")
            .first()
        )
    return render(
        request,
        "onboarding/request_detail.html",
        {
            "territory_request": territory_request,
            "reject_form": reject_form or RejectForm(),
            "invitation": invitation,
        },
        status=status,
    )


@platform_admin_required
@require_POST
def request_approve(request, pk: int):
    get_object_or_404(TerritoryRequest, pk=pk)
    try:
        done = services.request_approve(request_id=pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s has its space: its first coordinator has been invited by e-mail.")
            % {"name": done.name},
        )
    return redirect("onboarding:request_detail", pk=pk)


@platform_admin_required
@require_POST
def request_reject(request, pk: int):
    get_object_or_404(TerritoryRequest, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return request_detail(request, pk, reject_form=form, status=400)
    try:
        services.request_reject(
            request_id=pk, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The request has been declined; its author has been told why."))
    return redirect("onboarding:request_detail", pk=pk)
