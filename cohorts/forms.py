from __future__ import annotations

import csv
import io

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Milestone, Programme
from cohorts.services import clean_disciplines
from cohorts.uploads import max_upload_bytes

MAX_FILES = 10
MAX_IMPORT_ROWS = 2000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "name",
            "description",
            "team_min_size",
            "team_max_size",
            "team_min_disciplines",
            "team_min_schools",
        ]

    def clean(self):
        data = super().clean()
        low, high = data.get("team_min_size"), data.get("team_max_size")
        if low is not None and high is not None and low > high:
            # On the field, in words (not the database constraint's name).
            self.add_error("team_min_size", _("The minimum team size cannot exceed the maximum."))
        return data


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "name",
            "year",
            "call_opens",
            "call_closes",
            "kickoff",
            "working_starts",
            "working_ends",
            "closing",
        ]
        widgets = {
            f: DateInput()
            for f in (
                "call_opens",
                "call_closes",
                "kickoff",
                "working_starts",
                "working_ends",
                "closing",
            )
        }

    def validate_unique(self):
        """The service checks one cohort per programme and year (the form has no programme)."""

    def clean(self):
        data = super().clean()
        # The calendar runs in order: the first date that comes too early is marked on its
        # field (the service refuses the same calendar with one sentence).
        names = self.Meta.fields[2:]
        for before, after in zip(names, names[1:], strict=False):
            if data.get(before) and data.get(after) and data[after] < data[before]:
                self.add_error(
                    after,
                    _("This date comes before “%(previous)s”.")
                    % {"previous": self.fields[before].label},
                )
                self.add_error(
                    None,
                    _(
                        "The calendar must run in order: call opens, call closes, kickoff, "
                        "working period, closing."
                    ),
                )
                break
        return data


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["kind", "name", "description", "deadline"]
        widgets = {"deadline": DateTimeInput(), "description": forms.Textarea(attrs={"rows": 2})}


class EnrolmentForm(forms.Form):
    disciplines = forms.CharField(
        label=_("Disciplines of your students"),
        max_length=500,
        help_text=_("Separated by commas, e.g. engineering, business, design."),
    )

    def clean_disciplines(self):
        value = clean_disciplines(self.cleaned_data["disciplines"])
        if not value:
            raise forms.ValidationError(_("Name at least one discipline."))
        return value


class StudentInviteForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    discipline = forms.ChoiceField(label=_("Discipline"))
    level = forms.CharField(label=_("Level"), max_length=40, required=False)

    def __init__(self, *args, disciplines: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discipline"].choices = [(d, d) for d in disciplines]


class StudentImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: name, email, discipline, level (first line: the column names)."),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large (2 MB at most)."))
        raw = f.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        try:
            dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        header = {(h or "").strip().lower() for h in reader.fieldnames or []}
        missing = {"name", "email", "discipline"} - header
        if missing:
            raise forms.ValidationError(
                _("Missing columns: %(cols)s.") % {"cols": ", ".join(sorted(missing))}
            )
        rows = [
            {(k or "").strip().lower(): (v or "") for k, v in row.items() if k}
            for row in reader
            if any((v or "").strip() for v in row.values() if isinstance(v, str))
        ]
        if len(rows) > MAX_IMPORT_ROWS:
            raise forms.ValidationError(
                _("At most %(n)d students per file.") % {"n": MAX_IMPORT_ROWS}
            )
        return rows


class TeamCreateForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)


class MemberAddForm(forms.Form):
    membership = forms.ChoiceField(label=_("Student"))

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [
            (m.user_id, f"{m.user} · {m.organisation} · {m.discipline}") for m in students
        ]


class ChallengeAssignForm(forms.Form):
    challenge = forms.ChoiceField(label=_("Challenge"), required=False)

    def __init__(self, *args, challenges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].choices = [("", _("No challenge"))] + [
            (c.pk, f"{c.title} · {c.municipality}") for c in challenges
        ]


class CoachAssignForm(forms.Form):
    coach = forms.ChoiceField(label=_("Coach"))

    def __init__(self, *args, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].choices = [(u.pk, str(u)) for u in coaches]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("At most %(n)d files at once.") % {"n": MAX_FILES})
        return list(files)


def _files_help():
    return _("Up to %(mb)d MB per file: PDF, images, office documents, text, video or zip.") % {
        "mb": max_upload_bytes() // (1024 * 1024)
    }


class ScenarioForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        required=False,
        help_text=_("A few words that tell this possible apart from your team's others."),
    )
    text = forms.CharField(label=_("Scenario"), widget=forms.Textarea(attrs={"rows": 8}))
    files = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()


class DeliverableForm(forms.Form):
    note = forms.CharField(
        label=_("What changed in this version"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    links = forms.CharField(
        label=_("Links"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("One web address per line (video, prototype, shared document)."),
    )
    files = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionForm(forms.Form):
    until = forms.DateTimeField(label=_("New deadline for this team"), widget=DateTimeInput())
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
