from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from curiouslab.accounts.models import Organisation, Role, User
from curiouslab.accounts.selectors import commune_in_territory, territory_departement_codes
from territories.forms import CommuneField


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "language"]


class InvitationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    discipline = forms.CharField(
        label=_("Discipline"),
        max_length=80,
        required=False,
        help_text=_("For students: engineering, business, design, …"),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="fr"
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class CommuneInvitationForm(forms.Form):
    """Invite an agent of a commune of the coordinator's territory, picked from the referential;
    the commune's organisation is created by its first invitation."""

    territory = forms.ModelChoiceField(
        label=_("Territory"), queryset=Organisation.objects.none(), empty_label=None
    )
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="fr"
    )

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, prefix="commune_invite", **kwargs)
        self.fields["territory"].queryset = Organisation.objects.filter(
            id__in=[t.id for t in territories]
        )
        if len(territories) == 1:
            self.fields["territory"].widget = forms.HiddenInput()
            self.fields["territory"].initial = territories[0].id
        self.fields["commune"] = CommuneField(
            label=_("Commune"), departements=territory_departement_codes(territories)
        )
        self.order_fields(["territory", "commune", "email", "first_name", "last_name", "language"])

    def clean(self):
        data = super().clean()
        territory, commune = data.get("territory"), data.get("commune")
        if territory and commune and not commune_in_territory(commune, territory):
            self.add_error("commune", _("This commune is not in the territory you chose."))
        return data


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        if p1:
            probe = User(
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
