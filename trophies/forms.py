from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from curiouslab.accounts.models import Membership, Role, User
from curiouslab.errors import DomainError
from sessions.models import Session, SessionKind
from trophies.models import SCALE_LIMIT, AwardCategory, Normalisation, TieBreak
from trophies.services import JurySettings


def chair_candidates(organisations):
    """Who may chair a jury: the coordinators and the jurors of its organisation."""
    return User.objects.filter(
        pk__in=Membership.objects.active()
        .filter(organisation_id__in=organisations, role__in=[Role.COORDINATOR, Role.JUROR])
        .values("user_id")
    ).order_by("last_name", "first_name", "email")


STEP_CHOICES = [("", _("—"))] + list(TieBreak.choices)


class JuryForm(forms.Form):
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=200)
    closing_session = forms.ModelChoiceField(
        label=_("Closing session"), queryset=None, required=False
    )
    scale_min = forms.IntegerField(label=_("Lowest mark"), min_value=0, max_value=SCALE_LIMIT)
    scale_max = forms.IntegerField(label=_("Highest mark"), min_value=1, max_value=SCALE_LIMIT)
    comment_required = forms.BooleanField(
        label=_("A comment is required with each mark"), required=False
    )
    normalisation = forms.ChoiceField(label=_("Normalisation"), choices=Normalisation.choices)
    tie_break_1 = forms.ChoiceField(label=_("Tie-break, first step"), choices=STEP_CHOICES)
    tie_break_2 = forms.ChoiceField(
        label=_("Tie-break, second step"), choices=STEP_CHOICES, required=False
    )
    tie_break_3 = forms.ChoiceField(
        label=_("Tie-break, third step"), choices=STEP_CHOICES, required=False
    )
    audience_award = forms.BooleanField(
        label=_("Audience award: people present at the closing session vote"), required=False
    )
    chair = forms.ModelChoiceField(
        label=_("Chair of the jury"),
        queryset=None,
        required=False,
        help_text=_(
            "A coordinator or a juror of the organisation; you, when left empty. The chair "
            "casts the deciding vote in a tie and signs the report."
        ),
    )

    def __init__(self, *args, cohorts, jury=None, **kwargs):
        if jury is not None:
            initial = {
                "cohort": jury.cohort_id,
                "name": jury.name,
                "closing_session": jury.closing_session_id,
                "scale_min": jury.scale_min,
                "scale_max": jury.scale_max,
                "comment_required": jury.comment_required,
                "normalisation": jury.normalisation,
                "audience_award": jury.audience_award,
                "chair": jury.chair_id,
            }
            for i, step in enumerate(jury.tie_break[:3], start=1):
                initial[f"tie_break_{i}"] = step
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
        self.fields["closing_session"].queryset = Session.objects.filter(
            cohort__in=cohorts, kind=SessionKind.CLOSING
        ).select_related("cohort")
        if jury is not None:
            self.fields["cohort"].disabled = True
        self.fields["chair"].queryset = chair_candidates(
            cohorts.values("programme__organisation_id")
        )

    def clean(self):
        data = super().clean()
        lo, hi = data.get("scale_min"), data.get("scale_max")
        if lo is not None and hi is not None and lo >= hi:
            self.add_error("scale_max", _("The highest mark must be above the lowest."))
        steps = [data.get(f"tie_break_{i}") for i in (1, 2, 3)]
        steps = [s for s in steps if s]
        if len(set(steps)) != len(steps):
            self.add_error("tie_break_2", _("Each tie-break step may appear once."))
        data["tie_break"] = steps
        session = data.get("closing_session")
        cohort = data.get("cohort")
        if session and cohort and session.cohort_id != cohort.id:
            self.add_error("closing_session", _("Choose a closing session of the cohort."))
        return data

    def settings(self) -> JurySettings:
        d = self.cleaned_data
        return JurySettings(
            name=d["name"],
            closing_session=d["closing_session"],
            scale_min=d["scale_min"],
            scale_max=d["scale_max"],
            comment_required=d["comment_required"],
            normalisation=d["normalisation"],
            tie_break=tuple(d["tie_break"]),
            audience_award=d["audience_award"],
            chair=d["chair"],
        )


class JurorForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("First and last name"), max_length=200, required=False)


class FinalistForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)

    def __init__(self, *args, jury, **kwargs):
        super().__init__(*args, **kwargs)
        for value in jury.scale:
            self.fields[f"level_{value}"] = forms.CharField(
                label=_("What a mark of %(n)s means") % {"n": value},
                max_length=300,
                required=False,
            )
        self.scale = list(jury.scale)

    def levels(self) -> dict[str, str]:
        return {
            str(v): self.cleaned_data[f"level_{v}"]
            for v in self.scale
            if self.cleaned_data.get(f"level_{v}")
        }


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    basis = forms.ChoiceField(label=_("Decided by"), choices=AwardCategory.Basis.choices)
    position = forms.IntegerField(
        label=_("Place in the ranking"), min_value=1, max_value=50, initial=1, required=False
    )
    criterion = forms.ModelChoiceField(label=_("Criterion"), queryset=None, required=False)

    def __init__(self, *args, jury, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = jury.criteria.all()


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class AudienceVoteForm(forms.Form):
    finalist = forms.ModelChoiceField(
        label=_("Your favourite project"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, jury, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finalist"].queryset = jury.finalists.select_related("team")


COMMENT_MAX_LENGTH = 2000


def sheet_marks_from_post(data) -> dict[int, tuple[int | None, str]]:
    """Read a project's sheet from a POST: ``mark-<criterion id>`` and ``comment-<criterion
    id>``. Malformed input is refused (DomainError), never silently dropped."""
    marks: dict[int, tuple[int | None, str]] = {}
    for key in data:
        prefix, _sep, raw_id = key.partition("-")
        if prefix not in ("mark", "comment"):
            continue
        try:
            cid = int(raw_id)
        except ValueError:
            raise DomainError(_("The sheet was not understood: nothing was saved.")) from None
        marks.setdefault(cid, (None, ""))
    for cid in marks:
        raw = (data.get(f"mark-{cid}") or "").strip()
        comment = data.get(f"comment-{cid}") or ""
        if len(comment) > COMMENT_MAX_LENGTH or "\x00" in comment:
            raise DomainError(
                _(
                    "A comment has %(n)d characters at most, and no NUL character: nothing was saved."
                )
                % {"n": COMMENT_MAX_LENGTH}
            )
        value = None
        if raw:
            try:
                value = int(raw)
            except ValueError:
                raise DomainError(_("A mark must be a whole number: nothing was saved.")) from None
        marks[cid] = (value, comment)
    return marks
