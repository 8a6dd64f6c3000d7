"""Forms of the agents' school. Refusals a person can fix are field errors in French; the
services re-check everything."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from territories.forms import CommuneField
from training import selectors
from training.models import Indicator, Module, ReplicationSheet, UserTest

MAX_ID = 2**63 - 1
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _Choice(forms.ModelChoiceField):
    """A posted id no column can hold is an invalid choice, not a database error."""

    def to_python(self, value):
        digits = str(value or "").strip().lstrip("+-")
        if digits and (not digits.isascii() or not digits.isdigit() or len(digits) > 18):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        if digits and int(digits) > MAX_ID:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title", "objectives", "duration_hours", "trainer"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"duration_hours": _("In hours, e.g. 7 for a day.")}


class ScheduleForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A session must end after it starts."))
        elif starts and ends and (ends - starts).total_seconds() > 12 * 3600:
            self.add_error("ends_at", _("A session of a module lasts at most twelve hours."))
        return data


class AgentForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    employer = _Choice(label=_("Employer"), queryset=None)
    job_family = forms.CharField(label=_("Job family"), max_length=80)
    team_name = forms.CharField(label=_("Team"), max_length=120)

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = selectors.employers_for(cohort)


class ExperimentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    team = _Choice(label=_("Team of agents"), queryset=None)
    service = forms.CharField(label=_("Service concerned"), max_length=200)

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = cohort.teams.order_by("name")
        self.fields["commune"] = CommuneField(
            label=_("Commune"), departements=selectors.territory_codes(cohort)
        )
        self.order_fields(["title", "commune", "service", "team"])


class UserTestForm(forms.ModelForm):
    class Meta:
        model = UserTest
        fields = ["held_on", "people_met", "learnt"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "learnt": forms.Textarea(attrs={"rows": 3}),
        }


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "before", "after"]
        help_texts = {"after": _("Leave empty until it has been measured.")}

    def validate_unique(self):
        pass  # an indicator of the same name is updated (training.services.indicator_save)


class EvaluationForm(forms.Form):
    evaluation = forms.CharField(
        label=_("Evaluation"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )


class SheetForm(forms.ModelForm):
    class Meta:
        model = ReplicationSheet
        fields = ["conditions", "costs", "steps", "pitfalls"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}
        help_texts = {
            "conditions": _("What must be in place: people, partners, the service's context."),
            "costs": _("Time spent, budget, equipment."),
            "steps": _("What to do, in order."),
            "pitfalls": _("What went wrong, and how to avoid it."),
        }
