"""Views of the cohorts app. Reads go through ``cohorts.selectors`` (outsiders get 404),
writes through ``cohorts.services`` (refusals become a message, never a 500)."""

from __future__ import annotations

import csv
import io
import os
from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from challenges.models import Challenge, ChallengeStatus
from cohorts import forms, selectors, services
from cohorts.charts import bar_chart, stacked_bar_chart
from cohorts.composition import check_members, team_composition
from cohorts.models import (
    CoachAssignment,
    Cohort,
    DeadlineExtension,
    Deliverable,
    DeliverableFile,
    DeliverableVersion,
    KickoffScenario,
    Milestone,
    ScenarioFile,
    SchoolEnrolment,
    Team,
    TeamMember,
)
from cohorts.proposal import Candidate, propose
from cohorts.uploads import INLINE_TYPES
from curiouslab.accounts.models import Invitation, Membership, Organisation, Role, User
from curiouslab.accounts.roles import roles_for
from curiouslab.errors import DomainError
from curiouslab.french import de

PAGE_SIZE = 25
ATTENDANCE_HOOK = "sessions/_dashboard_attendance.html"
ATTENTION_ROWS = 10


def _require_role(request, *roles: str) -> None:
    if not roles_for(request.user).has_any(*roles):
        raise PermissionDenied


def _managed_cohort(request, pk: int) -> Cohort:
    _require_role(request, Role.COORDINATOR)
    return get_object_or_404(selectors.cohorts_managed_by(request.user), pk=pk)


def _managed_team(request, pk: int) -> Team:
    """A team the user may see (404 otherwise) and manage (403 otherwise)."""
    team = _visible_team(request, pk)
    if not request.user.has_perm("cohorts.manage_team", team):
        raise PermissionDenied
    return team


def _visible_team(request, pk: int) -> Team:
    return get_object_or_404(
        selectors.teams_visible_to(request.user).select_related(
            "cohort__programme", "challenge__municipality"
        ),
        pk=pk,
    )


def _refused(request, exc: DomainError, to: str):
    messages.error(request, exc.message)
    return redirect(to)


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# --- Programmes and cohorts -------------------------------------------------------------------


@login_required
def cohort_list(request):
    user = request.user
    r = roles_for(user)
    cohorts = (
        selectors.cohorts_visible_to(user)
        .annotate(team_total=Count("teams", distinct=True))
        .order_by("-year", "name", "pk")
    )
    joinable = Cohort.objects.none()
    if r.has(Role.SCHOOL_REFERENT):
        territories = Organisation.objects.filter(id__in=r.orgs(Role.SCHOOL_REFERENT)).values(
            "territory_id"
        )
        joinable = (
            Cohort.objects.filter(
                programme__organisation_id__in=territories,
                working_ends__gte=timezone.localdate(),
            )
            .exclude(enrolments__school_id__in=r.orgs(Role.SCHOOL_REFERENT))
            .select_related("programme")
        )
    programmes = selectors.programmes_coordinated_by(user)
    return render(
        request,
        "cohorts/cohort_list.html",
        {
            "page": _page(request, cohorts),
            "programmes": programmes,
            "joinable": joinable,
        },
    )


@login_required
def programme_edit(request, pk: int):
    _require_role(request, Role.COORDINATOR)
    programme = get_object_or_404(selectors.programmes_coordinated_by(request.user), pk=pk)
    form = forms.ProgrammeForm(request.POST or None, instance=programme)
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
        {"form": form, "programme": programme},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def cohort_create(request, programme_pk: int):
    _require_role(request, Role.COORDINATOR)
    programme = get_object_or_404(
        selectors.programmes_coordinated_by(request.user), pk=programme_pk
    )
    form = forms.CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(
                programme=programme, actor=request.user, data=form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The cohort has been created."))
            return redirect("cohorts:cohort_detail", pk=cohort.pk)
    return render(
        request,
        "cohorts/cohort_form.html",
        {"form": form, "programme": programme},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def cohort_edit(request, pk: int):
    cohort = _managed_cohort(request, pk)
    form = forms.CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(cohort=cohort, actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The cohort has been saved."))
            return redirect("cohorts:cohort_detail", pk=cohort.pk)
    return render(
        request,
        "cohorts/cohort_form.html",
        {"form": form, "programme": cohort.programme, "cohort": cohort},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def cohort_copy(request, pk: int):
    cohort = _managed_cohort(request, pk)
    try:
        new = services.cohort_create_next(cohort=cohort, actor=request.user)
    except DomainError as exc:
        return _refused(request, exc, reverse("cohorts:cohort_detail", args=[cohort.pk]))
    messages.success(
        request,
        _("The cohort %(name)s has been created from %(source)s.")
        % {"name": new.name, "source": cohort.name},
    )
    return redirect("cohorts:cohort_detail", pk=new.pk)


def calendar_of(cohort: Cohort, milestones) -> list[dict]:
    """The cohort's dates and milestones in order, each marked past or upcoming."""
    today = timezone.localdate()
    items = [
        {"date": cohort.call_opens, "label": _("Call for challenges opens")},
        {"date": cohort.call_closes, "label": _("Call for challenges closes")},
        {"date": cohort.kickoff, "label": _("Kickoff")},
        {"date": cohort.working_starts, "label": _("Working period starts")},
        {"date": cohort.working_ends, "label": _("Working period ends")},
        {"date": cohort.closing, "label": _("Closing session")},
    ]
    for m in milestones:
        items.append(
            {
                "date": timezone.localdate(m.deadline),
                "label": _("Deadline: %(name)s") % {"name": m.name},
            }
        )
    items.sort(key=lambda i: i["date"])
    for i in items:
        i["past"] = i["date"] < today
    return items


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
            "calendar": calendar_of(cohort, milestones),
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
    cohort = _managed_cohort(request, pk)
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
        return _refused(request, exc, back)
    return redirect(back)


@login_required
def milestone_create(request, cohort_pk: int):
    cohort = _managed_cohort(request, cohort_pk)
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
    _require_role(request, Role.COORDINATOR)
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


# --- Cohort assembly ------------------------------------------------------------------------

FUNNEL_FILTERS = {
    "submitted": Q(status__in=[s for s in ChallengeStatus.values if s != ChallengeStatus.DRAFT]),
    "accepted": Q(status=ChallengeStatus.ACCEPTED),
}


def _programme_pool(cohort: Cohort):
    """The challenges a cohort draws from: those in it, and the programme's challenges in no
    cohort yet, written since the cohort's call opened."""
    return Challenge.objects.filter(programme_id=cohort.programme_id).filter(
        Q(cohort=cohort) | Q(cohort__isnull=True, created_at__date__gte=cohort.call_opens)
    )


@login_required
def cohort_challenges(request, pk: int):
    cohort = _managed_cohort(request, pk)
    status = request.GET.get("status", "")
    pool = _programme_pool(cohort).select_related("municipality")
    if status in FUNNEL_FILTERS:
        challenges = pool.filter(FUNNEL_FILTERS[status])
    elif status == "in":
        challenges = pool.filter(cohort=cohort)
    elif status == "selected":
        challenges = pool.filter(
            cohort=cohort,
            pk__in=KickoffScenario.objects.filter(selected=True).values("challenge_id"),
        )
    else:
        status = ""
        challenges = pool.filter(Q(cohort=cohort) | Q(status=ChallengeStatus.ACCEPTED))
    challenges = challenges.annotate(team_total=Count("teams", distinct=True)).order_by(
        "municipality__name", "title"
    )
    return render(
        request,
        "cohorts/cohort_challenges.html",
        {
            "cohort": cohort,
            "page": _page(request, challenges),
            "status": status,
            "query": f"status={status}" if status else "",
            "before_kickoff": timezone.localdate() < cohort.kickoff,
        },
    )


@login_required
@require_POST
def cohort_challenge_toggle(request, pk: int, challenge_pk: int):
    cohort = _managed_cohort(request, pk)
    challenge = get_object_or_404(
        Challenge.objects.filter(programme_id=cohort.programme_id), pk=challenge_pk
    )
    back = reverse("cohorts:cohort_challenges", args=[cohort.pk])
    try:
        if request.POST.get("action") == "remove":
            services.cohort_challenge_remove(cohort=cohort, challenge=challenge, actor=request.user)
            messages.success(request, _("The challenge has been taken out of the cohort."))
        else:
            services.cohort_challenge_add(cohort=cohort, challenge=challenge, actor=request.user)
            messages.success(request, _("The challenge is now in the cohort."))
    except DomainError as exc:
        return _refused(request, exc, back)
    return redirect(back)


# --- School enrolment -----------------------------------------------------------------------


@login_required
def enrolment_request(request, cohort_pk: int):
    _require_role(request, Role.SCHOOL_REFERENT)
    r = roles_for(request.user)
    schools = Organisation.objects.filter(id__in=r.orgs(Role.SCHOOL_REFERENT))
    cohort = get_object_or_404(
        Cohort.objects.filter(
            programme__organisation_id__in=schools.values("territory_id")
        ).select_related("programme"),
        pk=cohort_pk,
    )
    school = schools.exclude(enrolments__cohort=cohort).order_by("name").first()
    if school is None:
        messages.info(request, _("Your school already takes part in this cohort."))
        return redirect("cohorts:cohort_list")
    form = forms.EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_request(
                cohort=cohort,
                school=school,
                actor=request.user,
                disciplines=form.cleaned_data["disciplines"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Your request has been sent to the programme's coordinators.")
            )
            return redirect("cohorts:enrolment_detail", pk=enrolment.pk)
    return render(
        request,
        "cohorts/enrolment_request.html",
        {"form": form, "cohort": cohort, "school": school},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def enrolment_list(request, cohort_pk: int):
    cohort = _managed_cohort(request, cohort_pk)
    status = request.GET.get("status", "")
    enrolments = (
        SchoolEnrolment.objects.filter(cohort=cohort)
        .select_related("school")
        .order_by("school__name", "pk")
    )
    if status in SchoolEnrolment.Status.values:
        enrolments = enrolments.filter(status=status)
    else:
        status = ""
    students = Membership.objects.active().filter(
        role=Role.STUDENT, organisation_id=OuterRef("school_id")
    )
    enrolments = enrolments.annotate(
        student_total=Count(
            "school__memberships",
            filter=Q(school__memberships__role=Role.STUDENT, school__memberships__is_active=True),
        ),
        has_students=Exists(students),
    )
    return render(
        request,
        "cohorts/enrolment_list.html",
        {
            "cohort": cohort,
            "page": _page(request, enrolments),
            "status": status,
            "query": f"status={status}" if status else "",
        },
    )


@login_required
@require_POST
def enrolment_decide(request, pk: int):
    _require_role(request, Role.COORDINATOR)
    enrolment = get_object_or_404(
        SchoolEnrolment.objects.filter(
            cohort__in=selectors.cohorts_managed_by(request.user)
        ).select_related("cohort__programme", "school"),
        pk=pk,
    )
    status = request.POST.get("status")
    if status not in (SchoolEnrolment.Status.APPROVED, SchoolEnrolment.Status.DECLINED):
        messages.error(request, _("Choose to approve or decline."))
    else:
        try:
            services.enrolment_set_status(enrolment=enrolment, actor=request.user, status=status)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The enrolment has been updated."))
    return redirect("cohorts:enrolment_list", cohort_pk=enrolment.cohort_id)


def _enrolment(request, pk: int) -> SchoolEnrolment:
    enrolment = get_object_or_404(selectors.enrolments_visible_to(request.user), pk=pk)
    if not request.user.has_perm("cohorts.manage_enrolment", enrolment):
        raise Http404
    return enrolment


@login_required
def enrolment_detail(request, pk: int):
    enrolment = _enrolment(request, pk)
    cohort = enrolment.cohort
    teams = TeamMember.objects.filter(cohort=cohort, user_id=OuterRef("user_id")).values(
        "team__name"
    )[:1]
    team_ids = TeamMember.objects.filter(cohort=cohort, user_id=OuterRef("user_id")).values(
        "team_id"
    )[:1]
    students = (
        Membership.objects.active()
        .filter(organisation=enrolment.school, role=Role.STUDENT)
        .select_related("user")
        .annotate(team_name=Subquery(teams), team_id=Subquery(team_ids))
        .order_by("user__last_name", "user__first_name", "id")
    )
    invitations = Invitation.objects.pending().filter(
        organisation=enrolment.school, role=Role.STUDENT
    )[:50]
    form = forms.StudentInviteForm(disciplines=enrolment.disciplines)
    disciplines_form = forms.EnrolmentForm(
        initial={"disciplines": ", ".join(enrolment.disciplines)}
    )
    return render(
        request,
        "cohorts/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "cohort": cohort,
            "page": _page(request, students),
            "invitations": invitations,
            "form": form,
            "disciplines_form": disciplines_form,
            "import_form": forms.StudentImportForm(),
            "coordinates": request.user.has_perm("cohorts.decide_enrolment", enrolment),
        },
    )


@login_required
@require_POST
def enrolment_disciplines(request, pk: int):
    enrolment = _enrolment(request, pk)
    form = forms.EnrolmentForm(request.POST)
    if form.is_valid():
        services.enrolment_update_disciplines(
            enrolment=enrolment, actor=request.user, disciplines=form.cleaned_data["disciplines"]
        )
        messages.success(request, _("The disciplines have been saved."))
    else:
        messages.error(request, _("Name at least one discipline."))
    return redirect("cohorts:enrolment_detail", pk=enrolment.pk)


@login_required
@require_POST
def student_invite(request, pk: int):
    enrolment = _enrolment(request, pk)
    form = forms.StudentInviteForm(request.POST, disciplines=enrolment.disciplines)
    back = reverse("cohorts:enrolment_detail", args=[enrolment.pk])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    try:
        services.student_invite(
            enrolment=enrolment,
            actor=request.user,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            discipline=data["discipline"],
            level=data["level"],
            language=request.LANGUAGE_CODE,
        )
    except DomainError as exc:
        return _refused(request, exc, back)
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
    return redirect(back)


IMPORT_SALT = "cohorts.student_import"


@login_required
def student_import(request, pk: int):
    """Step 1: upload a CSV and see every row's problems. Step 2 (only when clean): confirm;
    the checked rows travel signed in the form, and are checked again before import."""
    enrolment = _enrolment(request, pk)
    rows = None
    checked = None
    token = ""
    form = forms.StudentImportForm()
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            rows = signing.loads(request.POST.get("rows", ""), salt=IMPORT_SALT, max_age=3600)
        except signing.BadSignature:
            messages.error(request, _("The import has expired: upload the file again."))
            return redirect("cohorts:student_import", pk=enrolment.pk)
        try:
            count = services.student_import(
                enrolment=enrolment,
                actor=request.user,
                rows=rows["rows"],
                language=request.LANGUAGE_CODE,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            checked = services.student_import_check(enrolment=enrolment, rows=rows["rows"])
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d student has been invited.", "%(n)d students have been invited.", count
                )
                % {"n": count},
            )
            return redirect("cohorts:enrolment_detail", pk=enrolment.pk)
    elif request.method == "POST":
        form = forms.StudentImportForm(request.POST, request.FILES)
        if form.is_valid():
            rows = form.cleaned_data["file"]
            checked = services.student_import_check(enrolment=enrolment, rows=rows)
            if checked and not any(r.problems for r in checked):
                token = signing.dumps(
                    {"enrolment": enrolment.pk, "rows": rows}, salt=IMPORT_SALT, compress=True
                )
    problems = sum(1 for r in checked or [] if r.problems)
    return render(
        request,
        "cohorts/student_import.html",
        {
            "enrolment": enrolment,
            "form": form,
            "checked": checked,
            "problems": problems,
            "token": token,
            "columns": form.columns,
            "ignored": form.ignored,
        },
        status=400 if request.method == "POST" and (problems or not form.is_valid()) else 200,
    )


@login_required
def student_import_template(request, pk: int):
    """A CSV to fill in, with the column names the import recognises and one example line
    using a discipline the school declared; UTF-8 with a byte order mark and semicolons, as
    a French spreadsheet opens it."""
    enrolment = _enrolment(request, pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(forms.IMPORT_TEMPLATE_HEADER)
    discipline = (enrolment.disciplines or [""])[0]
    writer.writerow(["Dupont", "Inès", "ines.dupont@example.org", discipline, "Master 1"])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, _("students-template.csv"))
    return response


# --- Teams ----------------------------------------------------------------------------------

TEAM_FILTERS = ("forming", "confirmed", "met", "unmet")


@login_required
def team_list(request, cohort_pk: int):
    cohort = _managed_cohort(request, cohort_pk)
    teams = selectors.teams_with_composition(cohort)
    show = request.GET.get("show", "")
    if show in (Team.Status.FORMING, Team.Status.CONFIRMED):
        teams = teams.filter(status=show)
    elif show in ("met", "unmet"):
        p = cohort.programme
        met = (
            Q(size__gte=p.team_min_size)
            & Q(size__lte=p.team_max_size)
            & Q(discipline_count__gte=p.team_min_disciplines)
            & Q(school_count__gte=p.team_min_schools)
        )
        teams = teams.filter(met) if show == "met" else teams.exclude(met)
    else:
        show = ""
    page = _page(request, teams)
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
    cohort = _managed_cohort(request, cohort_pk)
    form = forms.TeamCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the team a name."))
        return redirect("cohorts:team_list", cohort_pk=cohort.pk)
    try:
        team = services.team_create(
            cohort=cohort, actor=request.user, name=form.cleaned_data["name"], members=[]
        )
    except DomainError as exc:
        return _refused(request, exc, reverse("cohorts:team_list", args=[cohort.pk]))
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


def _proposal_from_post(data, students) -> tuple[dict[int, int], str]:
    """Each student's team number in a posted proposal, bounded by the data: with n students
    there are at most n teams, so a number above n (or one that is not a number) is refused
    before anything is built from it. Returns the assignment and a message ('' when fine)."""
    limit = len(students)
    assignment, refused = {}, ""
    for m in students:
        raw = (data.get(f"student-{m.user_id}") or "0").strip()
        if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(limit)) or int(raw) > limit:
            refused = _("A team number must be between 0 and %(n)d.") % {"n": limit}
            assignment[m.user_id] = 0
        else:
            assignment[m.user_id] = int(raw)
    return assignment, refused


def _team_names_refused(names) -> str:
    longest = Team._meta.get_field("name").max_length
    for name in names:
        if len(name) > longest or "\x00" in name:
            return _("A team name has %(n)d characters at most, and no control character.") % {
                "n": longest
            }
    return ""


@login_required
def team_propose(request, cohort_pk: int):
    """A proposal of mixed teams for every unassigned student, shown as an editable form:
    nothing is saved until the coordinator confirms."""
    cohort = _managed_cohort(request, cohort_pk)
    p = cohort.programme
    students = list(selectors.unassigned_students(cohort))
    by_user = {m.user_id: m for m in students}
    if request.method == "POST":
        assignment, refused = _proposal_from_post(request.POST, students)
        count = max(assignment.values(), default=0)
        names = {n: request.POST.get(f"name-{n}", "").strip() for n in range(1, count + 1)}
        refused = refused or _team_names_refused(names.values())
        if refused:
            messages.error(request, refused)
        elif request.POST.get("save"):
            groups = [
                (
                    names.get(n) or _("Team %(n)d") % {"n": n},
                    [by_user[u].user for u, t in assignment.items() if t == n],
                )
                for n in range(1, count + 1)
            ]
            try:
                teams = services.teams_create_from_proposal(
                    cohort=cohort, actor=request.user, groups=groups
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d team has been created.", "%(n)d teams have been created.", len(teams)
                    )
                    % {"n": len(teams)},
                )
                return redirect("cohorts:team_list", cohort_pk=cohort.pk)
    else:
        proposal = propose(
            [Candidate(m.user_id, m.organisation_id, m.discipline) for m in students],
            min_size=p.team_min_size,
            max_size=p.team_max_size,
        )
        assignment = {c.user_id: i + 1 for i, team in enumerate(proposal) for c in team}
        count = len(proposal)
        existing = set(Team.objects.filter(cohort=cohort).values_list("name", flat=True))
        names, n = {}, 1
        for number in range(1, count + 1):
            while _("Team %(n)d") % {"n": n} in existing:
                n += 1
            names[number] = _("Team %(n)d") % {"n": n}
            n += 1
    groups, left_out = _proposal_context(cohort, students, assignment)
    for g in groups:
        g["name"] = names.get(g["number"], "")
    return render(
        request,
        "cohorts/team_propose.html",
        {
            "cohort": cohort,
            "groups": groups,
            "left_out": left_out,
            "numbers": list(range(0, max(count, 1) + 2)),
            "assignment": assignment,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def team_detail(request, pk: int):
    team = _visible_team(request, pk)
    cohort = team.cohort
    members = list(team.members.select_related("user", "school").order_by("user__last_name"))
    team._member_ids = {m.user_id for m in members}
    composition = check_members(
        programme=cohort.programme, members=[(m.school_id, m.discipline) for m in members]
    )
    milestones = list(cohort.milestones.all())
    deliverables = {d.milestone_id: d for d in Deliverable.objects.filter(team=team)}
    extensions = {e.milestone_id: e for e in DeadlineExtension.objects.filter(team=team)}
    now = timezone.now()
    rows = []
    for m in milestones:
        d = deliverables.get(m.pk)
        ext = extensions.get(m.pk)
        deadline = max(m.deadline, ext.until) if ext else m.deadline
        rows.append(
            {
                "milestone": m,
                "deliverable": d,
                "extension": ext,
                "open": now <= deadline,
                "state": deliverable_state(d, m, now),
            }
        )
    manages = request.user.has_perm("cohorts.manage_team", team)
    context = {
        "team": team,
        "cohort": cohort,
        "members": members,
        "composition": composition,
        "milestone_rows": rows,
        "calendar": calendar_of(cohort, milestones),
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
            coaches=User.objects.filter(
                memberships__organisation_id=cohort.programme.organisation_id,
                memberships__role=Role.COACH,
                memberships__is_active=True,
            ).order_by("last_name", "first_name")
        )
    return render(request, "cohorts/team_detail.html", context)


def deliverable_state(deliverable, milestone, now) -> str:
    if deliverable is not None and deliverable.first_submitted_at is not None:
        return "late" if deliverable.first_submitted_at > milestone.deadline else "on_time"
    return "missing" if now > milestone.deadline else "pending"


@login_required
@require_POST
def team_member_add(request, pk: int):
    team = _managed_team(request, pk)
    user = User.objects.filter(pk=request.POST.get("membership") or 0).first()
    try:
        if user is None:
            raise DomainError(_("Choose a student."))
        services.team_member_add(team=team, actor=request.user, user=user)
    except DomainError as exc:
        return _refused(request, exc, reverse("cohorts:team_detail", args=[team.pk]))
    messages.success(request, _("%(name)s has joined the team.") % {"name": user})
    return redirect("cohorts:team_detail", pk=team.pk)


@login_required
@require_POST
def team_member_remove(request, pk: int, member_pk: int):
    team = _managed_team(request, pk)
    member = get_object_or_404(TeamMember.objects.filter(team=team), pk=member_pk)
    try:
        services.team_member_remove(team=team, actor=request.user, member=member)
    except DomainError as exc:
        return _refused(request, exc, reverse("cohorts:team_detail", args=[team.pk]))
    messages.success(request, _("The student has left the team."))
    return redirect("cohorts:team_detail", pk=team.pk)


@login_required
@require_POST
def team_status(request, pk: int):
    team = _managed_team(request, pk)
    status = request.POST.get("status")
    try:
        if status not in Team.Status.values:
            raise DomainError(_("Unknown team status."))
        services.team_set_status(team=team, actor=request.user, status=status)
    except DomainError as exc:
        return _refused(request, exc, reverse("cohorts:team_detail", args=[team.pk]))
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
    team = _managed_team(request, pk)
    raw = request.POST.get("challenge") or ""
    challenge = None
    if raw:
        challenge = Challenge.objects.filter(
            cohort_id=team.cohort_id, pk=raw if raw.isdigit() else 0
        ).first()
    try:
        if raw and challenge is None:
            raise DomainError(_("This challenge is not in the team's cohort."))
        services.team_assign_challenge(team=team, actor=request.user, challenge=challenge)
    except DomainError as exc:
        return _refused(request, exc, reverse("cohorts:team_detail", args=[team.pk]))
    messages.success(request, _("The team's challenge has been saved."))
    return redirect("cohorts:team_detail", pk=team.pk)


@login_required
@require_POST
def team_coach(request, pk: int):
    team = _managed_team(request, pk)
    raw = request.POST.get("coach") or "0"
    coach = User.objects.filter(pk=raw if raw.isdigit() else 0).first()
    try:
        if coach is None:
            raise DomainError(_("Choose a coach."))
        services.coach_assign(team=team, actor=request.user, coach=coach)
    except DomainError as exc:
        return _refused(request, exc, reverse("cohorts:team_detail", args=[team.pk]))
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
    return render(request, "cohorts/my_teams.html", {"page": _page(request, teams)})


# --- Kickoff -------------------------------------------------------------------------------


@login_required
def scenario_edit(request, team_pk: int, pk: int | None = None):
    """A new possible for the team's challenge, or (``pk``) one of its possibles updated."""
    team = _visible_team(request, team_pk)
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
    r = roles_for(request.user)
    challenge = get_object_or_404(
        Challenge.objects.filter(
            Q(municipality_id__in=r.orgs(Role.MUNICIPAL_STAFF))
            | Q(programme__organisation_id__in=r.orgs(Role.COORDINATOR))
        ).select_related("municipality", "cohort"),
        pk=challenge_pk,
    )
    teams = (
        Team.objects.filter(scenarios__challenge=challenge)
        .distinct()
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch(
                "scenarios",
                queryset=KickoffScenario.objects.filter(challenge=challenge)
                .select_related("selected_by")
                .prefetch_related("files")
                .order_by("created_at", "id"),
                to_attr="possibles",
            )
        )
    )
    return render(
        request,
        "cohorts/challenge_scenarios.html",
        {
            "challenge": challenge,
            "page": _page(request, teams, 12),
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
        return _refused(request, exc, back)
    messages.success(
        request,
        _("You selected the scenario of %(team)s: the team will develop it this year.")
        % {"team": de(scenario.team)},
    )
    return redirect(back)


# --- Deliverables --------------------------------------------------------------------------


def _team_milestone(request, team_pk: int, milestone_pk: int):
    team = _visible_team(request, team_pk)
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
    extension = DeadlineExtension.objects.filter(team=team, milestone=milestone).first()
    deadline = max(milestone.deadline, extension.until) if extension else milestone.deadline
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
        return _refused(request, exc, back)
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
        return _refused(request, exc, back)
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
        return _refused(request, exc, back)
    messages.success(request, _("The deadline has been extended for this team."))
    return redirect(back)


def file_response(stored) -> FileResponse:
    """Serve a stored upload safely: inline only for raster images and PDF, as an attachment
    otherwise; never sniffed, and sandboxed if a browser renders it anyway."""
    inline = stored.content_type in INLINE_TYPES
    try:
        handle = default_storage.open(stored.path, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(
        not inline, os.path.basename(stored.original_name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def deliverable_file(request, pk: int):
    stored = get_object_or_404(
        DeliverableFile.objects.filter(
            version__deliverable__team__in=selectors.teams_visible_to(request.user)
        ),
        pk=pk,
    )
    return file_response(stored)


@login_required
def scenario_file(request, pk: int):
    stored = get_object_or_404(
        ScenarioFile.objects.filter(scenario__in=selectors.scenarios_visible_to(request.user)),
        pk=pk,
    )
    return file_response(stored)


# --- Dashboard -----------------------------------------------------------------------------


def _attendance_hook() -> str | None:
    """The sessions app may add attendance rates to the dashboard by providing this
    template; it receives the dashboard's context plus ``attendance`` (from
    ``sessions.selectors.attendance_summary(cohort)`` when that exists: the rule of
    ``attendance_rates`` without its per-student rows)."""
    try:
        get_template(ATTENDANCE_HOOK)
    except TemplateDoesNotExist:
        return None
    return ATTENDANCE_HOOK


def _attendance(cohort: Cohort):
    try:
        from sessions.selectors import attendance_summary
    except ImportError:
        return None
    return attendance_summary(cohort)


def dashboard_data(cohort: Cohort) -> dict:
    """Every figure of the dashboard, in a fixed number of queries whatever the size."""
    programme = cohort.programme
    now = timezone.now()
    not_draft = FUNNEL_FILTERS["submitted"]
    funnel = _programme_pool(cohort).aggregate(
        submitted=Count("id", filter=not_draft, distinct=True),
        accepted=Count("id", filter=Q(status=ChallengeStatus.ACCEPTED), distinct=True),
        in_cohort=Count("id", filter=Q(cohort=cohort), distinct=True),
        selected=Count("id", filter=Q(cohort=cohort, scenarios__selected=True), distinct=True),
    )
    # Aggregates counted by the database, and only the rows shown: a national cohort has
    # thousands of teams (issue #19).
    figures = selectors.team_figures(cohort)
    status_counts = Counter({k: figures[k] for k in (*Team.Status.values, "met", "unmet")})
    attention = selectors.teams_needing_attention(cohort, limit=ATTENTION_ROWS)
    for team in attention:
        team.cohort = cohort
        team.composition = team_composition(team)
    milestones = list(
        Milestone.objects.filter(cohort=cohort).annotate(
            on_time=Count(
                "deliverables",
                filter=Q(deliverables__first_submitted_at__lte=F("deadline")),
            ),
            late=Count(
                "deliverables",
                filter=Q(deliverables__first_submitted_at__gt=F("deadline")),
            ),
        )
    )
    team_total = figures["total"]
    for m in milestones:
        m.handed_in = m.on_time + m.late
        m.missing = team_total - m.handed_in if m.deadline < now else 0
        m.pending = team_total - m.handed_in if m.deadline >= now else 0
    students = {"total": figures["students"]}
    enrolments = SchoolEnrolment.objects.filter(cohort=cohort).aggregate(
        requested=Count("id", filter=Q(status=SchoolEnrolment.Status.REQUESTED)),
        approved=Count("id", filter=Q(status=SchoolEnrolment.Status.APPROVED)),
    )
    unassigned = selectors.unassigned_students(cohort).count()
    # The dashboard lists only the teams that need attention; the team list has them all.
    return {
        "funnel": funnel,
        "team_total": team_total,
        "attention": attention,
        "attention_total": figures["attention"],
        "status_counts": status_counts,
        "milestones": milestones,
        "students": students,
        "enrolments": enrolments,
        "unassigned": unassigned,
        "programme": programme,
    }


@login_required
def dashboard(request, pk: int):
    cohort = _managed_cohort(request, pk)
    data = dashboard_data(cohort)
    base = reverse("cohorts:cohort_challenges", args=[cohort.pk])
    funnel = data["funnel"]
    funnel_chart = bar_chart(
        [
            (_("Submitted"), funnel["submitted"], f"{base}?status=submitted"),
            (_("Accepted"), funnel["accepted"], f"{base}?status=accepted"),
            (_("In the cohort"), funnel["in_cohort"], f"{base}?status=in"),
            (_("With a selected team"), funnel["selected"], f"{base}?status=selected"),
        ]
    )
    status_url = reverse("cohorts:milestone_status", args=[0]).rsplit("/0/", 1)[0]
    deliverables_chart = stacked_bar_chart(
        [
            (
                m.name,
                [
                    ("on_time", _("On time"), m.on_time, f"{status_url}/{m.pk}/?state=on_time"),
                    ("late", _("Late"), m.late, f"{status_url}/{m.pk}/?state=late"),
                    ("missing", _("Missing"), m.missing, f"{status_url}/{m.pk}/?state=missing"),
                    ("pending", _("Not yet due"), m.pending, f"{status_url}/{m.pk}/?state=pending"),
                ],
            )
            for m in data["milestones"]
        ]
    )
    today = timezone.localdate()
    upcoming = [i for i in calendar_of(cohort, data["milestones"]) if i["date"] >= today][:6]
    attendance_template = _attendance_hook()
    return render(
        request,
        "cohorts/dashboard.html",
        {
            "cohort": cohort,
            **data,
            "funnel_chart": funnel_chart,
            "deliverables_chart": deliverables_chart,
            "upcoming": upcoming,
            "attendance_template": attendance_template,
            "attendance": _attendance(cohort) if attendance_template else None,
        },
    )


@login_required
def milestone_status(request, pk: int):
    """The list behind a dashboard figure: the teams of a milestone in one state."""
    _require_role(request, Role.COORDINATOR)
    milestone = get_object_or_404(
        Milestone.objects.filter(
            cohort__in=selectors.cohorts_managed_by(request.user)
        ).select_related("cohort__programme"),
        pk=pk,
    )
    state = request.GET.get("state", "")
    teams = Team.objects.filter(cohort_id=milestone.cohort_id).select_related(
        "challenge__municipality"
    )
    handed = Deliverable.objects.filter(milestone=milestone, team_id=OuterRef("pk"))
    teams = teams.annotate(
        handed_in=Exists(handed.filter(first_submitted_at__isnull=False)),
        late=Exists(handed.filter(first_submitted_at__gt=milestone.deadline)),
    )
    if state == "on_time":
        teams = teams.filter(handed_in=True, late=False)
    elif state == "late":
        teams = teams.filter(late=True)
    elif state in ("missing", "pending"):
        teams = teams.filter(handed_in=False)
    else:
        state = ""
    return render(
        request,
        "cohorts/milestone_status.html",
        {
            "milestone": milestone,
            "cohort": milestone.cohort,
            "page": _page(request, teams.order_by("name")),
            "state": state,
            "query": f"state={state}" if state else "",
            "past": milestone.deadline < timezone.now(),
        },
    )


EXPORT_HEADER = [
    "team",
    "team_status",
    "challenge",
    "municipality",
    "last_name",
    "first_name",
    "email",
    "school",
    "discipline",
]


def _export_rows(cohort: Cohort):
    members = (
        TeamMember.objects.filter(cohort=cohort)
        .select_related("team__challenge__municipality", "user", "school")
        .order_by("team__name", "user__last_name", "user__first_name")
    )
    for m in members.iterator(chunk_size=2000):
        challenge = m.team.challenge
        yield [
            m.team.name,
            m.team.get_status_display(),
            challenge.title if challenge else "",
            challenge.municipality.name if challenge else "",
            m.user.last_name,
            m.user.first_name,
            m.user.email,
            m.school.name,
            m.discipline,
        ]


def _safe_cell(value: str) -> str:
    """Defuse spreadsheet formulas in exported text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
def dashboard_export(request, pk: int, fmt: str):
    cohort = _managed_cohort(request, pk)
    filename = f"teams-{cohort.programme.slug}-{cohort.year}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_HEADER)
        for row in _export_rows(cohort):
            writer.writerow([_safe_cell(v) for v in row])
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Teams and students")[:31])
        sheet.append(EXPORT_HEADER)
        for row in _export_rows(cohort):
            sheet.append([_safe_cell(v) for v in row])
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    raise Http404
