"""Teams: the list, a proposal of mixed teams, a team's page, its members, status,
challenge and coaches."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from challenges.models import Challenge
from cohorts import forms, selectors, services
from cohorts.composition import check_members, team_composition
from cohorts.formats import Feature
from cohorts.models import CoachAssignment, Cohort, KickoffScenario, Team, TeamMember
from cohorts.proposal import Candidate, propose
from cohorts.views.common import (
    managed_cohort,
    managed_team,
    page_of,
    posted_pk,
    refused,
    visible_team,
)
from curiouslab.accounts.models import Membership, User
from curiouslab.errors import DomainError
from curiouslab.panels import render_panels


@login_required
def team_list(request, cohort_pk: int):
    cohort = managed_cohort(request, cohort_pk)
    show = request.GET.get("show", "")
    if show not in selectors.TEAM_FILTERS:
        show = ""
    teams = selectors.cohort_teams(cohort, show)
    page = page_of(request, teams)
    for team in page:
        team.cohort = cohort
        team.composition = team_composition(team)
    return render(
        request,
        "cohorts/team_list.html",
        {
            "cohort": cohort,
            "page": page,
            "show": show,
            "query": f"show={show}" if show else "",
            "unassigned": selectors.unassigned_students(cohort).count(),
            "form": forms.TeamCreateForm(),
        },
    )


@login_required
@require_POST
def team_create(request, cohort_pk: int):
    cohort = managed_cohort(request, cohort_pk)
    form = forms.TeamCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the team a name."))
        return redirect("cohorts:team_list", cohort_pk=cohort.pk)
    try:
        team = services.team_create(
            cohort=cohort, actor=request.user, name=form.cleaned_data["name"], members=[]
        )
    except DomainError as exc:
        return refused(request, exc, reverse("cohorts:team_list", args=[cohort.pk]))
    messages.success(request, _("The team has been created: add its members."))
    return redirect("cohorts:team_detail", pk=team.pk)


def _proposal_context(cohort: Cohort, students: list[Membership], assignment: dict[int, int]):
    """Group the students by proposed team number and check each group's composition."""
    groups: dict[int, list[Membership]] = defaultdict(list)
    for m in students:
        groups[assignment.get(m.user_id, 0)].append(m)
    result = []
    for number in sorted(k for k in groups if k):
        members = groups[number]
        result.append(
            {
                "number": number,
                "members": members,
                "composition": check_members(
                    programme=cohort.programme,
                    members=[(m.organisation_id, m.discipline) for m in members],
                ),
            }
        )
    return result, groups.get(0, [])


def _proposed_names(cohort: Cohort, count: int) -> dict[int, str]:
    """« Équipe n » for each proposed team, skipping the names the cohort already has."""
    existing = set(Team.objects.filter(cohort=cohort).values_list("name", flat=True))
    names, n = {}, 1
    for number in range(1, count + 1):
        while _("Team %(n)d") % {"n": n} in existing:
            n += 1
        names[number] = _("Team %(n)d") % {"n": n}
        n += 1
    return names


def _formset_errors(*formsets) -> list[str]:
    errors = []
    for formset in formsets:
        errors.extend(formset.non_form_errors())
        for form_errors in formset.errors:
            for field_errors in form_errors.values():
                errors.extend(field_errors)
    return list(dict.fromkeys(errors))


@login_required
def team_propose(request, cohort_pk: int):
    """A proposal of mixed teams for every unassigned student, shown as an editable form (one
    formset for the students' team numbers, one for the teams' names): nothing is saved until
    the coordinator confirms."""
    cohort = managed_cohort(request, cohort_pk, feature=Feature.SCHOOLS)
    p = cohort.programme
    students = list(selectors.unassigned_students(cohort))
    errors: list[str] = []
    if request.method == "POST":
        placed, named = forms.proposal_formsets(students, data=request.POST)
        valid = placed.is_valid() & named.is_valid()  # both checked, every error shown
        errors = _formset_errors(placed, named)
        assignment, names = placed.assignment(), named.names()
        count = max(assignment.values(), default=0)
        if valid and request.POST.get("save"):
            by_user = {m.user_id: m.user for m in students}
            groups = [
                (
                    names.get(n) or _("Team %(n)d") % {"n": n},
                    [by_user[u] for u, t in assignment.items() if t == n],
                )
                for n in range(1, count + 1)
            ]
            try:
                teams = services.teams_create_from_proposal(
                    cohort=cohort, actor=request.user, groups=groups
                )
            except DomainError as exc:
                errors.append(exc.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d team has been created.", "%(n)d teams have been created.", len(teams)
                    )
                    % {"n": len(teams)},
                )
                return redirect("cohorts:team_list", cohort_pk=cohort.pk)
        names = {**_proposed_names(cohort, count), **{n: v for n, v in names.items() if v}}
        names = {n: names[n] for n in range(1, count + 1)}
    else:
        proposal = propose(
            [Candidate(m.user_id, m.organisation_id, m.discipline) for m in students],
            min_size=p.team_min_size,
            max_size=p.team_max_size,
        )
        assignment = {c.user_id: i + 1 for i, team in enumerate(proposal) for c in team}
        count = len(proposal)
        names = _proposed_names(cohort, count)
    placed, named = forms.proposal_formsets(students, assignment=assignment, names=names)
    numbers = list(range(0, min(max(count, 1) + 1, len(students)) + 1))
    placed.offer(numbers)
    for m, form in zip(students, placed.forms, strict=True):
        m.form = form
    groups, left_out = _proposal_context(cohort, students, assignment)
    for g in groups:
        g["name_field"] = named.forms[g["number"] - 1]["name"]
    return render(
        request,
        "cohorts/team_propose.html",
        {
            "cohort": cohort,
            "groups": groups,
            "left_out": left_out,
            "numbers": numbers,
            "placed": placed,
            "named": named,
            "errors": errors,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def team_detail(request, pk: int):
    team = visible_team(request, pk)
    cohort = team.cohort
    members = list(team.members.select_related("user", "school").order_by("user__last_name"))
    team._member_ids = {m.user_id for m in members}
    composition = check_members(
        programme=cohort.programme, members=[(m.school_id, m.discipline) for m in members]
    )
    milestones = list(cohort.milestones.all())
    rows = selectors.team_milestone_rows(team, milestones)
    manages = request.user.has_perm("cohorts.manage_team", team)
    context = {
        "team": team,
        "cohort": cohort,
        "members": members,
        "composition": composition,
        "milestone_rows": rows,
        "calendar": selectors.cohort_calendar(cohort, milestones),
        "coaches": list(
            CoachAssignment.objects.filter(team=team).select_related("coach").order_by("id")
        ),
        "scenarios": list(
            KickoffScenario.objects.filter(team=team)
            .select_related("challenge")
            .prefetch_related("files")
        ),
        "manages": manages,
        "is_member": request.user.has_perm("cohorts.work_on_team", team),
        "can_change_members": request.user.has_perm("cohorts.change_team_members", team),
        "can_confirm": request.user.has_perm("cohorts.confirm_team", team),
        "can_reopen": request.user.has_perm("cohorts.reopen_team", team),
        "can_assign_challenge": request.user.has_perm("cohorts.assign_team_challenge", team),
        "panels": render_panels("cohorts.team", request, team),
    }
    if manages:
        context["member_form"] = forms.MemberAddForm(
            students=selectors.unassigned_students(cohort)[:500]
        )
        context["challenge_form"] = forms.ChallengeAssignForm(
            challenges=Challenge.objects.filter(cohort=cohort).select_related("municipality"),
            initial={"challenge": team.challenge_id},
        )
        context["coach_form"] = forms.CoachAssignForm(
            coaches=selectors.coaches_of_programme(cohort.programme)
        )
    return render(request, "cohorts/team_detail.html", context)


@login_required
@require_POST
def team_member_add(request, pk: int):
    team = managed_team(request, pk)
    user = User.objects.filter(pk=posted_pk(request.POST.get("membership"))).first()
    try:
        if user is None:
            raise DomainError(_("Choose a student."))
        services.team_member_add(team=team, actor=request.user, user=user)
    except DomainError as exc:
        return refused(request, exc, reverse("cohorts:team_detail", args=[team.pk]))
    messages.success(request, _("%(name)s has joined the team.") % {"name": user})
    return redirect("cohorts:team_detail", pk=team.pk)


@login_required
@require_POST
def team_member_remove(request, pk: int, member_pk: int):
    team = managed_team(request, pk)
    member = get_object_or_404(TeamMember.objects.filter(team=team), pk=member_pk)
    try:
        services.team_member_remove(team=team, actor=request.user, member=member)
    except DomainError as exc:
        return refused(request, exc, reverse("cohorts:team_detail", args=[team.pk]))
    messages.success(request, _("The student has left the team."))
    return redirect("cohorts:team_detail", pk=team.pk)


@login_required
@require_POST
def team_status(request, pk: int):
    team = managed_team(request, pk)
    status = request.POST.get("status")
    try:
        if status not in Team.Status.values:
            raise DomainError(_("Unknown team status."))
        services.team_set_status(team=team, actor=request.user, status=status)
    except DomainError as exc:
        return refused(request, exc, reverse("cohorts:team_detail", args=[team.pk]))
    messages.success(
        request,
        _("The team is confirmed.")
        if status == Team.Status.CONFIRMED
        else _("The team is open to changes again."),
    )
    return redirect("cohorts:team_detail", pk=team.pk)


@login_required
@require_POST
def team_challenge(request, pk: int):
    team = managed_team(request, pk)
    raw = request.POST.get("challenge") or ""
    challenge = None
    if raw:
        challenge = Challenge.objects.filter(cohort_id=team.cohort_id, pk=posted_pk(raw)).first()
    try:
        if raw and challenge is None:
            raise DomainError(_("This challenge is not in the team's cohort."))
        services.team_assign_challenge(team=team, actor=request.user, challenge=challenge)
    except DomainError as exc:
        return refused(request, exc, reverse("cohorts:team_detail", args=[team.pk]))
    messages.success(request, _("The team's challenge has been saved."))
    return redirect("cohorts:team_detail", pk=team.pk)


@login_required
@require_POST
def team_coach(request, pk: int):
    team = managed_team(request, pk)
    coach = User.objects.filter(pk=posted_pk(request.POST.get("coach"))).first()
    try:
        if coach is None:
            raise DomainError(_("Choose a coach."))
        services.coach_assign(team=team, actor=request.user, coach=coach)
    except DomainError as exc:
        return refused(request, exc, reverse("cohorts:team_detail", args=[team.pk]))
    messages.success(request, _("%(name)s now follows the team.") % {"name": coach})
    return redirect("cohorts:team_detail", pk=team.pk)


@login_required
def my_teams(request):
    """The teams a person follows: their own (student), their school's (referent), their
    challenges' (municipality), assigned (coach), their programme's (coordinator)."""
    teams = (
        selectors.teams_visible_to(request.user)
        .select_related("cohort", "challenge__municipality")
        .annotate(size=Count("members", distinct=True))
        .order_by("-cohort__year", "name")
    )
    return render(request, "cohorts/my_teams.html", {"page": page_of(request, teams)})
