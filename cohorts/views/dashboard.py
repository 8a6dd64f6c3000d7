"""The cohort dashboard, the lists behind its figures, and its export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts import exports, selectors
from cohorts.charts import bar_chart, stacked_bar_chart
from cohorts.models import Milestone
from cohorts.views.common import managed_cohort, page_of, require_role
from curiouslab.accounts.models import Role
from curiouslab.downloads import serve_bytes
from curiouslab.panels import render_panels


def _state_url(milestone, state: str) -> str:
    return f"{reverse('cohorts:milestone_status', args=[milestone.pk])}?state={state}"


@login_required
def dashboard(request, pk: int):
    cohort = managed_cohort(request, pk)
    data = selectors.dashboard_data(cohort)
    base = reverse("cohorts:cohort_challenges", args=[cohort.pk])
    funnel = data["funnel"]
    funnel_chart = bar_chart(
        [
            (_("Submitted"), funnel["submitted"], f"{base}?status=submitted"),
            (_("Accepted"), funnel["accepted"], f"{base}?status=accepted"),
            (_("In the selection"), funnel["in_cohort"], f"{base}?status=in"),
            (_("With a selected team"), funnel["selected"], f"{base}?status=selected"),
        ]
    )
    deliverables_chart = stacked_bar_chart(
        [
            (
                m.name,
                [
                    (state, label, getattr(m, state), _state_url(m, state))
                    for state, label in (
                        ("on_time", _("On time")),
                        ("late", _("Late")),
                        ("missing", _("Missing")),
                        ("pending", _("Not yet due")),
                    )
                ],
            )
            for m in data["milestones"]
        ]
    )
    today = timezone.localdate()
    calendar = selectors.cohort_calendar(cohort, data["milestones"])
    upcoming = [i for i in calendar if i["date"] >= today][:6]
    return render(
        request,
        "cohorts/dashboard.html",
        {
            "cohort": cohort,
            **data,
            "funnel_chart": funnel_chart,
            "deliverables_chart": deliverables_chart,
            "upcoming": upcoming,
            "panels": render_panels("cohorts.dashboard", request, cohort),
        },
    )


@login_required
def milestone_status(request, pk: int):
    """The list behind a dashboard figure: the teams of a milestone in one state."""
    require_role(request, Role.COORDINATOR)
    milestone = get_object_or_404(
        Milestone.objects.filter(
            cohort__in=selectors.cohorts_managed_by(request.user)
        ).select_related("cohort__programme"),
        pk=pk,
    )
    state = request.GET.get("state", "")
    if state not in selectors.MILESTONE_STATES:
        state = ""
    teams = selectors.milestone_teams(milestone, state)
    return render(
        request,
        "cohorts/milestone_status.html",
        {
            "milestone": milestone,
            "cohort": milestone.cohort,
            "page": page_of(request, teams),
            "state": state,
            "query": f"state={state}" if state else "",
            "past": milestone.deadline < timezone.now(),
        },
    )


@login_required
def dashboard_export(request, pk: int, fmt: str):
    cohort = managed_cohort(request, pk)
    if fmt == "csv":
        content, content_type = exports.teams_csv(cohort), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        content, content_type = exports.teams_xlsx(cohort), exports.XLSX_TYPE
    else:
        raise Http404
    return serve_bytes(
        content, filename=exports.export_filename(cohort, fmt), content_type=content_type
    )
