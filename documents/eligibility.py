"""Who gets which document: one function per kind of document, each returning the people
(or awards, or communes) it would go to, and for a diploma also the students who would not
get one, with the reason. ``candidates`` picks the function of a kind. Each function runs a
constant number of queries, whatever the size of the cohort.

The diploma's attendance is the one attendance rule of the platform
(``sessions.selectors.attendance_rates``): the diploma page, the dashboard and the attendance
page show the same figure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import formats, translation
from django.utils.translation import gettext as _

from cohorts.models import CoachAssignment, Cohort, Team, TeamMember
from curiouslab.accounts.models import Organisation, User
from curiouslab.errors import DomainError
from documents.models import Document, DocumentBranding, DocumentKind
from documents.selectors import branding_for, settings_for
from sessions.selectors import attendance_rates
from training.selectors import training_records
from trophies.models import Award, JuryMember


@dataclass
class Candidate:
    """One document that issuing would create, or a person who will not get one and why."""

    kind: str
    label: str
    eligible: bool
    reason: str = ""
    recipient: User | None = None
    award: Award | None = None
    organisation: Organisation | None = None
    language: str = "fr"
    data: dict[str, str] = field(default_factory=dict)
    attendance: int | None = None
    document: Document | None = None  # the live document already issued

    @property
    def key(self):
        return (self.recipient_id, self.award_id, self.organisation_id)

    @property
    def recipient_id(self):
        return self.recipient.id if self.recipient else None

    @property
    def award_id(self):
        return self.award.id if self.award else None

    @property
    def organisation_id(self):
        return self.organisation.id if self.organisation else None


def attendance_by_user(cohort: Cohort) -> dict[int, int | None]:
    """{user id: attendance percent} of the cohort's students, from the one attendance rule
    (``sessions.selectors.attendance_rates``). None for a student invited to no ended working
    session yet."""
    return {s.user_id: s.percent for s in attendance_rates(cohort).students}


# --- What every document prints --------------------------------------------------------------
def _printed_base(cohort: Cohort, language: str, branding: DocumentBranding) -> dict[str, str]:
    with translation.override(language):
        date = formats.date_format(cohort.closing, "j F Y")
    return {
        "cohort": cohort.name,
        "programme": cohort.programme.name,
        "school_year": cohort.school_year,
        "date": date,
        "signatory_name": branding.signatory_name,
        "signatory_title": branding.signatory_title,
    }


def _challenge_bits(challenge) -> dict[str, str]:
    if challenge is None:
        return {"challenge": "", "commune": ""}
    return {"challenge": challenge.title, "commune": challenge.municipality.name}


def _person(kind: str, cohort: Cohort, branding: DocumentBranding, user: User, **printed):
    """A document addressed to a person, in their language."""
    language = user.language or "fr"
    data = {
        **_printed_base(cohort, language, branding),
        "recipient_name": user.get_full_name() or user.email,
        **printed,
    }
    return Candidate(
        kind, data["recipient_name"], True, recipient=user, language=language, data=data
    )


# --- One function per kind -------------------------------------------------------------------
def diploma_candidates(cohort: Cohort, branding: DocumentBranding) -> list[Candidate]:
    """Every student of the cohort: eligible when their team is confirmed and their
    attendance reaches the cohort's rule (a student with no ended session yet is not held
    back by it)."""
    rule = settings_for(cohort).attendance_min_percent
    attendance = attendance_by_user(cohort)
    members = (
        TeamMember.objects.filter(cohort=cohort)
        .select_related("user", "team", "team__challenge__municipality", "school")
        .order_by("team__name", "user__last_name", "user__first_name")
    )
    result = []
    for m in members:
        candidate = _person(
            DocumentKind.DIPLOMA, cohort, branding, m.user,
            school=m.school.name, team=m.team.name, **_challenge_bits(m.team.challenge),
        )  # fmt: skip
        candidate.attendance = percent = attendance.get(m.user_id)
        if m.team.status != Team.Status.CONFIRMED:
            candidate.eligible, candidate.reason = False, _("The team is not confirmed.")
        elif percent is not None and percent < rule:
            candidate.eligible = False
            candidate.reason = _(
                "Attended %(percent)s%% of the working sessions (%(rule)s%% required)."
            ) % {"percent": percent, "rule": rule}
        result.append(candidate)
    return result


def trophy_candidates(cohort: Cohort, branding: DocumentBranding) -> list[Candidate]:
    """One certificate per award of the cohort, addressed to the team."""
    awards = Award.objects.filter(cohort=cohort).select_related(
        "team__challenge__municipality", "challenge__municipality"
    )
    result = []
    for award in awards:
        data = {
            **_printed_base(cohort, "fr", branding),
            "team": award.team.name,
            "award_category": award.category,
            "award_rank": str(award.rank),
            **_challenge_bits(award.challenge or award.team.challenge),
        }
        label = f"{award.category} — {award.team.name}"
        result.append(Candidate(DocumentKind.TROPHY, label, True, award=award, data=data))
    return result


def juror_candidates(cohort: Cohort, branding: DocumentBranding) -> list[Candidate]:
    """The people who sat on a jury of this cohort (once each, whatever the number of
    juries), not everyone who holds the juror role in the organisation."""
    seated: dict[int, User] = {}
    for seat in (
        JuryMember.objects.filter(jury__cohort=cohort, user__isnull=False)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    ):
        seated.setdefault(seat.user_id, seat.user)
    return [_person(DocumentKind.JUROR, cohort, branding, user) for user in seated.values()]


def coach_candidates(cohort: Cohort, branding: DocumentBranding) -> list[Candidate]:
    """Each coach of a team of the cohort, with the names of the teams they coached."""
    teams_of: dict[int, list[str]] = {}
    coaches: dict[int, User] = {}
    for a in (
        CoachAssignment.objects.filter(team__cohort=cohort)
        .select_related("coach", "team")
        .order_by("coach__last_name", "team__name")
    ):
        teams_of.setdefault(a.coach_id, []).append(a.team.name)
        coaches[a.coach_id] = a.coach
    return [
        _person(DocumentKind.COACH, cohort, branding, coach, team=", ".join(teams_of[pk]))
        for pk, coach in coaches.items()
    ]


def municipality_candidates(cohort: Cohort, branding: DocumentBranding) -> list[Candidate]:
    """Each commune whose challenge a confirmed team took on, with its challenges' titles."""
    by_org: dict[int, tuple[Organisation, list[str]]] = {}
    for team in (
        Team.objects.filter(cohort=cohort, status=Team.Status.CONFIRMED, challenge__isnull=False)
        .select_related("challenge__municipality")
        .order_by("challenge__title")
    ):
        org = team.challenge.municipality
        titles = by_org.setdefault(org.id, (org, []))[1]
        if team.challenge.title not in titles:
            titles.append(team.challenge.title)
    result = []
    for org, titles in by_org.values():
        data = {
            **_printed_base(cohort, "fr", branding),
            "commune": org.name,
            "challenge": ", ".join(titles),
        }
        result.append(
            Candidate(DocumentKind.MUNICIPALITY, org.name, True, organisation=org, data=data)
        )
    return result


def training_candidates(cohort: Cohort, branding: DocumentBranding) -> list[Candidate]:
    """Every agent of an agents' school edition, with their hours and the modules they
    attended (``training.selectors.training_records``, the one rule): eligible once they
    attended a module."""
    result = []
    for record in training_records(cohort):
        language = record.user.language or "fr"
        with translation.override(language):
            hours = formats.number_format(record.hours, decimal_pos=1 if record.hours % 1 else 0)
        candidate = _person(
            DocumentKind.TRAINING, cohort, branding, record.user,
            team=record.member.team.name, hours=hours, modules=record.module_titles,
        )  # fmt: skip
        if not record.modules:
            candidate.eligible, candidate.reason = False, _("No module attended yet.")
        result.append(candidate)
    return result


ELIGIBILITY: dict[str, Callable[[Cohort, DocumentBranding], list[Candidate]]] = {
    DocumentKind.DIPLOMA: diploma_candidates,
    DocumentKind.TROPHY: trophy_candidates,
    DocumentKind.JUROR: juror_candidates,
    DocumentKind.COACH: coach_candidates,
    DocumentKind.MUNICIPALITY: municipality_candidates,
    DocumentKind.TRAINING: training_candidates,
}


def candidates(*, cohort: Cohort, kind: str) -> list[Candidate]:
    """Everyone who would get a document of ``kind`` (the function of that kind), each with
    the live document already issued to them, if any."""
    try:
        find = ELIGIBILITY[kind]
    except KeyError:
        raise DomainError(_("Unknown kind of document.")) from None
    result = find(cohort, branding_for(cohort.programme))
    live = {
        (d.recipient_id, d.award_id, d.organisation_id): d
        for d in Document.objects.filter(cohort=cohort, kind=kind, revoked_at__isnull=True)
    }
    for c in result:
        c.document = live.get(c.key)
    return result
