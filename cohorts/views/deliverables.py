"""Deliverables: a milestone's versions, comments, deadline extensions and files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts import forms, selectors, services
from cohorts.models import DeliverableFile, DeliverableVersion, Milestone, ScenarioFile
from cohorts.views.common import refused, visible_team
from curiouslab.downloads import serve_stored_file
from curiouslab.errors import DomainError


def _team_milestone(request, team_pk: int, milestone_pk: int):
    team = visible_team(request, team_pk)
    milestone = get_object_or_404(
        Milestone.objects.filter(cohort_id=team.cohort_id), pk=milestone_pk
    )
    return team, milestone


@login_required
def deliverable_detail(request, team_pk: int, milestone_pk: int):
    team, milestone = _team_milestone(request, team_pk, milestone_pk)
    versions = list(
        DeliverableVersion.objects.filter(deliverable__team=team, deliverable__milestone=milestone)
        .select_related("submitted_by")
        .prefetch_related("files", "comments__author")
    )
    extension, deadline = selectors.team_deadline(team, milestone)
    is_open = timezone.now() <= deadline
    user = request.user
    return render(
        request,
        "cohorts/deliverable_detail.html",
        {
            "team": team,
            "milestone": milestone,
            "versions": versions,
            "extension": extension,
            "deadline": deadline,
            "is_open": is_open,
            "can_submit": is_open and user.has_perm("cohorts.work_on_team", team),
            "can_comment": user.has_perm("cohorts.comment_deliverable", team),
            "can_extend": user.has_perm("cohorts.grant_extension", team),
            "form": forms.DeliverableForm(),
            "comment_form": forms.CommentForm(),
            "extension_form": forms.ExtensionForm(),
        },
    )


@login_required
@require_POST
def deliverable_submit(request, team_pk: int, milestone_pk: int):
    team, milestone = _team_milestone(request, team_pk, milestone_pk)
    if not request.user.has_perm("cohorts.work_on_team", team):
        raise PermissionDenied
    back = reverse("cohorts:deliverable_detail", args=[team.pk, milestone.pk])
    form = forms.DeliverableForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        version = services.deliverable_submit(
            team=team,
            milestone=milestone,
            actor=request.user,
            note=form.cleaned_data["note"],
            links=services.clean_links(form.cleaned_data["links"]),
            files=form.cleaned_data["files"],
        )
    except DomainError as exc:
        return refused(request, exc, back)
    messages.success(request, _("Version %(n)d has been handed in.") % {"n": version.number})
    return redirect(back)


@login_required
@require_POST
def version_comment(request, pk: int):
    version = get_object_or_404(
        selectors.deliverable_versions_visible_to(request.user).select_related(
            "deliverable__team__cohort__programme", "deliverable__team__challenge"
        ),
        pk=pk,
    )
    team = version.deliverable.team
    if not request.user.has_perm("cohorts.comment_deliverable", team):
        raise PermissionDenied
    back = reverse("cohorts:deliverable_detail", args=[team.pk, version.deliverable.milestone_id])
    form = forms.CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Write a comment."))
        services.version_comment_add(
            version=version, actor=request.user, text=form.cleaned_data["text"]
        )
    except DomainError as exc:
        return refused(request, exc, back)
    messages.success(request, _("Your comment has been added."))
    return redirect(back)


@login_required
@require_POST
def extension_grant(request, team_pk: int, milestone_pk: int):
    team, milestone = _team_milestone(request, team_pk, milestone_pk)
    if not request.user.has_perm("cohorts.grant_extension", team):
        raise PermissionDenied
    back = reverse("cohorts:deliverable_detail", args=[team.pk, milestone.pk])
    form = forms.ExtensionForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Give the new deadline."))
        services.extension_grant(
            team=team,
            milestone=milestone,
            actor=request.user,
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        return refused(request, exc, back)
    messages.success(request, _("The deadline has been extended for this team."))
    return redirect(back)


def _serve(stored):
    return serve_stored_file(
        stored.path, filename=stored.original_name, content_type=stored.content_type
    )


@login_required
def deliverable_file(request, pk: int):
    stored = get_object_or_404(
        DeliverableFile.objects.filter(
            version__deliverable__team__in=selectors.teams_visible_to(request.user)
        ),
        pk=pk,
    )
    return _serve(stored)


@login_required
def scenario_file(request, pk: int):
    stored = get_object_or_404(
        ScenarioFile.objects.filter(scenario__in=selectors.scenarios_visible_to(request.user)),
        pk=pk,
    )
    return _serve(stored)
