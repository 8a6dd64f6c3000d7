"""Cohort assembly: the challenges a coordinator takes into a cohort."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from challenges.models import Challenge, ChallengeStatus
from cohorts import selectors, services
from cohorts.views.common import managed_cohort, page_of, refused
from curiouslab.errors import DomainError


@login_required
def cohort_challenges(request, pk: int):
    cohort = managed_cohort(request, pk)
    status = request.GET.get("status", "")
    if status not in selectors.CHALLENGE_FILTERS:
        status = ""
    page = page_of(request, selectors.cohort_challenges(cohort, status))
    for c in page:  # what cohort_challenge_add accepts
        c.can_enter = c.cohort_id is None and c.status == ChallengeStatus.ACCEPTED
    return render(
        request,
        "cohorts/cohort_challenges.html",
        {
            "cohort": cohort,
            "page": page,
            "status": status,
            "query": f"status={status}" if status else "",
            "before_kickoff": timezone.localdate() < cohort.kickoff,
        },
    )


@login_required
@require_POST
def cohort_challenge_toggle(request, pk: int, challenge_pk: int):
    cohort = managed_cohort(request, pk)
    challenge = get_object_or_404(
        Challenge.objects.filter(programme_id=cohort.programme_id), pk=challenge_pk
    )
    back = reverse("cohorts:cohort_challenges", args=[cohort.pk])
    try:
        if request.POST.get("action") == "remove":
            services.cohort_challenge_remove(cohort=cohort, challenge=challenge, actor=request.user)
            messages.success(request, _("The challenge has been taken out of the selection."))
        else:
            services.cohort_challenge_add(cohort=cohort, challenge=challenge, actor=request.user)
            messages.success(request, _("The challenge is now in the selection."))
    except DomainError as exc:
        return refused(request, exc, back)
    return redirect(back)
