"""The forms of the publication's steps: the coordinator's proposal and terms, the
municipality's approval, a member's consent."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commons.enums import Licence

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
