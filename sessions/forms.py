from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Team
from curiouslab.accounts.models import Role
from sessions.models import Session, SessionKind
from sessions.selectors import people_who_may_run_sessions
from sessions.services import SessionData

# The largest id a database column holds (a signed 64-bit integer): a posted id beyond it is
# no choice of ours, and must be refused before it reaches the database driver.
MAX_ID = 2**63 - 1


class _BoundedChoices(forms.ModelMultipleChoiceField):
    """Posted ids that are not a number, or one no column can hold, are invalid choices."""

    def _check_values(self, value):
        for pk in value:
            digits = str(pk).strip().lstrip("+-")
            if digits.isdigit() and (len(digits) > 19 or int(digits) > MAX_ID):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class _PersonChoice(_BoundedChoices):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.email} ({obj.email})"


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        help_text=_("Paris time."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        help_text=_("Paris time."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, max_value=100_000, required=False
    )
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    invited_teams = _BoundedChoices(
        label=_("Invited teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invited_roles = forms.MultipleChoiceField(
        label=_("Invited roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone holding the role in this cohort: e.g. all its students."),
    )
    people_in_charge = _PersonChoice(
        label=_("People in charge"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They may take attendance and show the check-in code."),
    )

    def __init__(self, *args, cohort: Cohort, session: Session | None = None, **kwargs):
        if session is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": session.kind,
                    "title": session.title,
                    "starts_at": session.starts_at,
                    "ends_at": session.ends_at,
                    "place": session.place,
                    "address": session.address,
                    "capacity": session.capacity,
                    "agenda": session.agenda,
                    "invited_teams": list(session.invited_teams.all()),
                    "invited_roles": [r.role for r in session.invited_roles.all()],
                    "people_in_charge": list(session.people_in_charge.all()),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["invited_teams"].queryset = Team.objects.filter(cohort=cohort)
        self.fields["people_in_charge"].queryset = people_who_may_run_sessions(cohort)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A session must end after it starts."))
        if not data.get("invited_teams") and not data.get("invited_roles"):
            self.add_error(None, _("Invite at least one team or one role."))
        return data

    def to_data(self) -> SessionData:
        d = self.cleaned_data
        return SessionData(
            kind=d["kind"],
            title=d["title"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            place=d["place"],
            address=d["address"],
            capacity=d["capacity"],
            agenda=d["agenda"],
            invited_teams=list(d["invited_teams"]),
            invited_roles=list(d["invited_roles"]),
            people_in_charge=list(d["people_in_charge"]),
        )


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, office document or image, 20 MB at most.")
    )


class CoachingNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note or advice"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class CoachingQuestionForm(forms.Form):
    body = forms.CharField(
        label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class CoachingAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
