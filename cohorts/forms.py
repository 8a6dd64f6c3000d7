from __future__ import annotations

import csv
import io
import re
import unicodedata

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Milestone, Programme, Team
from cohorts.services import clean_disciplines
from cohorts.uploads import max_upload_bytes
from curiouslab.accounts.models import Organisation
from curiouslab.errors import DomainError
from curiouslab.uploads import UploadPolicy, check_upload

MAX_FILES = 10
# The school years a cohort may be created for.
COHORT_YEARS = (2000, 2100)
MAX_IMPORT_ROWS = 2000
TEAM_NAME_LENGTH = Team._meta.get_field("name").max_length


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ProgrammeForm(forms.ModelForm):
    """A programme's rules: only those its format uses (``Format.team_rules``)."""

    TEAM_RULES = ("team_min_size", "team_max_size", "team_min_disciplines", "team_min_schools")

    class Meta:
        model = Programme
        fields = [
            "name",
            "description",
            "team_min_size",
            "team_max_size",
            "team_min_disciplines",
            "team_min_schools",
            "dpo_email",
            "retention_years",
        ]

    def __init__(self, *args, format_spec=None, **kwargs):
        super().__init__(*args, **kwargs)
        spec = format_spec or self.instance.format_spec
        for name in self.TEAM_RULES:
            if name not in spec.team_rules:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        low, high = data.get("team_min_size"), data.get("team_max_size")
        if low is not None and high is not None and low > high:
            # On the field, in words (not the database constraint's name).
            self.add_error("team_min_size", _("The minimum team size cannot exceed the maximum."))
        return data


class ProgrammeCreateForm(ProgrammeForm):
    """A new programme, on behalf of one of the organisations its creator coordinates."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Coordinating organisation"),
        empty_label=None,
    )

    class Meta(ProgrammeForm.Meta):
        fields = ["organisation", "format", *ProgrammeForm.Meta.fields]
        widgets = {"format": forms.HiddenInput}

    def __init__(self, *args, organisations, format_spec, **kwargs):
        super().__init__(*args, format_spec=format_spec, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["format"].initial = self.format_key = format_spec.key

    def clean_format(self):
        """The format chosen on the page before (in its address); a posted one must agree."""
        if self.cleaned_data.get("format") != self.format_key:
            raise forms.ValidationError(_("Choose one of the formats."))
        return self.format_key


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

    def __init__(self, *args, format_spec, **kwargs):
        """The labels of the dates and of the year are the format's (« Exposition des
        prototypes » in a sprint, « Séance de lancement » in a school year)."""
        super().__init__(*args, **kwargs)
        for name, label in format_spec.phases.items():
            self.fields[name].label = capfirst(label)
        self.fields["year"].label = capfirst(format_spec.terms.year)
        self.fields["year"].help_text = format_spec.terms.year_help

    def validate_unique(self):
        """The service checks one cohort per programme and year (the form has no programme)."""

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not COHORT_YEARS[0] <= year <= COHORT_YEARS[1]:
            raise forms.ValidationError(
                _("The year is between %(first)d and %(last)d.")
                % {"first": COHORT_YEARS[0], "last": COHORT_YEARS[1]}
            )
        return year

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

    def __init__(self, *args, cohort: Cohort | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort or (self.instance.cohort if self.instance.cohort_id else None)

    def clean_deadline(self):
        """A deadline falls within its cohort's calendar: from the call for challenges to the
        closing session."""
        deadline = self.cleaned_data["deadline"]
        cohort = self.cohort
        if cohort is not None and deadline is not None:
            day = timezone.localdate(deadline)
            if not cohort.call_opens <= day <= cohort.closing:
                raise forms.ValidationError(
                    _("The deadline must fall between %(start)s and %(end)s (the cohort's dates).")
                    % {
                        "start": date_format(cohort.call_opens, "SHORT_DATE_FORMAT"),
                        "end": date_format(cohort.closing, "SHORT_DATE_FORMAT"),
                    }
                )
        return deadline


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


# --- The students CSV import ---------------------------------------------------------------

# The headers a school's export may use, once lowercased, without accents and with every
# run of punctuation or spaces made one space → the field they fill.
IMPORT_HEADERS = {
    "email": {
        "email",
        "e mail",
        "mail",
        "courriel",
        "adresse email",
        "adresse e mail",
        "adresse mail",
        "adresse courriel",
        "adresse electronique",
        "mel",
        "e mail address",
        "email address",
    },
    "first_name": {"prenom", "prenoms", "first name", "firstname", "given name", "prenom usuel"},
    "last_name": {
        "nom",
        "nom de famille",
        "nom d usage",
        "nom usuel",
        "last name",
        "lastname",
        "surname",
        "family name",
    },
    # One column holding the whole name, first name first ...
    "name": {
        "name",
        "full name",
        "prenom nom",
        "prenom et nom",
        "eleve",
        "etudiant",
        "etudiante",
        "nom complet",
        "identite",
        "apprenant",
    },
    # ... or last name first, as school registers print it ("DUPONT Inès").
    "name_last_first": {"nom prenom", "nom et prenom", "nom prenoms", "nom et prenoms"},
    "discipline": {
        "discipline",
        "filiere",
        "specialite",
        "formation",
        "domaine",
        "section",
        "parcours",
        "cursus",
        "field",
    },
    "level": {"level", "niveau", "classe", "annee", "promotion", "promo", "year", "annee d etude"},
}
IMPORT_FIELD_LABELS = {
    "email": _("e-mail address"),
    "first_name": _("first name"),
    "last_name": _("last name"),
    "name": _("first and last name"),
    "name_last_first": _("last and first name"),
    "discipline": _("discipline"),
    "level": _("level"),
}
_HEADER_OF = {alias: field for field, aliases in IMPORT_HEADERS.items() for alias in aliases}
IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_POLICY = UploadPolicy(
    kinds={"text/plain": {"csv", "txt", "tsv"}},
    max_bytes=IMPORT_MAX_BYTES,
    accepted=_("a CSV file"),
    text_encodings=("cp1252",),
)
# The template offered on the import page, in the French office's own words.
IMPORT_TEMPLATE_HEADER = ["Nom", "Prénom", "Courriel", "Discipline", "Niveau"]


def normalise_header(raw: str) -> str:
    text = unicodedata.normalize("NFKD", raw or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _split_last_first(value: str) -> tuple[str, str]:
    """ "DUPONT Inès" or "De La Fontaine Jean": the words in capitals (else the first word)
    are the last name."""
    words = value.split()
    capitals = 0
    while capitals < len(words) and words[capitals].isupper() and len(words[capitals]) > 1:
        capitals += 1
    cut = capitals if 0 < capitals < len(words) else 1
    return " ".join(words[cut:]), " ".join(words[:cut])


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


class StudentImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "First line: the column names, e.g. Nom;Prénom;Courriel;Discipline;Niveau (or a "
            "single Nom Prénom column). Separated by semicolons, commas or tabs."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns: list[tuple[str, str]] = []  # (header as written, what it fills)
        self.ignored: list[str] = []

    def clean_file(self):
        f = self.cleaned_data["file"]
        f.seek(0)
        raw = f.read(IMPORT_MAX_BYTES + 1)
        f.seek(0)
        text = None
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            raise forms.ValidationError(
                _(
                    "The file is not readable text: save it from your spreadsheet as “CSV "
                    "UTF-8” and upload it again."
                )
            )
        if "\x00" in text:
            raise forms.ValidationError(
                _("Line %(n)d contains a NUL character: save the file again as CSV.")
                % {"n": text[: text.index("\x00")].count("\n") + 1}
            )
        try:
            check_upload(f, IMPORT_POLICY)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        first_line = text.split("\n", 1)[0]
        reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first_line))
        try:
            header = next(reader, [])
            fields = self._recognise(header)
            rows = []
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue
                if len(rows) >= MAX_IMPORT_ROWS:
                    raise forms.ValidationError(
                        _("At most %(n)d students per file.") % {"n": MAX_IMPORT_ROWS}
                    )
                rows.append(self._row(fields, record))
        except csv.Error:
            raise forms.ValidationError(
                _("Line %(n)d of the file cannot be read (a cell too long or a stray quote).")
                % {"n": reader.line_num}
            ) from None
        return rows

    def _recognise(self, header: list[str]) -> dict[int, str]:
        fields: dict[int, str] = {}
        for i, raw in enumerate(header):
            field = _HEADER_OF.get(normalise_header(raw))
            if field and field not in fields.values():
                fields[i] = field
                self.columns.append((raw.strip()[:80], str(IMPORT_FIELD_LABELS[field])))
            elif raw.strip():
                self.ignored.append(raw.strip()[:80])
        found = set(fields.values())
        missing = [str(IMPORT_FIELD_LABELS[f]) for f in ("email", "discipline") if f not in found]
        if not found & {"name", "name_last_first", "last_name"}:
            missing.insert(0, str(IMPORT_FIELD_LABELS["last_name"]))
        if missing:
            raise forms.ValidationError(
                _(
                    "Missing columns: %(cols)s. Recognised headers include Nom, Prénom, "
                    "Nom Prénom, Courriel, Discipline and Niveau."
                )
                % {"cols": ", ".join(missing)}
            )
        return fields

    @staticmethod
    def _row(fields: dict[int, str], record: list[str]) -> dict:
        cells = {field: (record[i] if i < len(record) else "") for i, field in fields.items()}
        if "name_last_first" in cells:
            first, last = _split_last_first(" ".join(cells.pop("name_last_first").split()))
            cells.setdefault("first_name", first)
            cells.setdefault("last_name", last)
        if "name" in cells and not ("first_name" in cells or "last_name" in cells):
            words = cells["name"].split()
            cells["first_name"] = words[0] if words else ""
            cells["last_name"] = " ".join(words[1:])
        first = " ".join((cells.get("first_name") or "").split())
        last = " ".join((cells.get("last_name") or "").split())
        return {
            "name": " ".join(p for p in (first, last) if p) or cells.get("name", ""),
            "first_name": first,
            "last_name": last,
            "email": cells.get("email", ""),
            "discipline": cells.get("discipline", ""),
            "level": cells.get("level", ""),
        }


class TeamCreateForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)


class ProposalStudentForm(forms.Form):
    """One student's team number in a proposal of teams (0: in no team). The number is checked
    against the data (with n students there are at most n teams) before anything is built
    from it, so no posted number sizes the work."""

    user = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    team = forms.CharField(
        label=_("Team"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit

    def clean_team(self) -> int:
        raw = self.cleaned_data["team"] or "0"
        if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(self.limit)):
            raw = "-1"
        if not 0 <= int(raw) <= self.limit:
            raise forms.ValidationError(
                _("A team number must be between 0 and %(n)d."),
                code="team_number",
                params={"n": self.limit},
            )
        return int(raw)


class BaseProposalFormSet(forms.BaseFormSet):
    """Every student to place, one form each, in the order of ``students``."""

    def __init__(self, *args, students, **kwargs):
        self.students = {m.user_id: m for m in students}
        super().__init__(*args, form_kwargs={"limit": len(self.students)}, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        users = [form.cleaned_data.get("user") for form in self.forms]
        if len(set(users)) != len(users) or not set(users) <= self.students.keys():
            raise forms.ValidationError(
                _("The students to place have changed: check the proposal again."),
                code="students_changed",
            )

    def assignment(self) -> dict[int, int]:
        """Each student's team number: the posted one where it is valid, 0 otherwise."""
        posted = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if data.get("user") in self.students:
                posted[data["user"]] = data.get("team", 0)
        return {user: posted.get(user, 0) for user in self.students}

    def offer(self, numbers: list[int]) -> None:
        """The team numbers each student's list offers (the data's, never a posted one)."""
        choices = [(n, str(n) if n else _("none")) for n in numbers]
        for form in self.forms:
            form.fields["team"].widget.choices = choices


class TeamNameForm(forms.Form):
    name = forms.CharField(
        label=_("Team name"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control mb-2"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One message for the length and the control characters (the one clean_name gives).
        self.fields["name"].validators = []
        self.fields["name"].widget.attrs["maxlength"] = TEAM_NAME_LENGTH

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if len(name) > TEAM_NAME_LENGTH or any(unicodedata.category(c) == "Cc" for c in name):
            raise forms.ValidationError(
                _("A team name has %(n)d characters at most, and no control character."),
                code="team_name",
                params={"n": TEAM_NAME_LENGTH},
            )
        return name


class BaseTeamNameFormSet(forms.BaseFormSet):
    def names(self) -> dict[int, str]:
        """Each proposed team's name by its number: the clean one, or what was typed (without
        its control characters) where it was refused, to be shown again and corrected."""
        names = {}
        for number, form in enumerate(self.forms, start=1):
            if "name" in getattr(form, "cleaned_data", {}):
                names[number] = form.cleaned_data["name"]
            else:
                typed = str(form.data.get(form.add_prefix("name"), ""))
                names[number] = "".join(c for c in typed if unicodedata.category(c) != "Cc")
        return names


def proposal_formsets(students, *, data=None, assignment=None, names=None):
    """The two formsets of a proposal of teams: each student's team number (prefix
    ``student``) and each team's name (prefix ``team``, form n-1 names team n). Both are bound
    by the number of students: a posted form count above it is refused, never built."""
    limit = max(len(students), 1)
    placed_class = forms.formset_factory(
        ProposalStudentForm,
        formset=BaseProposalFormSet,
        extra=0,
        max_num=limit,
        absolute_max=limit,
        validate_max=True,
    )
    named_class = forms.formset_factory(
        TeamNameForm,
        formset=BaseTeamNameFormSet,
        extra=0,
        max_num=limit,
        absolute_max=limit,
        validate_max=True,
    )
    if data is not None:
        return (
            placed_class(data, prefix="student", students=students),
            named_class(data, prefix="team"),
        )
    placed = placed_class(
        prefix="student",
        students=students,
        initial=[{"user": m.user_id, "team": assignment.get(m.user_id, 0)} for m in students],
    )
    named = named_class(prefix="team", initial=[{"name": names[n]} for n in sorted(names)])
    return placed, named


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
