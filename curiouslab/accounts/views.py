from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from curiouslab.accounts.forms import (
    AcceptInvitationForm,
    CommuneInvitationForm,
    InvitationForm,
    ProfileForm,
)
from curiouslab.accounts.models import AuditLogEntry, Invitation, Organisation, Role, User
from curiouslab.accounts.roles import roles_for
from curiouslab.accounts.rules import invitable_organisation_ids
from curiouslab.accounts.selectors import proconnect_claims_of, territories_coordinated_by
from curiouslab.accounts.services import (
    commune_invitation_create,
    invitable_roles,
    invitation_accept,
    invitation_create,
    invitation_owned_by,
    invitation_revoke,
)
from curiouslab.errors import DomainError

PAGE_SIZE = 25


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_public.html")
    return render(request, "home.html", {"roles": roles_for(request.user).roles})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        response.delete_cookie("django_language")
        return response
    memberships = request.user.memberships.active().select_related("organisation")
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})


def _visible_invitations(user):
    return Invitation.objects.filter(organisation_id__in=invitable_organisation_ids(user))


@login_required
def invitation_list(request):
    if not roles_for(request.user).has_any(
        Role.COORDINATOR, Role.MUNICIPAL_STAFF, Role.SCHOOL_REFERENT
    ):
        raise PermissionDenied
    organisations = Organisation.objects.filter(id__in=invitable_organisation_ids(request.user))
    territories = territories_coordinated_by(request.user)
    initial = {"language": request.LANGUAGE_CODE}
    posted = request.POST if request.method == "POST" else None
    commune_posted = posted is not None and "commune_invite-email" in posted
    form = InvitationForm(
        None if commune_posted else posted, organisations=organisations, initial=initial
    )
    commune_form = (
        CommuneInvitationForm(
            posted if commune_posted else None, territories=territories, initial=initial
        )
        if territories
        else None
    )
    if posted is not None:
        sent = (
            _send_commune_invitation(request, commune_form)
            if commune_posted
            else _send_invitation(request, form)
        )
        if sent:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": sent})
            return redirect("accounts:invitation_list")
    invitations = _visible_invitations(request.user).select_related("organisation", "invited_by")
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    claims = proconnect_claims_of([inv.accepted_by_id for inv in page if inv.accepted_by_id])
    for inv in page:
        inv.proconnect = claims.get(inv.accepted_by_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/invitation_list.html",
        {"form": form, "commune_form": commune_form, "page": page},
        status=status,
    )


def _send_invitation(request, form) -> str | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        invitation_create(
            organisation=data["organisation"],
            role=data["role"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            discipline=data["discipline"],
            language=data["language"],
            invited_by=request.user,
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    return data["email"]


def _send_commune_invitation(request, form) -> str | None:
    if form is None:
        raise PermissionDenied
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        commune_invitation_create(
            commune=data["commune"],
            territory=data["territory"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            language=data["language"],
            invited_by=request.user,
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    return data["email"]


@login_required
@require_POST
def invitation_revoke_view(request, pk: int):
    invitation = get_object_or_404(_visible_invitations(request.user), pk=pk)
    if not invitable_roles(user=request.user, organisation=invitation.organisation):
        raise Http404
    try:
        invitation_revoke(invitation=invitation, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("accounts:invitation_list")


def invitation_accept_view(request, token: str):
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), token=token)
    if not invitation.is_usable:
        return render(
            request, "accounts/invitation_unusable.html", {"invitation": invitation}, status=410
        )
    user = request.user if request.user.is_authenticated else None
    if user is not None and not invitation_owned_by(invitation=invitation, user=user):
        # Signed in with another account: the role goes to the invited address only.
        return render(
            request,
            "accounts/invitation_wrong_account.html",
            {"invitation": invitation},
            status=403,
        )

    account_exists = user is None and User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if user is None and not account_exists:
        form = AcceptInvitationForm(
            request.POST or None,
            email=invitation.email,
            initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
        )
    if request.method == "POST" and not account_exists and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        try:
            accepted_by = invitation_accept(
                invitation=invitation,
                user=user,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                password=data.get("password1"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(request.path)
        if user is None:
            login(request, accepted_by, backend="curiouslab.accounts.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome! You are now %(role)s at %(organisation)s.")
            % {"role": invitation.get_role_display(), "organisation": invitation.organisation},
        )
        return redirect("home")
    context = {
        "invitation": invitation,
        "form": form,
        "account_exists": account_exists,
        "login_url": reverse("account_login") + "?next=" + request.path,
    }
    return render(
        request,
        "accounts/invitation_accept.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
def audit_log(request):
    if not request.user.has_perm("accounts.view_auditlog"):
        raise PermissionDenied
    entries = AuditLogEntry.objects.filter(
        organisation_id__in=roles_for(request.user).orgs(Role.COORDINATOR)
    ).select_related("actor", "content_type")
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"page": page, "action": action})
