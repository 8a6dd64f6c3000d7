"""School enrolment: a referent asks to take part, the coordinator decides, the school
invites or imports its students."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cohorts import forms, selectors, services
from cohorts.formats import Feature
from cohorts.models import SchoolEnrolment
from cohorts.views.common import managed_cohort, page_of, refused, require_role
from curiouslab.accounts.models import Invitation, Organisation, Role
from curiouslab.accounts.roles import roles_for
from curiouslab.downloads import serve_bytes
from curiouslab.errors import DomainError


@login_required
def enrolment_request(request, cohort_pk: int):
    require_role(request, Role.SCHOOL_REFERENT)
    schools = Organisation.objects.filter(id__in=roles_for(request.user).orgs(Role.SCHOOL_REFERENT))
    cohort = get_object_or_404(selectors.cohorts_open_to_schools_of(request.user), pk=cohort_pk)
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
    cohort = managed_cohort(request, cohort_pk, feature=Feature.SCHOOLS)
    status = request.GET.get("status", "")
    if status not in SchoolEnrolment.Status.values:
        status = ""
    page = page_of(request, selectors.cohort_enrolments(cohort, status))
    for e in page:  # the coordinator's choices, from the enrolment's transitions
        allowed = services.ENROLMENT_TRANSITIONS[e.status]
        e.can_approve = SchoolEnrolment.Status.APPROVED in allowed
        e.can_decline = SchoolEnrolment.Status.DECLINED in allowed
    return render(
        request,
        "cohorts/enrolment_list.html",
        {
            "cohort": cohort,
            "page": page,
            "status": status,
            "query": f"status={status}" if status else "",
        },
    )


@login_required
@require_POST
def enrolment_decide(request, pk: int):
    require_role(request, Role.COORDINATOR)
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
    students = selectors.enrolment_students(enrolment)
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
            "page": page_of(request, students),
            "invitations": invitations,
            "form": form,
            "disciplines_form": disciplines_form,
            "import_form": forms.StudentImportForm(),
            "coordinates": request.user.has_perm("cohorts.decide_enrolment", enrolment),
            "can_invite": request.user.has_perm("cohorts.invite_students", enrolment),
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
        return refused(request, exc, back)
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
    return serve_bytes(
        "\ufeff" + buffer.getvalue(),
        filename=_("students-template.csv"),
        content_type="text/csv; charset=utf-8",
    )
