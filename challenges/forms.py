from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from challenges.models import (
    CONTENT_FIELDS,
    REQUIRED_TO_SUBMIT,
    Challenge,
    ChallengeStatus,
    OutcomeStatus,
    Theme,
)
from challenges.services import ATTACHMENT_TYPES, ATTACHMENT_TYPES_HELP
from cohorts.models import Cohort
from curiouslab.accounts.models import Organisation

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ChallengeForm(forms.ModelForm):
    """The structured form of a défi. A draft needs only its title, question and theme; the
    other fields are checked when it is submitted."""

    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Organisation.objects.none()
    )
    call = forms.ModelChoiceField(
        label=_("Programme year"),
        queryset=Cohort.objects.none(),
        help_text=_("The call for challenges this challenge answers."),
    )

    class Meta:
        model = Challenge
        fields = CONTENT_FIELDS
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "stakes": TEXTAREA,
            "stakeholders": TEXTAREA,
            "users_concerned": TEXTAREA,
            "obstacles": TEXTAREA,
            "levers": TEXTAREA,
            "expected_outcome": TEXTAREA,
        }

    def __init__(self, *args, municipalities=None, calls=None, **kwargs):
        super().__init__(*args, **kwargs)
        creating = self.instance.pk is None
        if creating:
            self.fields["municipality"].queryset = municipalities
            self.fields["call"].queryset = calls
            if len(municipalities) == 1:
                self.fields["municipality"].initial = municipalities[0]
                self.fields["municipality"].widget = forms.HiddenInput()
            if len(calls) == 1:
                self.fields["call"].initial = calls[0]
        else:
            del self.fields["municipality"]
            del self.fields["call"]
        self.order_fields(["municipality", "call", *CONTENT_FIELDS])
        self.fields["theme"].choices = [("", "---------"), *Theme.choices]
        self.fields["question"].widget.attrs["maxlength"] = 300
        # What a submission needs beyond a draft, said on each field.
        for name in self.submit_only_fields():
            field = self.fields[name]
            field.help_text = format_lazy("{} {}", _("Required to submit."), field.help_text)

    @staticmethod
    def submit_only_fields() -> list[str]:
        """The fields a draft may leave empty but a submission needs."""
        draft = {n for n in REQUIRED_TO_SUBMIT if not Challenge._meta.get_field(n).blank}
        return [n for n in REQUIRED_TO_SUBMIT if n not in draft]

    def submit_only_labels(self) -> str:
        return ", ".join(str(self.fields[n].label).lower() for n in self.submit_only_fields())

    def mark_missing_to_submit(self, challenge: Challenge) -> None:
        """Mark on each field what a submission still lacks (after a refused submission)."""
        if not hasattr(self, "cleaned_data"):
            self.cleaned_data = {}
        self.errors  # noqa: B018 - computes the (empty) errors of an unbound form
        for name in REQUIRED_TO_SUBMIT:
            if name in self.fields and not str(getattr(challenge, name) or "").strip():
                self.add_error(name, _("Required to submit the challenge."))

    def clean_question(self):
        question = self.cleaned_data["question"].strip()
        if len(question) < 10:
            raise forms.ValidationError(_("Write the challenge as a full question."))
        return question

    def clean(self):
        data = super().clean()
        municipality, call = data.get("municipality"), data.get("call")
        if municipality and call and call.programme.organisation_id != municipality.territory_id:
            self.add_error("call", _("This programme is not open to your municipality."))
        return data

    def content(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in CONTENT_FIELDS}


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Add a file"),
        help_text=ATTACHMENT_TYPES_HELP,
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(sorted({f".{ext}" for ext in ATTACHMENT_TYPES.values()}))}
        ),
    )


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the municipality"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutcomeForm(forms.Form):
    outcome_status = forms.ChoiceField(label=_("What became of it"), choices=OutcomeStatus.choices)
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was actually built after the programme, in a few sentences."),
    )


class QueueFilterForm(forms.Form):
    """The filters of the review queue (and of its exports)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    # The queue opens on what needs action; "all" is one click away.
    TO_REVIEW = ""
    ALL = "all"
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(TO_REVIEW, _("To review (submitted or resubmitted)")), (ALL, _("All states"))]
        + [c for c in ChallengeStatus.choices if c[0] != ChallengeStatus.DRAFT],
    )
    theme = forms.ChoiceField(
        label=_("Theme"), required=False, choices=[("", _("All themes")), *Theme.choices]
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All municipalities"),
    )
    year = forms.TypedChoiceField(label=_("Programme year"), required=False, coerce=int)

    def __init__(self, *args, municipalities, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["year"].choices = [("", _("All years"))] + [(y, f"{y}-{y + 1}") for y in years]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        self.fields["q"].widget.attrs.update(
            {"class": "form-control form-control-sm", "type": "search"}
        )
