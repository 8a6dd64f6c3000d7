"""Pages of the agents' school: the modules of an edition and their sessions, the agents and
their training records, the experiments and their replication sheet, whose published page
is public on purpose (another collectivité reads it to reproduce the experiment)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.formats import Feature
from cohorts.selectors import cohorts_managed_by
from cohorts.views.common import managed_cohort, page_of, require_role
from curiouslab.accounts.models import Role
from curiouslab.errors import DomainError
from training import forms, selectors, services
from training.enums import SheetStatus
from training.models import Experiment, Module


def _managed_module(request, pk: int) -> Module:
    require_role(request, Role.COORDINATOR)
    return get_object_or_404(
        Module.objects.filter(cohort__in=cohorts_managed_by(request.user)).select_related(
            "cohort__programme"
        ),
        pk=pk,
    )


def _visible_experiment(request, pk: int) -> Experiment:
    try:
        return selectors.experiment_for_detail(request.user, pk)
    except Experiment.DoesNotExist:
        raise Http404 from None


# --- Modules ---------------------------------------------------------------------------------


@login_required
def modules(request, cohort_pk: int):
    cohort = managed_cohort(request, cohort_pk, feature=Feature.MODULES)
    form = forms.ModuleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                module = services.module_create(
                    cohort=cohort, actor=request.user, data=services.ModuleData(**form.cleaned_data)
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The module has been added."))
                return redirect("training:module_detail", module.pk)
        status = 400
    context = {"cohort": cohort, "modules": selectors.cohort_modules(cohort), "form": form}
    return render(request, "training/modules.html", context, status=status)


def _module_page(request, module, form, status=200):
    module.cohort.programme  # noqa: B018 -- loaded with the module
    sessions = [ms.session for ms in module.module_sessions.select_related("session")]
    return render(
        request,
        "training/module_detail.html",
        {"module": module, "cohort": module.cohort, "sessions": sessions, "form": form},
        status=status,
    )


@login_required
def module_detail(request, pk: int):
    module = _managed_module(request, pk)
    return _module_page(request, module, forms.ScheduleForm())


@login_required
@require_POST
def module_schedule(request, pk: int):
    module = _managed_module(request, pk)
    form = forms.ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.module_schedule(module=module, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The session of the module has been scheduled."))
            return redirect("training:module_detail", module.pk)
    return _module_page(request, module, form, status=400)


# --- Agents and training records -------------------------------------------------------------


def _records_page(request, cohort, form, status=200):
    page = page_of(request, selectors.training_records(cohort))
    return render(
        request,
        "training/records.html",
        {"cohort": cohort, "page": page, "form": form},
        status=status,
    )


@login_required
def records(request, cohort_pk: int):
    cohort = managed_cohort(request, cohort_pk, feature=Feature.MODULES)
    return _records_page(request, cohort, forms.AgentForm(cohort=cohort))


@login_required
@require_POST
def agent_add(request, cohort_pk: int):
    cohort = managed_cohort(request, cohort_pk, feature=Feature.MODULES)
    form = forms.AgentForm(request.POST, cohort=cohort)
    if form.is_valid():
        try:
            member = services.agent_add(
                cohort=cohort, actor=request.user, data=services.AgentData(**form.cleaned_data)
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s has joined the team %(team)s.")
                % {"name": member.user.get_full_name() or member.user.email, "team": member.team},
            )
            return redirect("training:records", cohort.pk)
    return _records_page(request, cohort, form, status=400)


@login_required
def my_record(request):
    require_role(request, Role.STUDENT)
    return render(
        request, "training/my_record.html", {"records": selectors.records_of(request.user)}
    )


# --- Experiments -----------------------------------------------------------------------------


@login_required
def experiments(request, cohort_pk: int):
    cohort = managed_cohort(request, cohort_pk, feature=Feature.EXPERIMENTS)
    form = forms.ExperimentForm(request.POST or None, cohort=cohort)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                experiment = services.experiment_create(
                    cohort=cohort,
                    actor=request.user,
                    data=services.ExperimentData(**form.cleaned_data),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The experiment has been created."))
                return redirect("training:experiment_detail", experiment.pk)
        status = 400
    context = {
        "cohort": cohort,
        "experiments": selectors.cohort_experiments(cohort),
        "form": form,
    }
    return render(request, "training/experiments.html", context, status=status)


def _experiment_page(request, experiment, status=200, **bound):
    sheet = getattr(experiment, "replication_sheet", None)
    context = {
        "experiment": experiment,
        "cohort": experiment.cohort,
        "sheet": sheet,
        "can_change": request.user.has_perm("training.change_experiment", experiment),
        "can_publish": request.user.has_perm("training.publish_sheet", experiment),
        "is_published": sheet is not None and sheet.status == SheetStatus.PUBLISHED,
        "test_form": forms.UserTestForm(),
        "indicator_form": forms.IndicatorForm(),
        "evaluation_form": forms.EvaluationForm(initial={"evaluation": experiment.evaluation}),
        "sheet_form": forms.SheetForm(instance=sheet),
        **bound,
    }
    return render(request, "training/experiment_detail.html", context, status=status)


@login_required
def experiment_detail(request, pk: int):
    return _experiment_page(request, _visible_experiment(request, pk))


def _changed(request, pk: int):
    experiment = _visible_experiment(request, pk)
    if not request.user.has_perm("training.change_experiment", experiment):
        raise PermissionDenied
    return experiment


def _post(request, experiment, form, name: str, write, done: str):
    """Validate ``form``, call ``write(cleaned_data)``, or show the page again with the
    errors (400): nothing is saved."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("training:experiment_detail", experiment.pk)
    return _experiment_page(request, experiment, status=400, **{name: form})


@login_required
@require_POST
def user_test_add(request, pk: int):
    experiment = _changed(request, pk)
    return _post(
        request,
        experiment,
        forms.UserTestForm(request.POST),
        "test_form",
        lambda d: services.user_test_add(experiment=experiment, actor=request.user, **d),
        _("The user test has been added."),
    )


@login_required
@require_POST
def indicator_save(request, pk: int):
    experiment = _changed(request, pk)
    return _post(
        request,
        experiment,
        forms.IndicatorForm(request.POST),
        "indicator_form",
        lambda d: services.indicator_save(experiment=experiment, actor=request.user, **d),
        _("The indicator has been saved."),
    )


@login_required
@require_POST
def evaluation_save(request, pk: int):
    experiment = _changed(request, pk)
    return _post(
        request,
        experiment,
        forms.EvaluationForm(request.POST),
        "evaluation_form",
        lambda d: services.evaluation_save(experiment=experiment, actor=request.user, **d),
        _("The evaluation has been saved."),
    )


@login_required
@require_POST
def sheet_save(request, pk: int):
    experiment = _changed(request, pk)
    return _post(
        request,
        experiment,
        forms.SheetForm(request.POST),
        "sheet_form",
        lambda d: services.sheet_save(experiment=experiment, actor=request.user, data=d),
        _("The replication sheet has been saved."),
    )


@login_required
@require_POST
def sheet_status(request, pk: int):
    experiment = _visible_experiment(request, pk)
    if not request.user.has_perm("training.publish_sheet", experiment):
        raise PermissionDenied
    sheet = getattr(experiment, "replication_sheet", None)
    status = request.POST.get("status", "")
    if sheet is None or status not in SheetStatus.values:
        messages.error(request, _("Write the replication sheet before publishing it."))
        return redirect("training:experiment_detail", experiment.pk)
    try:
        services.sheet_set_status(sheet=sheet, status=status, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        done = (
            _("The replication sheet is published.")
            if status == SheetStatus.PUBLISHED
            else _("The replication sheet is withdrawn from publication.")
        )
        messages.success(request, done)
    return redirect("training:experiment_detail", experiment.pk)


def sheet_public(request, slug: str):
    """A published replication sheet, for anyone: public on purpose (a draft is a 404)."""
    sheet = get_object_or_404(selectors.replication_sheets_public(), slug=slug)
    experiment = sheet.experiment
    context = {
        "sheet": sheet,
        "experiment": experiment,
        "user_tests": list(experiment.user_tests.all()),
        "indicators": list(experiment.indicators.all()),
        "people_met": sum(t.people_met for t in experiment.user_tests.all()),
    }
    return render(request, "training/sheet_public.html", context)
