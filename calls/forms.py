"""Forms of the calls for projects. Rows that vary in number (criteria, attachment types,
budget lines) are formsets bounded by ``absolute_max``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.enums import ATTACHMENT_FORMATS, TEXT_SECTIONS, BudgetKind, Confidence, Recommendation
from calls.enums import Section as SectionChoice
from calls.models import SCALE_MAX, SCALE_MIN, Call
from calls.services import AttachmentTypeData, BudgetRow, CriterionData
from cohorts.forms import DateTimeInput
from curiouslab.accounts.models import OrganisationKind

MAX_CRITERIA = 12
MAX_ATTACHMENT_TYPES = 12
MAX_BUDGET_LINES = 40
MAX_AMOUNT = 100_000_000  # 100 M€: more than any call's envelope


class CallForm(forms.ModelForm):
    eligible_kinds = forms.MultipleChoiceField(
        label=_("Organisations that may apply"),
        choices=[c for c in OrganisationKind.choices if c[0] != OrganisationKind.PLATFORM],
        widget=forms.CheckboxSelectMultiple,
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections of the dossier"),
        choices=SectionChoice.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(SectionChoice.values),
    )
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        widget=DateTimeInput(),
        help_text=_("To the minute: a dossier submitted from this moment on is refused."),
    )
    funding_ceiling = forms.IntegerField(
        label=_("Funding ceiling (€)"), min_value=0, max_value=MAX_AMOUNT
    )
    envelope = forms.IntegerField(label=_("Envelope (€)"), min_value=0, max_value=MAX_AMOUNT)

    class Meta:
        model = Call
        fields = [
            "title",
            "summary",
            "eligibility",
            "eligible_kinds",
            "opens_at",
            "closes_at",
            "sections",
            "funding_ceiling",
            "envelope",
            "experts_per_dossier",
            "experts_see_each_other",
            "normalisation",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and opens >= closes:
            self.add_error("closes_at", _("The call must open before it closes."))
        ceiling, envelope = data.get("funding_ceiling"), data.get("envelope")
        if ceiling is not None and envelope is not None and ceiling > envelope:
            self.add_error("funding_ceiling", _("The funding ceiling cannot exceed the envelope."))
        return data


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=120)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)
    descriptors = forms.CharField(
        label=_("Level descriptors"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What each level means, one line a level (from 0 to 5)."),
    )


class AttachmentTypeForm(forms.Form):
    name = forms.CharField(label=_("Attachment"), max_length=120)
    formats = forms.MultipleChoiceField(
        label=_("File types"),
        choices=list(ATTACHMENT_FORMATS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    max_mb = forms.IntegerField(label=_("Size limit (MB)"), min_value=1, max_value=50, initial=10)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)


CriterionFormSet = forms.formset_factory(
    CriterionForm,
    extra=2,
    max_num=MAX_CRITERIA,
    absolute_max=MAX_CRITERIA,
    validate_max=True,
    can_delete=True,
)
AttachmentTypeFormSet = forms.formset_factory(
    AttachmentTypeForm,
    extra=2,
    max_num=MAX_ATTACHMENT_TYPES,
    absolute_max=MAX_ATTACHMENT_TYPES,
    validate_max=True,
    can_delete=True,
)


def _kept(formset) -> list[dict]:
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
    ]


def criteria_of(formset) -> list[CriterionData]:
    return [CriterionData(d["name"], d["weight"], d.get("descriptors", "")) for d in _kept(formset)]


def attachment_types_of(formset) -> list[AttachmentTypeData]:
    return [
        AttachmentTypeData(d["name"], list(d["formats"]), d["max_mb"], bool(d.get("required")))
        for d in _kept(formset)
    ]


class DossierStartForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Applicant organisation"), queryset=None)
    title = forms.CharField(label=_("Project title"), max_length=200)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class DossierForm(forms.Form):
    """The call's text sections; the parts not open for changes are shown disabled."""

    title = forms.CharField(label=_("Project title"), max_length=200)
    amount_requested = forms.IntegerField(
        label=_("Amount requested (€)"), min_value=0, max_value=MAX_AMOUNT, required=False
    )

    def __init__(self, *args, dossier, editable: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(SectionChoice.choices)
        for key in dossier.call.sections:
            if key in TEXT_SECTIONS:
                self.fields[key] = forms.CharField(
                    label=labels[key],
                    required=False,
                    max_length=20_000,
                    widget=forms.Textarea(attrs={"rows": 5}),
                    initial=dossier.section_text(key),
                )
        self.fields["title"].initial = dossier.title
        self.fields["amount_requested"].initial = dossier.amount_requested
        if SectionChoice.BUDGET not in dossier.call.sections:
            del self.fields["amount_requested"]
        for name, field in self.fields.items():
            part = SectionChoice.BUDGET if name == "amount_requested" else name
            if part not in editable:
                field.disabled = True

    def sections(self) -> dict[str, str]:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k in TEXT_SECTIONS and not self.fields[k].disabled
        }


class BudgetLineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BudgetKind.choices)
    label = forms.CharField(label=_("Item"), max_length=200)
    amount = forms.IntegerField(label=_("Amount (€)"), min_value=0, max_value=MAX_AMOUNT)


BudgetFormSet = forms.formset_factory(
    BudgetLineForm,
    extra=3,
    max_num=MAX_BUDGET_LINES,
    absolute_max=MAX_BUDGET_LINES,
    validate_max=True,
    can_delete=True,
)


def budget_of(formset) -> list[BudgetRow]:
    return [
        BudgetRow(d["kind"], d["label"], d["amount"])
        for d in (f.cleaned_data for f in formset.forms)
        if d and not d.get("DELETE") and d.get("label")
    ]


class AttachmentForm(forms.Form):
    type = forms.ModelChoiceField(label=_("Kind of piece"), queryset=None)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = call.attachment_types.all()


class AdmissibilityForm(forms.Form):
    DECISIONS = [
        ("admissible", _("Admissible")),
        ("inadmissible", _("Not admissible")),
        ("incomplete", _("Request missing pieces")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the applicant by e-mail."),
    )
    reopen = forms.MultipleChoiceField(
        label=_("Parts to complete"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these parts open again for the applicant."),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reopen"].choices = call.section_labels


class ExpertInviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    tags = forms.CharField(
        label=_("Fields of expertise"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas, e.g. numérique, santé, mobilité."),
    )

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data["tags"])


def parse_tags(text: str) -> list[str]:
    return sorted({t.strip().lower() for t in text.split(",") if t.strip()})[:20]


class ConflictForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, required=False)
    region = forms.ModelChoiceField(label=_("Région"), queryset=None, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, call, **kwargs):
        from curiouslab.accounts.models import Organisation  # noqa: PLC0415 -- kept beside its one use
        from territories.models import Region  # noqa: PLC0415 -- kept beside its one use

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            dossiers__call=call
        ).order_by("name")
        self.fields["region"].queryset = Region.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not data.get("region"):
            raise forms.ValidationError(_("Name an organisation or a region."))
        return data


class OpinionForm(forms.Form):
    confidence = forms.TypedChoiceField(
        label=_("Confidence"), choices=Confidence.choices, coerce=int, initial=Confidence.MEDIUM
    )
    strengths = forms.CharField(
        label=_("Strengths"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    weaknesses = forms.CharField(
        label=_("Weaknesses"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=[("", "—"), *Recommendation.choices],
        required=False,
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"score-{c.pk}"] = forms.TypedChoiceField(
                label=c.name,
                choices=[("", "—")] + [(i, str(i)) for i in range(SCALE_MIN, SCALE_MAX + 1)],
                coerce=int,
                empty_value=None,
                required=False,
                help_text=" · ".join(c.descriptor_lines),
            )

    def scores(self) -> dict[int, int]:
        return {
            c.pk: self.cleaned_data[f"score-{c.pk}"]
            for c in self.criteria
            if self.cleaned_data.get(f"score-{c.pk}") is not None
        }
