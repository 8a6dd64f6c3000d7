"""The public request to start a territory, and the platform administrator's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from curiouslab.accounts.enums import OrganisationKind
from onboarding import selectors
from onboarding.models import TerritoryRequest
from territories.forms import CommuneField
from territories.models import Departement, Region

# Which part of the referential each kind of body names.
NEEDS_DEPARTEMENT = {OrganisationKind.DEPARTEMENT, OrganisationKind.STATE_SERVICE}
NEEDS_REGION = {OrganisationKind.REGION, OrganisationKind.CNFPT}


class TerritoryRequestForm(forms.ModelForm):
    seat = CommuneField(
        label=_("Seat of the intercommunality"),
        required=False,
        help_text=_(
            "For an intercommunality: type the name of the commune of its seat, then choose it."
        ),
    )

    class Meta:
        model = TerritoryRequest
        fields = [
            "kind",
            "name",
            "departement",
            "region",
            "first_name",
            "last_name",
            "email",
            "job_title",
            "message",
        ]
        help_texts = {
            "departement": _("For a département or a State service."),
            "region": _("For a région or a CNFPT delegation."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = Departement.objects.order_by("code")
        self.fields["region"].queryset = Region.objects.order_by("name")
        self.order_fields(["kind", "name", "departement", "region", "seat"])

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        place = {"departement": None, "region": None, "epci": None}
        if kind in NEEDS_DEPARTEMENT:
            place["departement"] = data.get("departement")
            if place["departement"] is None:
                self.add_error("departement", _("Choose the département."))
        elif kind in NEEDS_REGION:
            place["region"] = data.get("region")
            if place["region"] is None:
                self.add_error("region", _("Choose the région."))
        elif kind == OrganisationKind.EPCI:
            seat = data.get("seat")
            if seat is None:
                self.add_error("seat", _("Choose the commune of the seat."))
            elif seat.epci_id is None:
                self.add_error("seat", _("This commune belongs to no intercommunality."))
            else:
                place["epci"] = seat.epci
        data.update(place)
        if kind and any(place.values()) and not self.errors:
            if selectors.organisation_for_place(kind=kind, **place) is not None:
                raise forms.ValidationError(
                    _(
                        "This body already has a space on the platform: ask its coordinators "
                        "for an invitation."
                    )
                )
            if selectors.pending_request_for_place(kind=kind, **place):
                raise forms.ValidationError(
                    _("A request for this body is already waiting for a decision.")
                )
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the request is declined"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the person who asked."),
    )
