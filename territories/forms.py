"""The commune field: an accessible search of the referential (HTMX), whose answers are radio
buttons — chosen with the keyboard alone, announced by a live status — so that no code is
ever typed as free text."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territories.models import Commune


class CommuneWidget(forms.Widget):
    template_name = "territories/widgets/commune.html"

    def __init__(self, attrs=None, departements=None):
        super().__init__(attrs)
        self.departements = departements

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = None
        if value:
            chosen = Commune.objects.select_related("departement").filter(pk=str(value)[:5]).first()
        context["widget"].update(
            chosen=chosen,
            communes=[chosen] if chosen else [],
            search_url=reverse("territories:commune_search"),
            scope=",".join(self.departements or []),
        )
        return context


class CommuneField(forms.ModelChoiceField):
    """A commune of the referential, optionally bounded to some départements (a coordinator's
    territory): a commune outside them is refused as if it did not exist."""

    widget = CommuneWidget
    default_error_messages = {
        "invalid_choice": _("Choose a commune from the list of suggestions."),
    }

    def __init__(self, *, departements=None, **kwargs):
        queryset = Commune.objects.select_related("departement")
        if departements is not None:
            queryset = queryset.filter(departement_id__in=departements)
        kwargs.setdefault(
            "help_text", _("Type its name, its postcode or its INSEE code, then choose it.")
        )
        super().__init__(
            queryset=queryset, widget=CommuneWidget(departements=departements), **kwargs
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return super().to_python(str(value)[:5])
