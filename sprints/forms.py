"""The sprint's forms: the public registration, the assignment's edit, the team's options and
prototype, the exhibition's feedback."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from challenges.enums import ChallengeStatus
from challenges.models import Challenge
from sprints.enums import AgendaKind, Rating
from sprints.models import Feedback, Option, Registration, Site, SiteChallenge


class ChallengeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SiteChallenge) -> str:
        return f"{obj.site.city} · {obj.challenge.title}"


class RegistrationForm(forms.ModelForm):
    # A field people never see (hidden by CSS, out of the tab order): a robot fills it.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    class Meta:
        model = Registration
        fields = [
            "site",
            "first_name",
            "last_name",
            "email",
            "collectivite",
            "job_family",
            "choice_1",
            "choice_2",
            "choice_3",
        ]
        field_classes = {
            "choice_1": ChallengeChoiceField,
            "choice_2": ChallengeChoiceField,
            "choice_3": ChallengeChoiceField,
        }

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.edition = edition
        self.fields["site"].queryset = edition.sites.all()
        self.fields["site"].empty_label = None
        challenges = SiteChallenge.objects.filter(site__edition=edition).select_related(
            "site", "challenge"
        )
        for name in ("choice_1", "choice_2", "choice_3"):
            self.fields[name].queryset = challenges
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def clean(self):
        data = super().clean()
        site = data.get("site")
        choices = [data.get(n) for n in ("choice_1", "choice_2", "choice_3")]
        if site and all(choices):
            if any(c.site_id != site.pk for c in choices):
                raise forms.ValidationError(
                    _("Choose three challenges of the site you register for.")
                )
            if len({c.pk for c in choices}) != 3:
                raise forms.ValidationError(_("Choose three different challenges."))
        return data

    def validate_unique(self):
        # The service decides (one live registration per address, in the database).
        pass

    def validate_constraints(self, exclude=None):
        pass


class FeedbackForm(forms.ModelForm):
    useful = forms.TypedChoiceField(
        label=_("Is it useful?"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect
    )
    usable = forms.TypedChoiceField(
        label=_("Is it usable?"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect
    )

    class Meta:
        model = Feedback
        fields = ["useful", "usable", "change"]
        widgets = {"change": forms.Textarea(attrs={"rows": 3})}

    def validate_constraints(self, exclude=None):
        pass


class OptionForm(forms.ModelForm):
    class Meta:
        model = Option
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ValidateOptionForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PrototypeFileForm(forms.Form):
    file = forms.FileField(label=_("File or photo"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class AssignmentForm(forms.Form):
    """One select per confirmed participant of the site, prefilled with the proposal."""

    def __init__(self, *args, registrations, teams, initial_teams, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(t.pk, t.name) for t in teams]
        self.rows = []
        for r in registrations:
            name = f"r{r.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=str(r), choices=choices, coerce=int, initial=initial_teams.get(r.pk)
            )
            self.rows.append((r, name))

    def placements(self) -> dict[int, int]:
        return {int(name[1:]): team for name, team in self.cleaned_data.items()}


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["city", "venue", "address", "rooms", "time_zone", "capacity"]
        widgets = {"rooms": forms.Textarea(attrs={"rows": 3})}

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity < 1 or capacity > 5000:
            raise forms.ValidationError(_("Give a capacity between 1 and 5,000."))
        return capacity


class SiteChallengeForm(forms.Form):
    challenge = forms.ModelChoiceField(label=_("Challenge"), queryset=Challenge.objects.none())
    room = forms.CharField(label=_("Room"), max_length=120, required=False)

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = Challenge.objects.filter(
            cohort=site.edition.cohort, status=ChallengeStatus.ACCEPTED, sprint_site__isnull=True
        ).order_by("title")


class AgendaItemForm(forms.Form):
    """A slot of the site's agenda, in the site's local time."""

    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    room = forms.CharField(label=_("Room"), max_length=120, required=False)

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            raise forms.ValidationError(_("The end must come after the start."))
        return data
