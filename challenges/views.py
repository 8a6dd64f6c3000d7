from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, QuerySet, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from challenges import exports, services
from challenges.diff import since_last_review
from challenges.forms import (
    AttachmentForm,
    ChallengeForm,
    CommentForm,
    MessageForm,
    OutcomeForm,
    QueueFilterForm,
)
from challenges.models import CONTENT_FIELDS, Challenge, ChallengeAttachment, ChallengeStatus
from challenges.selectors import (
    SEARCH_CAP,
    challenges_for_review,
    challenges_of_municipalities,
    challenges_visible_to,
    search,
    similar_challenges,
    similar_to_challenge,
)
from cohorts.models import Cohort
from curiouslab.accounts.models import Organisation, OrganisationKind, Role
from curiouslab.accounts.roles import roles_for
from curiouslab.downloads import serve_bytes, serve_stored_file
from curiouslab.errors import DomainError

PAGE_SIZE = 20


def _visible(request) -> QuerySet[Challenge]:
    return challenges_visible_to(request.user).select_related(
        "programme", "municipality", "call", "cohort", "created_by"
    )


def get_challenge(request, pk: int) -> Challenge:
    """The challenge if ``request.user`` may see it; 404 otherwise."""
    return get_object_or_404(_visible(request), pk=pk)


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


# --- The municipality's side ----------------------------------------------------------------


@login_required
def my_challenges(request):
    _require(request, "challenges.list_own")
    challenges = challenges_of_municipalities(request.user).order_by("-updated_at", "-id")
    page = Paginator(challenges, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "challenges/my_challenges.html", {"page": page})


def _form_options(user):
    municipalities = Organisation.objects.filter(
        id__in=roles_for(user).orgs(Role.MUNICIPAL_STAFF), kind=OrganisationKind.MUNICIPALITY
    ).order_by("name")
    territories = {m.territory_id for m in municipalities}
    calls = (
        Cohort.objects.taking_challenges()
        .filter(programme__organisation_id__in=territories)
        .select_related("programme")
        .order_by("year", "programme__name")
    )
    return municipalities, calls


@login_required
def challenge_create(request):
    _require(request, "challenges.create")
    municipalities, calls = _form_options(request.user)
    form = ChallengeForm(request.POST or None, municipalities=municipalities, calls=calls)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.challenge_create(
                actor=request.user,
                municipality=form.cleaned_data["municipality"],
                call=form.cleaned_data["call"],
                data=form.content(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _after_save(request, challenge)
    title, question = form.data.get("title", "")[:120], form.data.get("question", "")[:300]
    return render(
        request,
        "challenges/form.html",
        {
            "form": form,
            "challenge": None,
            "no_call": not calls,
            # A form sent back with errors still compares the text already written.
            "similar": similar_challenges(
                user=request.user,
                title=title,
                question=question,
                theme=form.data.get("theme", "")[:30],
            )
            if form.is_bound
            else [],
            "similar_searched": bool(title.strip() or question.strip()),
        },
        status=400 if request.method == "POST" else 200,
    )


def _after_save(request, challenge: Challenge):
    if "submit" in request.POST:
        try:
            services.challenge_submit(challenge=challenge, actor=request.user)
        except DomainError as exc:
            messages.warning(request, _("The draft has been saved.") + " " + exc.message)
            if exc.code == "incomplete":
                # The edit page marks each missing field.
                return redirect(reverse("challenges:edit", args=[challenge.pk]) + "?submit=1")
            return redirect("challenges:edit", pk=challenge.pk)
        messages.success(request, _("The challenge has been submitted to the coordinators."))
        return redirect("challenges:detail", pk=challenge.pk)
    if "resubmit" in request.POST:
        try:
            services.challenge_resubmit(challenge=challenge, actor=request.user)
        except DomainError as exc:
            messages.warning(request, _("The changes have been saved.") + " " + exc.message)
            if exc.code == "incomplete":
                return redirect(reverse("challenges:edit", args=[challenge.pk]) + "?submit=1")
            return redirect("challenges:edit", pk=challenge.pk)
        messages.success(request, _("The challenge has been resubmitted to the coordinators."))
        return redirect("challenges:detail", pk=challenge.pk)
    messages.success(request, _("The challenge has been saved."))
    return redirect("challenges:edit", pk=challenge.pk)


@login_required
def challenge_edit(request, pk: int):
    challenge = get_challenge(request, pk)
    _require(request, "challenges.change_challenge", challenge)
    form = ChallengeForm(request.POST or None, instance=challenge)
    if request.method == "GET" and request.GET.get("submit"):
        form.mark_missing_to_submit(challenge)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.challenge_update(
                challenge=challenge, actor=request.user, data=form.content()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _after_save(request, challenge)
    return render(
        request,
        "challenges/form.html",
        {
            "form": form,
            "challenge": challenge,
            "attachments": challenge.attachments.all(),
            "attachment_form": AttachmentForm(),
            "similar": similar_challenges(
                user=request.user,
                title=challenge.title,
                question=challenge.question,
                theme=challenge.theme,
                before_year=challenge.call.year if challenge.call else None,
                exclude_id=challenge.pk,
            ),
            "similar_searched": True,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def similar(request):
    """The similar past challenges for the text being written (an HTMX fragment)."""
    if not roles_for(request.user).has_any(Role.MUNICIPAL_STAFF, Role.COORDINATOR):
        raise PermissionDenied
    year = request.GET.get("year", "")
    title = request.GET.get("title", "")[:120]
    question = request.GET.get("question", "")[:300]
    results = similar_challenges(
        user=request.user,
        title=title,
        question=question,
        theme=request.GET.get("theme", "")[:30],
        before_year=int(year) if year.isdigit() and len(year) <= 4 else None,
    )
    return render(
        request,
        "challenges/partials/similar.html",
        {"similar": results, "similar_searched": bool(title.strip() or question.strip())},
    )


# --- One challenge --------------------------------------------------------------------------


@login_required
def challenge_detail(request, pk: int):
    challenge = get_challenge(request, pk)
    user = request.user
    transitions = list(challenge.transitions.select_related("actor"))
    can_see_diff = user.has_perm("challenges.see_review_diff", challenge)
    context = {
        "challenge": challenge,
        "fields": [
            (Challenge._meta.get_field(name).verbose_name, getattr(challenge, name))
            for name in CONTENT_FIELDS
            if name not in ("title", "question", "theme")
        ],
        "transitions": transitions,
        "comments": challenge.comments.select_related("author"),
        "attachments": challenge.attachments.all(),
        "version_count": challenge.versions.count(),
        "diff": since_last_review(challenge, transitions) if can_see_diff else [],
        "can_see_diff": can_see_diff,
        "similar": similar_to_challenge(user=user, challenge=challenge),
        "similar_searched": True,
        "scenario_count": _scenario_count(user, challenge),
        "message_form": MessageForm(),
        "comment_form": CommentForm(),
        "outcome_form": OutcomeForm(
            initial={"outcome_status": challenge.outcome_status, "outcome": challenge.outcome}
        ),
    }
    return render(request, "challenges/detail.html", context)


def _scenario_count(user, challenge: Challenge) -> int | None:
    """How many kickoff scenarios the teams put forward, for the challenge's municipality and
    its programme's coordinators (who reach them from here); None for everyone else."""
    if challenge.cohort_id is None:
        return None
    r = roles_for(user)
    if challenge.municipality_id not in r.orgs(
        Role.MUNICIPAL_STAFF
    ) and challenge.programme.organisation_id not in r.orgs(Role.COORDINATOR):
        return None
    return challenge.scenarios.count()


TRANSITIONS = {
    # action: (permission, service, success message)
    "submit": (
        "challenges.submit_challenge",
        services.challenge_submit,
        gettext_lazy("The challenge has been submitted to the coordinators."),
    ),
    "resubmit": (
        "challenges.resubmit_challenge",
        services.challenge_resubmit,
        gettext_lazy("The challenge has been submitted again."),
    ),
    "withdraw": (
        "challenges.withdraw_challenge",
        services.challenge_withdraw,
        gettext_lazy("The challenge has been withdrawn."),
    ),
    "request_changes": (
        "challenges.request_changes",
        services.challenge_request_changes,
        gettext_lazy("Changes have been requested from the municipality."),
    ),
    "accept": (
        "challenges.accept_challenge",
        services.challenge_accept,
        gettext_lazy("The challenge has been accepted."),
    ),
    "decline": (
        "challenges.decline_challenge",
        services.challenge_decline,
        gettext_lazy("The challenge has been declined."),
    ),
}


@login_required
@require_POST
def challenge_transition(request, pk: int, action: str):
    if action not in TRANSITIONS:
        raise Http404
    challenge = get_challenge(request, pk)
    perm, service, success = TRANSITIONS[action]
    is_coordinator_action = action in {"request_changes", "accept", "decline"}
    role_perm = "challenges.review" if is_coordinator_action else "challenges.list_own"
    _require(request, role_perm)
    kwargs = {"challenge": challenge, "actor": request.user}
    if action != "submit":
        form = MessageForm(request.POST)
        kwargs["message"] = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        service(**kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("challenges:detail", pk=challenge.pk)


@login_required
@require_POST
def comment_add(request, pk: int):
    challenge = get_challenge(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The comment is empty or too long."))
        return redirect("challenges:detail", pk=challenge.pk)
    try:
        services.challenge_comment_add(
            challenge=challenge, actor=request.user, body=form.cleaned_data["body"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your comment has been posted."))
    return redirect(reverse("challenges:detail", kwargs={"pk": challenge.pk}) + "#comments")


@login_required
@require_POST
def outcome_record(request, pk: int):
    challenge = get_challenge(request, pk)
    _require(request, "challenges.record_outcome", challenge)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.challenge_record_outcome(
                challenge=challenge,
                actor=request.user,
                outcome_status=form.cleaned_data["outcome_status"],
                outcome=form.cleaned_data["outcome"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("What became of the challenge has been recorded."))
    else:
        messages.error(request, _("Choose what became of the challenge."))
    return redirect("challenges:detail", pk=challenge.pk)


# --- Attachments ----------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request, pk: int):
    challenge = get_challenge(request, pk)
    _require(request, "challenges.change_challenge", challenge)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            services.attachment_add(
                challenge=challenge, actor=request.user, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The file has been attached."))
    return redirect(reverse("challenges:edit", kwargs={"pk": challenge.pk}) + "#attachments")


def _get_attachment(request, pk: int) -> ChallengeAttachment:
    return get_object_or_404(
        ChallengeAttachment.objects.filter(
            challenge__in=challenges_visible_to(request.user)
        ).select_related("challenge", "challenge__programme"),
        pk=pk,
    )


@login_required
@require_GET
def attachment_download(request, pk: int):
    """The file, only through this view: same visibility as the challenge, always as a
    download, with the type detected at upload and no sniffing."""
    attachment = _get_attachment(request, pk)
    return serve_stored_file(
        attachment.file.name,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        inline=False,
    )


@login_required
@require_POST
def attachment_delete(request, pk: int):
    attachment = _get_attachment(request, pk)
    _require(request, "challenges.change_challenge", attachment.challenge)
    try:
        services.attachment_delete(attachment=attachment, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The file has been removed."))
    return redirect(
        reverse("challenges:edit", kwargs={"pk": attachment.challenge_id}) + "#attachments"
    )


# --- The coordinators' side -----------------------------------------------------------------


TO_REVIEW = (ChallengeStatus.SUBMITTED, ChallengeStatus.RESUBMITTED)


def _queue(request) -> tuple[QueueFilterForm, QuerySet[Challenge]]:
    coord_orgs = roles_for(request.user).orgs(Role.COORDINATOR)
    form = QueueFilterForm(
        request.GET or None,
        municipalities=Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPALITY, territory_id__in=coord_orgs
        ).order_by("name"),
        years=Cohort.objects.filter(programme__organisation_id__in=coord_orgs)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct(),
    )
    challenges = challenges_for_review(request.user).order_by("-submitted_at", "-id")
    if form.is_bound and not form.is_valid():
        # A filter value that is not on offer (a year without cohort…) matches nothing.
        return form, challenges.none()
    status = form.cleaned_data["status"] if form.is_bound else QueueFilterForm.TO_REVIEW
    if status == QueueFilterForm.TO_REVIEW:
        challenges = challenges.filter(status__in=TO_REVIEW)
    elif status == QueueFilterForm.ALL:
        # What needs action first, then the others, each newest first.
        challenges = challenges.annotate(
            needs_action=Case(When(status__in=TO_REVIEW, then=0), default=1)
        ).order_by("needs_action", "-submitted_at", "-id")
    else:
        challenges = challenges.filter(status=status)
    if form.is_bound:
        data = form.cleaned_data
        if data["theme"]:
            challenges = challenges.filter(theme=data["theme"])
        if data["municipality"]:
            challenges = challenges.filter(municipality=data["municipality"])
        if data["year"]:
            challenges = challenges.filter(call__year=data["year"])
        challenges = search(challenges, data["q"])
    return form, challenges


@login_required
def review_queue(request):
    _require(request, "challenges.review")
    form, challenges = _queue(request)
    page = Paginator(challenges, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v], doseq=False)
    return render(
        request,
        "challenges/review_queue.html",
        {
            "form": form,
            "page": page,
            "rows": [(c, exports.page_row(c)) for c in page],
            "columns": exports.COLUMNS,
            "query": query,
            "showing_all": form.is_bound
            and form.is_valid()
            and form.cleaned_data["status"] == QueueFilterForm.ALL,
            "capped": settings.USING_POSTGRESQL
            and form.is_bound
            and bool(form.data.get("q"))
            and page.paginator.count >= SEARCH_CAP,
            "search_cap": SEARCH_CAP,
        },
    )


EXPORT_LIMIT = 10_000


@login_required
@require_GET
def review_export(request, fmt: str):
    _require(request, "challenges.review")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, challenges = _queue(request)
    rows = challenges[:EXPORT_LIMIT]
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        content, content_type = exports.to_csv(rows), "text/csv; charset=utf-8"
    else:
        content = exports.to_xlsx(rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return serve_bytes(content, filename=f"challenges-{stamp}.{fmt}", content_type=content_type)
