"""The publication's steps, page by page: the coordinator proposes a team's project after
the closing session, picks the licence and the public versions, publishes or unpublishes;
the municipality approves the text about its commune; each member consents (or not) to their
name appearing. Refusals are messages; every step is audited by the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.models import Team
from cohorts.selectors import cohorts_managed_by
from commons import forms, selectors, services
from commons.enums import PublicationStatus
from commons.models import OutcomeMilestone, Publication
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from curiouslab.errors import DomainError

PAGE_SIZE = 25
FOLLOWERS = (Role.COORDINATOR, Role.MUNICIPAL_STAFF, Role.STUDENT)


def _visible(request, pk: int) -> Publication:
    if not roles_for(request.user).has_any(*FOLLOWERS):
        raise PermissionDenied
    return get_object_or_404(selectors.publications_visible_to(request.user), pk=pk)


def _allowed(request, perm: str, publication: Publication) -> None:
    if not request.user.has_perm(perm, publication):
        raise PermissionDenied


def _back(publication: Publication) -> str:
    return reverse("commons:publication_detail", args=[publication.pk])


@login_required
def publication_list(request):
    """Where each follower starts: the projects to propose (coordinators), then the
    publications one follows with what is expected of one."""
    r = roles_for(request.user)
    if not r.has_any(*FOLLOWERS):
        raise PermissionDenied
    to_propose = None
    if r.has(Role.COORDINATOR):
        to_propose = Paginator(selectors.teams_to_propose(request.user), PAGE_SIZE).get_page(
            request.GET.get("teams")
        )
    publications = Paginator(
        selectors.publications_visible_to(request.user).order_by("-created_at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "commons/publication_list.html",
        {"to_propose": to_propose, "publications": publications},
    )


@login_required
def publication_propose(request, team_pk: int):
    if not roles_for(request.user).has(Role.COORDINATOR):
        raise PermissionDenied
    team = get_object_or_404(
        Team.objects.filter(cohort__in=cohorts_managed_by(request.user)).select_related(
            "cohort__programme", "challenge__municipality"
        ),
        pk=team_pk,
    )
    existing = Publication.objects.filter(team=team).first()
    if existing is not None:
        messages.info(request, _("This project has already been proposed for publication."))
        return redirect(_back(existing))
    initial = {"commune_text": team.challenge.territory if team.challenge else ""}
    form = forms.CommuneTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            publication = services.publication_propose(
                team=team, actor=request.user, commune_text=form.cleaned_data["commune_text"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("commons:publication_list")
        messages.success(
            request,
            _("The project is proposed: the municipality now approves the text about its commune."),
        )
        return redirect(_back(publication))
    return render(request, "commons/publication_propose.html", {"team": team, "form": form})


@login_required
def publication_detail(request, pk: int):
    publication = _visible(request, pk)
    user = request.user
    can_manage = user.has_perm("commons.manage_publication", publication)
    can_approve = (
        user.has_perm("commons.approve_commune_text", publication)
        and publication.status == PublicationStatus.PROPOSED
    )
    can_consent = user.has_perm("commons.consent", publication)
    allowed = services.TRANSITIONS.get(publication.status, set())
    consent = selectors.consent_of(publication, user) if can_consent else None
    context = {
        "publication": publication,
        "team": publication.team,
        "is_public": publication.status == PublicationStatus.PUBLISHED,
        "can_manage": can_manage,
        "can_approve": can_approve,
        "can_consent": can_consent,
        "can_record_outcome": publication.status == PublicationStatus.PUBLISHED
        and user.has_perm("commons.record_outcome", publication),
        "can_publish": can_manage and PublicationStatus.PUBLISHED in allowed,
        "can_unpublish": can_manage and PublicationStatus.UNPUBLISHED in allowed,
        "waits_for_commune": publication.status == PublicationStatus.PROPOSED,
        "consent": consent,
        "consents": selectors.consents_of(publication) if can_manage else [],
        "public_versions": list(
            publication.public_versions.select_related("deliverable__milestone")
        ),
    }
    if can_approve:
        context["approve_form"] = forms.CommuneTextForm(
            initial={"commune_text": publication.commune_text}
        )
    if can_manage:
        versions = selectors.team_versions(publication)
        context["terms_form"] = forms.TermsForm(
            versions=versions,
            initial={
                "licence": publication.licence,
                "versions": [str(v.pk) for v in context["public_versions"]],
            },
        )
    if can_consent:
        given = None if consent is None else consent.given
        context["consent_form"] = forms.ConsentForm(
            initial={"given": {True: "yes", False: "no"}.get(given)}
        )
    return render(request, "commons/publication_detail.html", context)


@login_required
@require_POST
def publication_approve(request, pk: int):
    publication = _visible(request, pk)
    _allowed(request, "commons.approve_commune_text", publication)
    form = forms.CommuneTextForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("The text about the commune is too long."))
        services.publication_approve(
            publication=publication,
            actor=request.user,
            commune_text=form.cleaned_data["commune_text"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: the text about your commune is approved."))
    return redirect(_back(publication))


@login_required
@require_POST
def publication_terms(request, pk: int):
    publication = _visible(request, pk)
    _allowed(request, "commons.manage_publication", publication)
    form = forms.TermsForm(request.POST, versions=selectors.team_versions(publication))
    try:
        if not form.is_valid():
            raise DomainError(_("Choose a licence and versions of this team."))
        services.publication_set_terms(
            publication=publication,
            actor=request.user,
            licence=form.cleaned_data["licence"],
            versions=form.chosen_versions(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The licence and the public versions are saved."))
    return redirect(_back(publication))


@login_required
@require_POST
def publication_status(request, pk: int):
    publication = _visible(request, pk)
    _allowed(request, "commons.manage_publication", publication)
    status = request.POST.get("status", "")
    try:
        if status not in (PublicationStatus.PUBLISHED, PublicationStatus.UNPUBLISHED):
            raise DomainError(_("This publication cannot move to that state."))
        services.publication_set_status(publication=publication, actor=request.user, status=status)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if status == PublicationStatus.PUBLISHED:
            messages.success(request, _("The project is published in the commons."))
        else:
            messages.success(request, _("The project is no longer public."))
    return redirect(_back(publication))


@login_required
@require_POST
def consent(request, pk: int):
    publication = _visible(request, pk)
    _allowed(request, "commons.consent", publication)
    form = forms.ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether your name may appear."))
        return redirect(_back(publication))
    try:
        services.consent_set(
            publication=publication, actor=request.user, given=form.cleaned_data["given"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if form.cleaned_data["given"]:
            messages.success(request, _("Your name will appear on the public page."))
        else:
            messages.success(request, _("Your name will not appear: the team's name only."))
    return redirect(_back(publication))


# --- Follow-up ------------------------------------------------------------------------------


@login_required
def outcome_edit(request, pk: int):
    """The municipality records what became of its published project."""
    publication = _visible(request, pk)
    _allowed(request, "commons.record_outcome", publication)
    if publication.status != PublicationStatus.PUBLISHED:
        messages.error(request, _("The follow-up is recorded for a published project."))
        return redirect(_back(publication))
    outcome, milestones = selectors.project_outcome(publication)
    form = forms.OutcomeForm(request.POST or None, request.FILES or None, instance=outcome)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_record(
                publication=publication,
                actor=request.user,
                data=form.cleaned_data,
                photo=form.cleaned_data.get("photo"),
                remove_photo=form.cleaned_data.get("remove_photo", False),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you: the follow-up is on the public page."))
            return redirect("commons:outcome_edit", pk=publication.pk)
    return render(
        request,
        "commons/outcome_edit.html",
        {
            "publication": publication,
            "team": publication.team,
            "form": form,
            "outcome": outcome,
            "milestones": milestones,
            "milestone_form": forms.OutcomeMilestoneForm(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def outcome_milestone_add(request, pk: int):
    publication = _visible(request, pk)
    _allowed(request, "commons.record_outcome", publication)
    form = forms.OutcomeMilestoneForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Give the milestone a date and a few words."))
        services.outcome_milestone_add(
            publication=publication,
            actor=request.user,
            on=form.cleaned_data["on"],
            label=form.cleaned_data["label"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The milestone is added to the timeline."))
    return redirect("commons:outcome_edit", pk=publication.pk)


@login_required
@require_POST
def outcome_milestone_delete(request, pk: int):
    milestone = get_object_or_404(
        OutcomeMilestone.objects.select_related("outcome__publication").filter(
            outcome__publication__in=selectors.publications_visible_to(request.user)
        ),
        pk=pk,
    )
    publication = milestone.outcome.publication
    _allowed(request, "commons.record_outcome", publication)
    try:
        services.outcome_milestone_delete(milestone=milestone, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The milestone is removed."))
    return redirect("commons:outcome_edit", pk=publication.pk)
