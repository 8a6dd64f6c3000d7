"""A coordinator starts a programme from the platform: "New programme" on the cohorts page.

The creator's organisation coordinates it (a choice when they coordinate several)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts import services
from cohorts.forms import ProgrammeForm
from curiouslab.accounts.models import Organisation, OrganisationKind, Role
from curiouslab.accounts.roles import roles_for
from curiouslab.errors import DomainError


def coordinated_organisations(user):
    return Organisation.objects.filter(
        id__in=roles_for(user).orgs(Role.COORDINATOR),
        kind__in=[OrganisationKind.DEPARTEMENT, OrganisationKind.PARTNER],
    ).order_by("name")


class ProgrammeCreateForm(ProgrammeForm):
    organisation = django_forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=gettext_lazy("Coordinating organisation"),
        empty_label=None,
    )

    class Meta(ProgrammeForm.Meta):
        fields = ["organisation", *ProgrammeForm.Meta.fields]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = coordinated_organisations(user)


@login_required
def programme_create(request):
    if not request.user.has_perm("cohorts.create_programme"):
        raise PermissionDenied
    form = ProgrammeCreateForm(request.POST or None, user=request.user)
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
                _("The programme “%(name)s” has been created. Add its first cohort.")
                % {"name": programme.name},
            )
            return redirect("cohorts:cohort_list")
    return render(
        request,
        "cohorts/programme_create.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
