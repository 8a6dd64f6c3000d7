"""Jury views: set-up and the voting window for the coordinator, the mobile scoring sheet
for jurors, the live view for the chair, the results with their arithmetic, the
procès-verbal, and the audience vote."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from cohorts.selectors import cohorts_managed_by
from curiouslab.downloads import serve_stored_file
from curiouslab.errors import DomainError
from curiouslab.qr import qr_svg
from curiouslab.site import absolute_url
from trophies import services
from trophies.forms import (
    AudienceVoteForm,
    CategoryForm,
    ConflictForm,
    CriterionForm,
    FinalistForm,
    JurorForm,
    JuryForm,
    sheet_marks_from_post,
)
from trophies.jury_report import render_report
from trophies.jury_results import (
    sheet_arithmetic,
    stored_decisions,
    stored_results,
    unattainable_categories,
)
from trophies.models import AudienceVote, AwardCategory, Criterion, Finalist, JuryMember, JuryStatus
from trophies.rules import jury_in_setup, jury_open
from trophies.selectors import (
    SheetRow,
    audience_ballot,
    exclusions_for,
    finalist_deliverables,
    finalist_files,
    finalists_of,
    juries_chaired_by,
    juries_managed_by,
    juries_of_juror,
    live_progress,
    scoring_seat,
    seats_of_juror,
    sheet_for,
    teams_for_finalists,
)

PAGE_SIZE = 20


def _juries_taking_part(user):
    """Juries the user manages, sits on or chairs."""
    return (juries_managed_by(user) | juries_of_juror(user) | juries_chaired_by(user)).distinct()


def _managed(request, pk: int):
    return get_object_or_404(juries_managed_by(request.user), pk=pk)


def _done(request, jury, message: str | None = None, anchor: str = ""):
    if message:
        messages.success(request, message)
    return redirect(reverse("trophies:jury_detail", args=[jury.pk]) + anchor)


@login_required
def jury_list(request):
    user = request.user
    if not user.has_perm("trophies.list_juries"):
        raise PermissionDenied
    services.jury_members_link(user=user)
    managed = juries_managed_by(user).annotate(
        n_members=Count("members", distinct=True), n_finalists=Count("finalists", distinct=True)
    )
    page = Paginator(managed.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    seats = list(juries_of_juror(user).order_by("-created_at")[:20])
    for seat in seats:
        seat._member_user_ids = {user.pk}  # listed because the user sits on it
        seat.can_see_results = user.has_perm("trophies.view_results", seat)
    return render(
        request,
        "trophies/jury/list.html",
        {"page": page, "seats": seats, "can_add": user.has_perm("trophies.add_jury")},
    )


@login_required
def jury_create(request):
    if not request.user.has_perm("trophies.add_jury"):
        raise PermissionDenied
    cohorts = cohorts_managed_by(request.user)
    form = JuryForm(
        request.POST or None,
        cohorts=cohorts,
        initial={"scale_min": 0, "scale_max": 5, "tie_break_1": "first_criterion"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            jury = services.jury_create(
                cohort=form.cleaned_data["cohort"], actor=request.user, settings=form.settings()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The jury has been created."))
            return redirect("trophies:jury_detail", pk=jury.pk)
    return render(
        request,
        "trophies/jury/form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def jury_detail(request, pk: int):
    jury = _managed(request, pk)
    members = list(jury.members.select_related("user"))
    finalists = finalists_of(jury)
    excl = exclusions_for(jury, members=members, finalists=finalists)
    by_member = {m.id: m for m in members}
    by_finalist = {f.id: f for f in finalists}
    excluded = [
        (by_member[mid], by_finalist[fid], reasons) for (mid, fid), reasons in sorted(excl.items())
    ]
    context = {
        "jury": jury,
        "members": members,
        "finalists": finalists,
        "criteria": list(jury.criteria.all()),
        "categories": list(jury.categories.select_related("criterion")),
        "excluded": excluded,
        "can_change": request.user.has_perm("trophies.change_jury", jury),
        "can_open": request.user.has_perm("trophies.open_jury", jury),
        "can_close": request.user.has_perm("trophies.close_jury", jury),
        "juror_form": JurorForm(),
        "finalist_form": FinalistForm(teams=teams_for_finalists(jury)),
        "category_form": CategoryForm(jury=jury),
        "unattainable": _unattainable(jury) if jury.is_open else [],
    }
    return render(request, "trophies/jury/detail.html", context)


@login_required
def jury_edit(request, pk: int):
    jury = _managed(request, pk)
    if not request.user.has_perm("trophies.change_jury", jury):
        messages.error(request, _("The jury can only be changed before voting opens."))
        return redirect("trophies:jury_detail", pk=jury.pk)
    form = JuryForm(request.POST or None, cohorts=cohorts_managed_by(request.user), jury=jury)
    if request.method == "POST" and form.is_valid():
        try:
            services.jury_update(jury=jury, actor=request.user, settings=form.settings())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, jury, _("The jury has been saved."))
    return render(
        request,
        "trophies/jury/form.html",
        {"form": form, "jury": jury},
        status=400 if request.method == "POST" else 200,
    )


def _run(request, jury, action, success: str, anchor: str = ""):
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("trophies:jury_detail", args=[jury.pk]) + anchor)
    return _done(request, jury, success, anchor)


@login_required
@require_POST
def juror_add(request, pk: int):
    jury = _managed(request, pk)
    form = JurorForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address."))
        return redirect(reverse("trophies:jury_detail", args=[jury.pk]) + "#jurors")
    return _run(
        request,
        jury,
        lambda: services.juror_invite(
            jury=jury,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            actor=request.user,
        ),
        _("The juror has been added."),
        "#jurors",
    )


@login_required
@require_POST
def juror_remove(request, pk: int, member_pk: int):
    jury = _managed(request, pk)
    member = get_object_or_404(JuryMember, jury=jury, pk=member_pk)
    return _run(
        request,
        jury,
        lambda: services.juror_remove(member=member, actor=request.user),
        _("The juror has been removed."),
        "#jurors",
    )


@login_required
@require_POST
def finalist_add(request, pk: int):
    jury = _managed(request, pk)
    form = FinalistForm(request.POST, teams=teams_for_finalists(jury))
    if not form.is_valid():
        messages.error(request, _("Choose a team of the cohort that is not a finalist yet."))
        return redirect(reverse("trophies:jury_detail", args=[jury.pk]) + "#finalists")
    return _run(
        request,
        jury,
        lambda: services.finalist_add(
            jury=jury, team=form.cleaned_data["team"], actor=request.user
        ),
        _("The finalist has been added."),
        "#finalists",
    )


@login_required
@require_POST
def finalist_remove(request, pk: int, finalist_pk: int):
    jury = _managed(request, pk)
    finalist = get_object_or_404(Finalist, jury=jury, pk=finalist_pk)
    return _run(
        request,
        jury,
        lambda: services.finalist_remove(finalist=finalist, actor=request.user),
        _("The finalist has been removed."),
        "#finalists",
    )


@login_required
def criterion_add(request, pk: int):
    jury = _managed(request, pk)
    form = CriterionForm(request.POST or None, jury=jury)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.criterion_add(
                jury=jury,
                name=d["name"],
                description=d["description"],
                weight=d["weight"],
                levels=form.levels(),
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, jury, _("The criterion has been added."), "#criteria")
    return render(
        request,
        "trophies/jury/criterion_form.html",
        {"form": form, "jury": jury},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def criterion_remove(request, pk: int, criterion_pk: int):
    jury = _managed(request, pk)
    criterion = get_object_or_404(Criterion, jury=jury, pk=criterion_pk)
    return _run(
        request,
        jury,
        lambda: services.criterion_remove(criterion=criterion, actor=request.user),
        _("The criterion has been removed."),
        "#criteria",
    )


@login_required
@require_POST
def category_add(request, pk: int):
    jury = _managed(request, pk)
    form = CategoryForm(request.POST, jury=jury)
    if not form.is_valid():
        messages.error(request, _("The award category is not valid."))
        return redirect(reverse("trophies:jury_detail", args=[jury.pk]) + "#categories")
    d = form.cleaned_data
    return _run(
        request,
        jury,
        lambda: services.category_add(
            jury=jury,
            name=d["name"],
            basis=d["basis"],
            position=d["position"] or 1,
            criterion=d["criterion"],
            actor=request.user,
        ),
        _("The award category has been added."),
        "#categories",
    )


@login_required
@require_POST
def category_remove(request, pk: int, category_pk: int):
    jury = _managed(request, pk)
    category = get_object_or_404(AwardCategory, jury=jury, pk=category_pk)
    return _run(
        request,
        jury,
        lambda: services.category_remove(category=category, actor=request.user),
        _("The award category has been removed."),
        "#categories",
    )


TRANSITION_MESSAGES = {
    JuryStatus.OPEN: gettext_lazy("Voting is open."),
    JuryStatus.CLOSED: gettext_lazy("Voting is closed."),
    JuryStatus.PUBLISHED: gettext_lazy("The results are published."),
}


def _unattainable(jury, categories=None):
    """Award categories no project can receive as things stand (told without any mark)."""
    if categories is None:
        categories = list(jury.categories.select_related("criterion"))
    return unattainable_categories(
        jury,
        categories,
        finalists=jury.finalists.count(),
        audience_votes=jury.audience_votes.count() if jury.audience_award else 0,
    )


def _close_confirmation(request, jury):
    """Closing the vote is confirmed on a page that names the jurors whose sheets are
    incomplete; the close goes through only when the form confirms every one of them."""
    incomplete = [p for p in live_progress(jury) if p.done < p.total]
    confirmed = set(request.POST.getlist("incomplete"))
    if request.POST.get("confirm") == "1" and {str(p.member.pk) for p in incomplete} <= confirmed:
        return None
    return render(
        request,
        "trophies/jury/close_confirm.html",
        {"jury": jury, "incomplete": incomplete, "unattainable": _unattainable(jury)},
    )


@login_required
@require_POST
def jury_transition(request, pk: int, status: str):
    jury = _managed(request, pk)
    if status not in TRANSITION_MESSAGES:
        raise Http404
    if status == JuryStatus.CLOSED and jury.status == JuryStatus.OPEN:
        confirmation = _close_confirmation(request, jury)
        if confirmation is not None:
            return confirmation
    try:
        services.jury_set_status(jury=jury, status=status, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, TRANSITION_MESSAGES[status])
    if status == JuryStatus.OPEN:
        return redirect("trophies:jury_live", pk=jury.pk)
    if status in (JuryStatus.CLOSED, JuryStatus.PUBLISHED):
        return redirect("trophies:jury_results", pk=jury.pk)
    return redirect("trophies:jury_detail", pk=jury.pk)


@login_required
def jury_live(request, pk: int):
    """The chair's live view: who has finished and what is missing, never a mark."""
    jury = _managed(request, pk)
    context = {
        "jury": jury,
        "progress": live_progress(jury),
        "now": timezone.now(),
        "can_close": request.user.has_perm("trophies.close_jury", jury),
    }
    if request.htmx:
        return render(request, "trophies/jury/partials/live_progress.html", context)
    context["unattainable"] = _unattainable(jury) if jury.is_open else []
    return render(request, "trophies/jury/live.html", context)


@login_required
@require_POST
def category_set_aside(request, pk: int, category_pk: int):
    """Set aside an award category no project can receive, with the reason (recorded in the
    procès-verbal); back to the live view while voting, to the results afterwards."""
    jury = _managed(request, pk)
    category = get_object_or_404(AwardCategory, jury=jury, pk=category_pk)
    back = "trophies:jury_live" if jury.is_open else "trophies:jury_results"
    if not jury.is_open and not request.user.has_perm("trophies.publish_jury", jury):
        back = "trophies:jury_detail"
    try:
        services.category_set_aside(
            category=category, reason=request.POST.get("reason", ""), actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The award “%(name)s” is set aside; the report records why.")
            % {"name": category.name},
        )
    return redirect(back, pk=jury.pk)


RESULTS_PAGE_SIZE = 25


@login_required
def jury_results(request, pk: int):
    """The ranking stored when the vote closed, page by page, each project's arithmetic on
    demand (``jury_result_sheet``): a fixed number of queries and a bounded page whatever the
    number of finalists. The procès-verbal keeps everything."""
    jury = get_object_or_404(_juries_taking_part(request.user), pk=pk)
    if not request.user.has_perm("trophies.view_results", jury):
        messages.info(request, _("The ranking appears when voting closes."))
        if request.user.has_perm("trophies.manage_jury", jury):
            return redirect("trophies:jury_live" if jury.is_open else "trophies:jury_detail", pk=pk)
        raise PermissionDenied
    ranking = services.ranking_current(jury=jury)
    rows = ranking.rows.select_related("finalist__team", "finalist__challenge")
    page = Paginator(rows, RESULTS_PAGE_SIZE).get_page(request.GET.get("page"))
    # Positions run from 1 without a gap: the page is a range of them, read through the index
    # (an OFFSET would read and join every line before the page).
    page.object_list = rows.filter(position__gte=page.start_index(), position__lte=page.end_index())
    decisions = stored_decisions(ranking, list(jury.categories.select_related("criterion")))
    can_manage = request.user.has_perm("trophies.manage_jury", jury)
    context = {
        "jury": jury,
        "results": stored_results(jury, ranking),
        "page": page,
        "decisions": decisions,
        "can_manage": can_manage,
        "can_set_aside": can_manage and jury.status == JuryStatus.CLOSED,
        "blocked": [d for d in decisions if d.problem and not d.set_aside],
        "can_cast": request.user.has_perm("trophies.cast_vote", jury) and "chair" in jury.tie_break,
        "can_publish": request.user.has_perm("trophies.publish_jury", jury),
    }
    return render(request, "trophies/jury/results.html", context)


@login_required
def jury_result_sheet(request, pk: int, finalist_pk: int):
    """One project's arithmetic and the jurors' comments, loaded into the results page by
    HTMX (a page of its own without JavaScript). Same permission as the results page."""
    jury = get_object_or_404(_juries_taking_part(request.user), pk=pk)
    if not request.user.has_perm("trophies.view_results", jury):
        raise PermissionDenied
    finalist = get_object_or_404(
        Finalist.objects.select_related("team", "challenge__municipality"),
        jury=jury,
        pk=finalist_pk,
    )
    ranking = services.ranking_current(jury=jury)
    context = {
        "jury": jury,
        "row": sheet_arithmetic(jury, finalist, ranking),
        "ranked": ranking.rows.select_related("finalist").get(finalist=finalist),
        "normalised": ranking.normalised,
    }
    if request.htmx:
        return render(request, "trophies/jury/partials/results_sheet.html", context)
    return render(request, "trophies/jury/results_sheet.html", context)


@login_required
@require_POST
def casting_vote(request, pk: int, finalist_pk: int):
    """The chair's casting vote (or a coordinator's, on the chair's word)."""
    jury = get_object_or_404(_juries_taking_part(request.user), pk=pk)
    if not request.user.has_perm("trophies.cast_vote", jury):
        raise Http404
    finalist = get_object_or_404(Finalist, jury=jury, pk=finalist_pk)
    try:
        services.casting_vote_cast(jury=jury, finalist=finalist, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The casting vote has been recorded."))
    return redirect("trophies:jury_results", pk=jury.pk)


@login_required
def jury_report(request, pk: int):
    """The procès-verbal of the deliberation as a PDF (WeasyPrint, rendered on demand)."""
    jury = _managed(request, pk)
    if not request.user.has_perm("trophies.view_results", jury):
        messages.error(request, _("The report is available once voting has closed."))
        return redirect("trophies:jury_detail", pk=jury.pk)
    filename, content_type, content = render_report(jury=jury)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _seat(request, pk: int):
    """The signed-in juror's seat on jury ``pk`` and the jury, in one query; 404 otherwise."""
    member = get_object_or_404(seats_of_juror(request.user), jury_id=pk)
    member.user = request.user
    return member.jury, member


@login_required
def sheet(request, pk: int):
    """The juror's scoring page: one small form per project, saved on change."""
    services.jury_members_link(user=request.user)
    jury, member = _seat(request, pk)
    sheet = sheet_for(jury, member)
    total = len(sheet.to_score)
    # The heading "n of m complete" for every n, so that sheet.js updates it as each project's
    # status comes back from a save, without a query more on the save.
    progress_texts = [
        ngettext(
            "%(done)s of %(total)s project complete",
            "%(done)s of %(total)s projects complete",
            done,
        )
        % {"done": done, "total": total}
        for done in range(total + 1)
    ]
    deliverables = finalist_deliverables(jury)
    for row in sheet.rows:
        row.deliverables = deliverables.get(row.finalist.team_id, [])
    context = {
        "jury": jury,
        "sheet": sheet,
        "progress_text": progress_texts[sheet.done],
        "progress_texts": progress_texts,
        "conflict_form": ConflictForm(),
        "in_setup": jury_in_setup.test(request.user, jury),
        "can_score": request.user.has_perm("trophies.score_jury", jury),
        "can_declare": request.user.has_perm("trophies.declare_conflict", jury),
    }
    return render(request, "trophies/jury/sheet.html", context)


@login_required
def finalist_file(request, pk: int, file_pk: int):
    """A file of a finalist's public deliverable (the latest version of its prototype or final
    project), for the jurors of that jury; 404 for anyone else or any other file."""
    _jury, member = _seat(request, pk)
    stored = get_object_or_404(finalist_files(member.jury), pk=file_pk)
    return serve_stored_file(
        stored.path, filename=stored.original_name, content_type=stored.content_type
    )


@login_required
@require_POST
def sheet_save(request, pk: int, finalist_pk: int):
    found = scoring_seat(request.user, pk, finalist_pk)
    if found is None:
        raise Http404
    jury, member, finalist = found
    error = outcome = None
    try:
        marks = sheet_marks_from_post(request.POST)
        outcome = services.score_sheet_save(
            jury=jury, member=member, finalist=finalist, marks=marks, actor=request.user
        )
    except DomainError as exc:
        error = exc.message
    if request.htmx:
        if outcome is not None:
            row = SheetRow(
                finalist=finalist, scores=outcome.scores, missing=outcome.missing, excluded=[]
            )
        else:
            row = sheet_for(jury, member, finalist=finalist).rows[0]
        # A fragment: no request context, so none of the full page's context processors run.
        return HttpResponse(
            render_to_string(
                "trophies/jury/partials/sheet_status.html",
                {
                    "jury": jury,
                    "row": row,
                    "error": error,
                    "saved_at": None if error else timezone.now(),
                },
            ),
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("Your marks for %(project)s are saved.") % {"project": finalist}
        )
    return redirect(reverse("trophies:sheet", args=[jury.pk]) + f"#finalist-{finalist.pk}")


@login_required
@require_POST
def conflict_declare(request, pk: int, finalist_pk: int):
    jury, member = _seat(request, pk)
    finalist = get_object_or_404(Finalist, jury=jury, pk=finalist_pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason of the conflict."))
    else:
        try:
            services.conflict_declare(
                member=member,
                finalist=finalist,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Your conflict with %(project)s is recorded: you will not score it.")
                % {"project": finalist},
            )
    return redirect(reverse("trophies:sheet", args=[jury.pk]) + f"#finalist-{finalist.pk}")


@login_required
def audience_vote(request, pk: int):
    """The audience award: everyone present at the closing session votes once."""
    found = audience_ballot(request.user, pk)
    if found is None:
        raise Http404
    jury, existing = found
    form = AudienceVoteForm(request.POST or None, jury=jury)
    status = 200
    if request.method == "POST" and existing is not None:
        messages.error(request, _("You have already voted: one vote per person."))
        status = 409
    elif request.method == "POST":
        if form.is_valid():
            try:
                services.audience_vote_cast(
                    jury=jury, finalist=form.cleaned_data["finalist"], user=request.user
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                # Voted in the meantime (the same vote sent twice at once): a conflict.
                voted = AudienceVote.objects.filter(jury=jury, user=request.user).exists()
                status = 409 if voted else 400
            else:
                messages.success(request, _("Thank you, your vote is recorded."))
                return redirect("trophies:audience_vote", pk=jury.pk)
        else:
            status = 400
        existing = audience_ballot(request.user, pk)[1]
    return render(
        request,
        "trophies/jury/audience.html",
        {
            "jury": jury,
            "form": form,
            "existing": existing,
            "voting_open": jury_open.test(request.user, jury),
            "in_setup": jury_in_setup.test(request.user, jury),
        },
        status=status,
    )


@login_required
def audience_qr(request, pk: int):
    """The QR code shown in the room, pointing at the audience vote (inline SVG)."""
    jury = _managed(request, pk)
    if not jury.audience_award:
        raise Http404
    url = absolute_url(reverse("trophies:audience_vote", args=[jury.pk]))
    svg = qr_svg(url)
    votes = jury.audience_votes.count()
    return render(
        request,
        "trophies/jury/audience_qr.html",
        {"jury": jury, "svg": svg, "url": url, "votes": votes},
    )
