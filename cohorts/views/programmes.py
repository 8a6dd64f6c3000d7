"""Programmes and cohorts: the list, a programme's rules, a cohort's dates, its calendar,
its milestones and its copy to the next year."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cohorts import forms, selectors, services
from cohorts.formats import FORMATS, terms_of
from cohorts.models import Milestone, SchoolEnrolment
from cohorts.views.common import managed_cohort, page_of, refused, require_role
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from curiouslab.errors import DomainError


@login_required
def cohort_list(request):
    user = request.user
    cohorts = (
        selectors.cohorts_visible_to(user)
        .annotate(team_total=Count("teams", distinct=True))
        .order_by("-year", "name", "pk")
    )
    programmes = list(selectors.programmes_coordinated_by(user))
    formats = {p.format for p in programmes}
    formats.update(cohorts.values_list("programme__format", flat=True).distinct().order_by())
    return render(
        request,
        "cohorts/cohort_list.html",
        {
            "page": page_of(request, cohorts),
            "programmes": programmes,
            "joinable": selectors.joinable_cohorts(user),
            "terms": terms_of(formats),
        },
    )


@login_required
def programme_edit(request, pk: int):
    require_role(request, Role.COORDINATOR)
    programme = get_object_or_404(selectors.programmes_coordinated_by(request.user), pk=pk)
    form = forms.ProgrammeForm(request.POST or None, instance=programme)
    terms = programme.terms
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                programme=programme, actor=request.user, data=form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The programme's rules have been saved."))
            return redirect("cohorts:cohort_list")
    return render(
        request,
        "cohorts/programme_form.html",
        {"form": form, "programme": programme, "terms": terms},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def cohort_create(request, programme_pk: int):
    require_role(request, Role.COORDINATOR)
    programme = get_object_or_404(
        selectors.programmes_coordinated_by(request.user), pk=programme_pk
    )
    form = forms.CohortForm(request.POST or None, format_spec=programme.format_spec)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(
                programme=programme, actor=request.user, data=form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, programme.terms.cohort_created)
            return redirect("cohorts:cohort_detail", pk=cohort.pk)
    return render(
        request,
        "cohorts/cohort_form.html",
        {"form": form, "programme": programme, "terms": programme.terms},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def cohort_edit(request, pk: int):
    cohort = managed_cohort(request, pk)
    form = forms.CohortForm(request.POST or None, instance=cohort, format_spec=cohort.format_spec)
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(cohort=cohort, actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, cohort.terms.cohort_saved)
            return redirect("cohorts:cohort_detail", pk=cohort.pk)
    return render(
        request,
        "cohorts/cohort_form.html",
        {"form": form, "programme": cohort.programme, "cohort": cohort, "terms": cohort.terms},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def cohort_copy(request, pk: int):
    cohort = managed_cohort(request, pk)
    try:
        new = services.cohort_create_next(cohort=cohort, actor=request.user)
    except DomainError as exc:
        return refused(request, exc, reverse("cohorts:cohort_detail", args=[cohort.pk]))
    messages.success(
        request,
        _("“%(name)s” has been created from “%(source)s”.")
        % {"name": new.name, "source": cohort.name},
    )
    return redirect("cohorts:cohort_detail", pk=new.pk)


@login_required
def cohort_detail(request, pk: int):
    cohort = get_object_or_404(selectors.cohorts_visible_to(request.user), pk=pk)
    milestones = list(cohort.milestones.all())
    manages = request.user.has_perm("cohorts.manage_cohort", cohort)
    r = roles_for(request.user)
    my_enrolments = SchoolEnrolment.objects.filter(
        cohort=cohort, school_id__in=r.orgs(Role.SCHOOL_REFERENT)
    ).select_related("school")
    return render(
        request,
        "cohorts/cohort_detail.html",
        {
            "cohort": cohort,
            "milestones": milestones,
            "calendar": selectors.cohort_calendar(cohort, milestones),
            "manages": manages,
            "my_enrolments": my_enrolments,
            "my_teams": selectors.teams_visible_to(request.user).filter(cohort=cohort)[:50],
            "milestone_form": forms.MilestoneForm() if manages else None,
            "draft_sessions": list(cohort.draft_sessions.all()) if manages else [],
        },
    )


@login_required
@require_POST
def cohort_copied(request, pk: int):
    """Confirm or set aside what was copied from the previous cohort: ``confirm`` is
    ``rule``, ``all`` or a copied session's id; ``discard`` a copied session's id."""
    cohort = managed_cohort(request, pk)
    back = reverse("cohorts:cohort_detail", args=[cohort.pk])
    confirm, discard = request.POST.get("confirm", ""), request.POST.get("discard", "")
    drafts = cohort.draft_sessions.all()
    try:
        if confirm == "rule":
            rule = services.copied_rule_confirm(cohort=cohort, actor=request.user)
            messages.success(
                request, _("The attendance rule of %(rule)s %% applies.") % {"rule": rule}
            )
        elif confirm == "all":
            count = services.copied_sessions_confirm_all(cohort=cohort, actor=request.user)
            messages.success(
                request,
                ngettext(
                    "%(n)s session has been added to the calendar.",
                    "%(n)s sessions have been added to the calendar.",
                    count,
                )
                % {"n": count},
            )
        elif confirm.isdigit() and len(confirm) < 12:
            draft = get_object_or_404(drafts, pk=int(confirm))
            session = services.copied_session_confirm(draft=draft, actor=request.user)
            messages.success(
                request,
                _("The session “%(title)s” has been added to the calendar.")
                % {"title": session.title},
            )
        elif discard.isdigit() and len(discard) < 12:
            draft = get_object_or_404(drafts, pk=int(discard))
            services.copied_session_discard(draft=draft, actor=request.user)
            messages.success(
                request, _("The copied session “%(title)s” has been set aside.") % {"title": draft}
            )
        else:
            return HttpResponse(status=400)
    except DomainError as exc:
        return refused(request, exc, back)
    return redirect(back)


@login_required
def milestone_create(request, cohort_pk: int):
    cohort = managed_cohort(request, cohort_pk)
    form = forms.MilestoneForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        services.milestone_save(cohort=cohort, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("The milestone has been saved."))
        return redirect("cohorts:cohort_detail", pk=cohort.pk)
    return render(
        request,
        "cohorts/milestone_form.html",
        {"form": form, "cohort": cohort},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def milestone_edit(request, pk: int):
    require_role(request, Role.COORDINATOR)
    milestone = get_object_or_404(
        Milestone.objects.filter(
            cohort__in=selectors.cohorts_managed_by(request.user)
        ).select_related("cohort__programme"),
        pk=pk,
    )
    form = forms.MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        services.milestone_save(
            cohort=milestone.cohort,
            actor=request.user,
            data=form.cleaned_data,
            milestone=milestone,
        )
        messages.success(request, _("The milestone has been saved."))
        return redirect("cohorts:cohort_detail", pk=milestone.cohort_id)
    return render(
        request,
        "cohorts/milestone_form.html",
        {"form": form, "cohort": milestone.cohort, "milestone": milestone},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def programme_create(request):
    """A coordinator starts a programme: "New programme" on the cohorts page. First the
    format (the page lists them, each with what it is), then the programme's name and the
    rules that format uses. The creator's organisation coordinates it (a choice when they
    coordinate several)."""
    if not request.user.has_perm("cohorts.create_programme"):
        raise PermissionDenied
    spec = FORMATS.get(request.GET.get("format", ""))
    if spec is None:
        return render(
            request,
            "cohorts/programme_formats.html",
            {"formats": FORMATS.values(), "asked": "format" in request.GET},
            status=400 if request.GET.get("format") else 200,
        )
    form = forms.ProgrammeCreateForm(
        request.POST or None,
        organisations=selectors.coordinated_organisations(request.user),
        format_spec=spec,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_create(
                organisation=data["organisation"], actor=request.user, data=data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The programme “%(name)s” has been created. %(next)s")
                % {"name": programme.name, "next": programme.terms.add_first_cohort},
            )
            return redirect("cohorts:cohort_list")
    return render(
        request,
        "cohorts/programme_create.html",
        {"form": form, "format": spec},
        status=400 if request.method == "POST" else 200,
    )
