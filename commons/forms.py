"""The forms of the publication's steps: the coordinator's proposal and terms, the
municipality's approval, a member's consent."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commons.enums import Licence
from commons.models import Outcome, OutcomeMilestone

TEXT_MAX = 5000


class CommuneTextForm(forms.Form):
    commune_text = forms.CharField(
        label=_("Text about the commune"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the public page says about the commune and its challenge (a few sentences). "
            "The municipality approves it before anything is published."
        ),
    )


class TermsForm(forms.Form):
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=Licence.choices,
        initial=Licence.ETALAB,
        help_text=_("Under « All rights reserved » no file can be downloaded."),
    )
    versions = forms.MultipleChoiceField(
        label=_("Public deliverable versions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the versions ticked here are shown on the public page."),
    )

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._versions = {str(v.pk): v for v in versions}
        self.fields["versions"].choices = [
            (str(v.pk), f"{v.deliverable.milestone.name} · v{v.number}") for v in versions
        ]

    def chosen_versions(self) -> list:
        return [self._versions[pk] for pk in self.cleaned_data["versions"]]


class ConsentForm(forms.Form):
    given = forms.TypedChoiceField(
        label=_("May your name appear on the public page?"),
        choices=[("yes", _("Yes, my name may appear")), ("no", _("No, show the team's name only"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class OutcomeForm(forms.ModelForm):
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("A PNG, JPEG or WebP image, 5 MB at most: what was built."),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    class Meta:
        model = Outcome
        fields = ["status", "reason", "progress", "budget", "link", "photo_alt"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].max_length = TEXT_MAX
        self.fields["budget"].min_value = 0
        self.fields["budget"].widget.attrs["min"] = 0
        self.order_fields(
            ["status", "progress", "reason", "budget", "link", "photo", "photo_alt", "remove_photo"]
        )


class OutcomeMilestoneForm(forms.ModelForm):
    class Meta:
        model = OutcomeMilestone
        fields = ["on", "label"]
        widgets = {"on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
