"""Kickoff: the teams' scenarios for their challenge, and the municipality's selection."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts import forms, selectors, services
from cohorts.models import KickoffScenario
from cohorts.views.common import page_of, refused, visible_team
from curiouslab.errors import DomainError
from curiouslab.french import de


@login_required
def scenario_edit(request, team_pk: int, pk: int | None = None):
    """A new possible for the team's challenge, or (``pk``) one of its possibles updated."""
    team = visible_team(request, team_pk)
    if not request.user.has_perm("cohorts.work_on_team", team):
        raise PermissionDenied
    scenario = None
    if pk is not None:
        scenario = get_object_or_404(
            KickoffScenario.objects.filter(team=team, challenge_id=team.challenge_id), pk=pk
        )
    form = forms.ScenarioForm(
        request.POST or None,
        request.FILES or None,
        initial={"title": scenario.title, "text": scenario.text} if scenario else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_save(
                team=team,
                actor=request.user,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                scenario=scenario,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your scenario has been saved."))
            return redirect("cohorts:team_detail", pk=team.pk)
    return render(
        request,
        "cohorts/scenario_form.html",
        {"form": form, "team": team, "scenario": scenario},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def challenge_scenarios(request, challenge_pk: int):
    """The scenarios of a challenge side by side, each team's possibles on one row, for its
    municipality to select the most relevant ones."""
    challenge = get_object_or_404(
        selectors.challenges_with_scenarios_for(request.user), pk=challenge_pk
    )
    teams = selectors.teams_with_possibles(challenge)
    return render(
        request,
        "cohorts/challenge_scenarios.html",
        {
            "challenge": challenge,
            "page": page_of(request, teams, 12),
            "can_select": request.user.has_perm("cohorts.select_scenario", challenge),
        },
    )


@login_required
@require_POST
def scenario_select(request, pk: int):
    scenario = get_object_or_404(
        selectors.scenarios_visible_to(request.user).select_related("challenge"), pk=pk
    )
    if not request.user.has_perm("cohorts.select_scenario", scenario):
        raise PermissionDenied
    back = reverse("cohorts:challenge_scenarios", args=[scenario.challenge_id])
    try:
        services.scenario_select(scenario=scenario, actor=request.user)
    except DomainError as exc:
        return refused(request, exc, back)
    messages.success(
        request,
        _("You selected the scenario of %(team)s: the team will develop it this year.")
        % {"team": de(scenario.team)},
    )
    return redirect(back)
