"""Pages of the calls for projects: the coordinator's (the call, its dossiers, its experts,
the assignment, the synthesis), the applicant's (the dossier) and the expert's (the assigned
dossiers and the opinion), and the public call page and receipt check. Every detail is
fetched through a selector that starts from what the user may see: an outsider gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from calls import exports, forms, selectors, services
from calls.conflicts import excluded_pairs
from calls.enums import TEXT_SECTIONS, CallStatus, DossierStatus, Section
from calls.models import Call, Dossier
from calls.receipt import render_receipt
from calls.rules import applicant_org_ids
from calls.synthesis import synthesis_for
from cohorts.selectors import programmes_coordinated_by
from curiouslab.accounts.models import Organisation, Role
from curiouslab.accounts.roles import roles_for
from curiouslab.downloads import serve_bytes, serve_stored_file
from curiouslab.errors import DomainError


def _managed_call(request, pk: int) -> Call:
    if not roles_for(request.user).has(Role.COORDINATOR):
        raise Http404
    return get_object_or_404(selectors.calls_managed_by(request.user), pk=pk)


def _own_dossier(request, pk: int) -> Dossier:
    return get_object_or_404(selectors.dossiers_visible_to(request.user), pk=pk)


def _refused(request, exc: DomainError, to: str, *args):
    messages.error(request, exc.message)
    return redirect(to, *args)


@login_required
def home(request):
    """Every call-related thing the person has: the calls they run, the calls open to their
    organisations and their dossiers, the dossiers assigned to them as an expert."""
    user = request.user
    return render(
        request,
        "calls/home.html",
        {
            "managed": list(selectors.calls_managed_by(user)),
            "programmes": list(programmes_coordinated_by(user)),
            "open_calls": selectors.calls_open_to(user),
            "dossiers": list(selectors.dossiers_visible_to(user)),
            "assignments": list(selectors.assignments_of(user)[:200]),
        },
    )


# --- The call -------------------------------------------------------------------------------


def _call_forms(request, call: Call | None):
    data = request.POST if request.method == "POST" else None
    if call is None:
        initial_criteria = [{"name": _("Relevance"), "weight": 2}]
        initial_types = []
    else:
        initial_criteria = [
            {"name": c.name, "weight": c.weight, "descriptors": c.descriptors}
            for c in call.criteria.all()
        ]
        initial_types = [
            {"name": t.name, "formats": t.formats, "max_mb": t.max_mb, "required": t.required}
            for t in call.attachment_types.all()
        ]
    form = forms.CallForm(data, instance=call)
    # Posted, every row counts (with an initial, Django skips a row posted unchanged).
    criteria = forms.CriterionFormSet(
        data, prefix="criteria", initial=None if data else initial_criteria
    )
    types = forms.AttachmentTypeFormSet(
        data, prefix="types", initial=None if data else initial_types
    )
    return form, criteria, types


def _save_call(request, programme, call, form, criteria, types):
    try:
        data = {f: form.cleaned_data[f] for f in services.CALL_FIELDS}
        kwargs = {
            "actor": request.user,
            "data": data,
            "criteria": forms.criteria_of(criteria),
            "attachment_types": forms.attachment_types_of(types),
        }
        if call is None:
            return services.call_create(programme=programme, **kwargs), None
        return services.call_update(call=call, **kwargs), None
    except DomainError as exc:
        return None, exc


@login_required
def call_create(request, programme_pk: int):
    if not roles_for(request.user).has(Role.COORDINATOR):
        raise PermissionDenied
    programme = get_object_or_404(programmes_coordinated_by(request.user), pk=programme_pk)
    return _call_form_page(request, programme, None)


@login_required
def call_edit(request, pk: int):
    call = _managed_call(request, pk)
    return _call_form_page(request, call.programme, call)


def _call_form_page(request, programme, call):
    form, criteria, types = _call_forms(request, call)
    if request.method == "POST" and form.is_valid() and criteria.is_valid() and types.is_valid():
        saved, exc = _save_call(request, programme, call, form, criteria, types)
        if exc is None:
            messages.success(request, _("The call has been saved."))
            return redirect("calls:call_manage", saved.pk)
        form.add_error(None, exc.message)
    return render(
        request,
        "calls/call_form.html",
        {"form": form, "criteria": criteria, "types": types, "programme": programme, "call": call},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def call_manage(request, pk: int):
    call = _managed_call(request, pk)
    return render(
        request,
        "calls/call_manage.html",
        {
            "call": call,
            "dossiers": list(selectors.call_dossiers(call)[:500]),
            "can_publish": call.status == CallStatus.DRAFT,
        },
    )


@login_required
@require_POST
def call_publish(request, pk: int):
    call = _managed_call(request, pk)
    try:
        services.call_set_status(call=call, actor=request.user, status=CallStatus.PUBLISHED)
    except DomainError as exc:
        return _refused(request, exc, "calls:call_manage", call.pk)
    messages.success(request, _("The call is published."))
    return redirect("calls:call_manage", call.pk)


def call_public(request, slug: str):
    call = get_object_or_404(selectors.calls_public(), slug=slug)
    user = request.user
    organisations = []
    if user.is_authenticated:
        organisations = list(
            Organisation.objects.filter(
                pk__in=applicant_org_ids(user), kind__in=call.eligible_kinds
            ).exclude(dossiers__call=call)
        )
    return render(
        request,
        "calls/call_public.html",
        {
            "call": call,
            "criteria": list(call.criteria.all()),
            "attachment_types": list(call.attachment_types.all()),
            "is_open": call.is_open(),
            "start_form": forms.DossierStartForm(
                organisations=Organisation.objects.filter(pk__in=[o.pk for o in organisations])
            )
            if organisations and call.is_open()
            else None,
        },
    )


# --- The dossier ----------------------------------------------------------------------------


@login_required
@require_POST
def dossier_start(request, slug: str):
    call = get_object_or_404(selectors.calls_public(), slug=slug)
    organisations = Organisation.objects.filter(
        pk__in=applicant_org_ids(request.user), kind__in=call.eligible_kinds
    )
    if not organisations.exists():
        raise Http404
    form = forms.DossierStartForm(request.POST, organisations=organisations)
    if not form.is_valid():
        messages.error(request, _("Choose your organisation and give the project a title."))
        return redirect("calls:call_public", call.slug)
    try:
        dossier = services.dossier_create(
            call=call,
            organisation=form.cleaned_data["organisation"],
            actor=request.user,
            title=form.cleaned_data["title"],
        )
    except DomainError as exc:
        return _refused(request, exc, "calls:call_public", call.slug)
    return redirect("calls:dossier_edit", dossier.pk)


def _dossier_context(dossier: Dossier, editable: set[str]) -> dict:
    totals = selectors.budget_totals(dossier)
    labels = dict(Section.choices)
    return {
        "sections_read": [
            (labels[k], dossier.section_text(k))
            for k in dossier.call.sections
            if k in TEXT_SECTIONS
        ],
        "dossier": dossier,
        "call": dossier.call,
        "editable": editable,
        "budget_open": Section.BUDGET in editable,
        "attachments_open": Section.ATTACHMENTS in editable,
        "has_budget": Section.BUDGET in dossier.call.sections,
        "has_attachments": Section.ATTACHMENTS in dossier.call.sections,
        "attachments": list(dossier.attachments.select_related("type")),
        "revisions": list(dossier.revisions.select_related("author")[:20]),
        "totals": totals,
        "missing": services.missing_parts(dossier) if editable else [],
        "can_submit": dossier.status in services.EDITABLE_STATES,
        "has_receipt": dossier.submitted_at is not None,
        "is_open": dossier.call.is_open(),
    }


@login_required
def dossier_edit(request, pk: int):
    dossier = _own_dossier(request, pk)
    editable = services.editable_sections(dossier)
    data = request.POST if request.method == "POST" else None
    form = forms.DossierForm(data, dossier=dossier, editable=editable)
    budget_lines = list(dossier.budget_lines.all())
    initial = [{"kind": b.kind, "label": b.label, "amount": b.amount} for b in budget_lines]
    # The rows saved are the form's first rows when it is shown; posted, every row counts
    # (with an initial, Django would skip a row posted unchanged).
    budget = forms.BudgetFormSet(data, prefix="budget", initial=None if data else initial)
    if request.method == "POST":
        budget_open = Section.BUDGET in editable
        if form.is_valid() and (not budget_open or budget.is_valid()):
            try:
                changed = services.dossier_save(
                    dossier=dossier,
                    actor=request.user,
                    title=None if form.fields["title"].disabled else form.cleaned_data["title"],
                    sections=form.sections(),
                    budget=forms.budget_of(budget) if budget_open else None,
                    amount_requested=form.cleaned_data.get("amount_requested") or 0
                    if budget_open
                    else None,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if changed:
                    messages.success(request, _("The dossier has been saved."))
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("calls:dossier_edit", dossier.pk)
    context = _dossier_context(dossier, editable)
    context.update(
        form=form,
        budget=budget,
        attachment_form=forms.AttachmentForm(call=dossier.call),
        budget_lines=budget_lines,
    )
    return render(
        request, "calls/dossier_edit.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def dossier_submit(request, pk: int):
    dossier = _own_dossier(request, pk)
    try:
        services.dossier_set_status(
            dossier=dossier, actor=request.user, status=DossierStatus.SUBMITTED
        )
    except DomainError as exc:
        return _refused(request, exc, "calls:dossier_edit", dossier.pk)
    messages.success(
        request, _("Your dossier is submitted. Download the receipt: it proves the time.")
    )
    return redirect("calls:dossier_edit", dossier.pk)


@login_required
@require_POST
def attachment_add(request, pk: int):
    dossier = _own_dossier(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES, call=dossier.call)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of piece and a file."))
        return redirect("calls:dossier_edit", dossier.pk)
    try:
        services.attachment_add(
            dossier=dossier,
            actor=request.user,
            kind=form.cleaned_data["type"],
            upload=form.cleaned_data["file"],
        )
    except DomainError as exc:
        return _refused(request, exc, "calls:dossier_edit", dossier.pk)
    messages.success(request, _("The piece has been added."))
    return redirect("calls:dossier_edit", dossier.pk)


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_pk: int):
    dossier = _own_dossier(request, pk)
    attachment = get_object_or_404(dossier.attachments, pk=attachment_pk)
    try:
        services.attachment_delete(attachment=attachment, actor=request.user)
    except DomainError as exc:
        return _refused(request, exc, "calls:dossier_edit", dossier.pk)
    messages.success(request, _("The piece has been removed."))
    return redirect("calls:dossier_edit", dossier.pk)


def _readable_dossier(request, pk: int) -> Dossier:
    """A dossier the user may read: their organisation's, one of the calls they run, or one
    assigned to them without a conflict."""
    user = request.user
    for qs in (
        selectors.dossiers_visible_to(user),
        Dossier.objects.filter(call__in=selectors.calls_managed_by(user)),
        Dossier.objects.filter(pk__in=selectors.assignments_of(user).values("dossier_id")),
    ):
        found = qs.filter(pk=pk).first()
        if found is not None:
            return found
    raise Http404


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    dossier = _readable_dossier(request, pk)
    attachment = get_object_or_404(dossier.attachments, pk=attachment_pk)
    return serve_stored_file(
        attachment.file.name,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        storage=attachment.file.storage,
    )


@login_required
def receipt(request, pk: int):
    dossier = _readable_dossier(request, pk)
    if dossier.submitted_at is None or not (
        request.user.has_perm("calls.edit_dossier", dossier)
        or request.user.has_perm("calls.check_admissibility", dossier)
    ):
        raise Http404
    filename, content_type, content = render_receipt(dossier=dossier)
    return serve_bytes(content, filename=filename, content_type=content_type, inline=False)


def receipt_verify(request, code: str):
    dossier = (
        Dossier.objects.filter(receipt_code=code.strip().upper(), submitted_at__isnull=False)
        .select_related("call", "organisation")
        .first()
    )
    return render(
        request,
        "calls/receipt_verify.html",
        {"dossier": dossier, "code": code[:16]},
        status=200 if dossier else 404,
    )


# --- Admissibility --------------------------------------------------------------------------


@login_required
def dossier_review(request, pk: int):
    if not roles_for(request.user).has(Role.COORDINATOR):
        raise Http404
    dossier = get_object_or_404(
        Dossier.objects.filter(
            call__in=selectors.calls_managed_by(request.user), status__in=selectors.FILED
        ).select_related("call__programme", "organisation"),
        pk=pk,
    )
    form = forms.AdmissibilityForm(request.POST or None, call=dossier.call)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_set_status(
                dossier=dossier,
                actor=request.user,
                status=form.cleaned_data["decision"],
                reasons=form.cleaned_data["reasons"],
                reopen=form.cleaned_data["reopen"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("The decision has been recorded and sent to the applicant.")
            )
            return redirect("calls:call_manage", dossier.call_id)
    context = _dossier_context(dossier, set())
    context.update(
        form=form,
        can_decide=dossier.status == DossierStatus.SUBMITTED,
        budget_lines=list(dossier.budget_lines.all()),
    )
    return render(
        request,
        "calls/dossier_review.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


# --- Experts and assignment -----------------------------------------------------------------


@login_required
def experts(request, pk: int):
    call = _managed_call(request, pk)
    form = forms.ExpertInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_invite(
                call=call,
                actor=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                tags=form.cleaned_data["tags"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The expert has been invited."))
            return redirect("calls:experts", call.pk)
    return render(
        request,
        "calls/experts.html",
        {"call": call, "form": form, "experts": list(selectors.experts_of(call))},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def assignments(request, pk: int):
    """The proposal of the automatic balanced assignment, editable before it is saved: one
    checkbox per expert and dossier, ticked as proposed (or as saved)."""
    call = _managed_call(request, pk)
    experts_list = list(call.experts.all())
    dossiers = list(call.dossiers.filter(status__in=selectors.ASSESSED).order_by("title", "pk"))
    if request.method == "POST":
        pairs = set()
        for value in request.POST.getlist("pair")[: len(experts_list) * len(dossiers) + 1]:
            e, _sep, d = value.partition("-")
            if e.isdigit() and d.isdigit() and len(value) < 24:
                pairs.add((int(e), int(d)))
        try:
            count = services.assignments_save(call=call, actor=request.user, pairs=pairs)
        except DomainError as exc:
            return _refused(request, exc, "calls:assignments", call.pk)
        messages.success(
            request,
            ngettext("%(count)s assignment saved.", "%(count)s assignments saved.", count)
            % {"count": count},
        )
        return redirect("calls:call_manage", call.pk)
    saved = set(
        call.experts.filter(assignments__isnull=False).values_list("pk", "assignments__dossier_id")
    )
    proposal = services.assignment_proposal(call)
    proposed = {(e, d) for d, es in proposal.by_dossier.items() for e in es}
    chosen = saved if saved and "propose" not in request.GET else proposed
    excluded = excluded_pairs(call)
    rows = [
        {
            "dossier": d,
            "cells": [
                {
                    "value": f"{e.pk}-{d.pk}",
                    "checked": (e.pk, d.pk) in chosen,
                    "conflict": (e.pk, d.pk) in excluded,
                    "expert": e,
                }
                for e in experts_list
            ],
        }
        for d in dossiers
    ]
    return render(
        request,
        "calls/assignments.html",
        {
            "call": call,
            "experts": experts_list,
            "rows": rows,
            "proposal": proposal,
            "showing_saved": chosen is saved,
        },
    )


@login_required
def expert_home(request):
    """The expert's assigned dossiers (never one with a conflict) and their seats."""
    seats = list(
        selectors.seats_of(request.user)
        .select_related("call")
        .prefetch_related("conflicts__organisation", "conflicts__region")
    )
    if not seats:
        raise Http404
    return render(
        request,
        "calls/expert_home.html",
        {
            "seats": [(s, forms.ConflictForm(call=s.call, prefix=f"seat{s.pk}")) for s in seats],
            "assignments": list(selectors.assignments_of(request.user)),
        },
    )


@login_required
@require_POST
def conflict_declare(request, expert_pk: int):
    seat = get_object_or_404(selectors.seats_of(request.user).select_related("call"), pk=expert_pk)
    form = forms.ConflictForm(request.POST, call=seat.call, prefix=f"seat{seat.pk}")
    if not form.is_valid():
        messages.error(request, _("Name an organisation or a region."))
        return redirect("calls:expert_home")
    services.conflict_declare(
        expert=seat,
        actor=request.user,
        organisation=form.cleaned_data["organisation"],
        region=form.cleaned_data["region"],
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("Your conflict of interest has been recorded."))
    return redirect("calls:expert_home")


@login_required
def opinion(request, pk: int):
    assignment = get_object_or_404(selectors.assignments_of(request.user), pk=pk)
    dossier = assignment.dossier
    criteria = list(dossier.call.criteria.all())
    current = getattr(assignment, "opinion", None)
    initial = {}
    if current is not None:
        initial = {
            "confidence": current.confidence,
            "strengths": current.strengths,
            "weaknesses": current.weaknesses,
            "recommendation": current.recommendation,
            **{f"score-{k}": v for k, v in current.scores.items()},
        }
    form = forms.OpinionForm(request.POST or None, criteria=criteria, initial=initial)
    submitted = current is not None and current.submitted_at is not None
    if request.method == "POST" and not submitted and form.is_valid():
        try:
            services.opinion_save(
                assignment=assignment,
                actor=request.user,
                scores=form.scores(),
                confidence=form.cleaned_data["confidence"],
                strengths=form.cleaned_data["strengths"],
                weaknesses=form.cleaned_data["weaknesses"],
                recommendation=form.cleaned_data["recommendation"],
                submit="submit" in request.POST,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your opinion has been saved."))
            return redirect("calls:opinion", assignment.pk)
    if submitted:
        for field in form.fields.values():
            field.disabled = True
    context = _dossier_context(dossier, set())
    context.update(
        assignment=assignment,
        form=form,
        submitted=submitted,
        others=list(selectors.other_opinions(assignment)),
        budget_lines=list(dossier.budget_lines.all()),
    )
    return render(
        request, "calls/opinion.html", context, status=400 if request.method == "POST" else 200
    )


# --- Synthesis ------------------------------------------------------------------------------


@login_required
def synthesis(request, pk: int):
    call = _managed_call(request, pk)
    return render(
        request,
        "calls/synthesis.html",
        {"call": call, "rows": synthesis_for(call), "criteria": list(call.criteria.all())},
    )


@login_required
def ranking_export(request, pk: int, fmt: str):
    call = _managed_call(request, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "csv":
        return serve_bytes(
            exports.ranking_csv(call),
            filename=exports.filename(call, fmt),
            content_type="text/csv; charset=utf-8",
        )
    return serve_bytes(
        exports.ranking_xlsx(call),
        filename=exports.filename(call, fmt),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
