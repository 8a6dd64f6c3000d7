"""Factories and small builders of the cohorts tests."""

from __future__ import annotations

import datetime
import io
import zipfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from challenges.models import ChallengeStatus
from cohorts.models import (
    Deliverable,
    DeliverableFile,
    DeliverableVersion,
    KickoffScenario,
    Milestone,
    ScenarioFile,
    SchoolEnrolment,
)
from curiouslab.accounts.models import OrganisationKind, Role
from tests.challenges.factories import ChallengeFactory
from tests.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory
from tests.sessions.factories import CoachAssignmentFactory, TeamMemberFactory

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc8!\xa0\xf7\x1f\x00\x04\xb0\x02\x06\x840w\xfe\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def challenge(programme, municipality, *, status=ChallengeStatus.ACCEPTED, cohort=None, **kw):
    """An accepted challenge of ``programme`` (in ``cohort`` when given), made by the one
    ``ChallengeFactory`` with the cohorts tests' market-square subject."""
    defaults = {
        "title": "Réinventer la place du marché",
        "question": "Comment faire de la place du marché un lieu de vie toute la semaine ?",
        "theme": "urbanisme",
        "call": None,
    }
    defaults.update(kw)
    return ChallengeFactory(
        programme=programme, municipality=municipality, status=status, cohort=cohort, **defaults
    )


def school(territory, name="École"):
    return OrganisationFactory(kind=OrganisationKind.SCHOOL, name=name, territory=territory)


def enrol(cohort, school_org, *, disciplines=("ingénierie", "commerce", "design"), status=None):
    return SchoolEnrolment.objects.create(
        cohort=cohort,
        school=school_org,
        status=status or SchoolEnrolment.Status.APPROVED,
        disciplines=list(disciplines),
    )


def student(school_org, discipline="ingénierie", **user_kw):
    user = UserFactory(**user_kw)
    MembershipFactory(user=user, organisation=school_org, role=Role.STUDENT, discipline=discipline)
    return user


def add_member(team, user, school_org, discipline="ingénierie"):
    return TeamMemberFactory(
        team=team, cohort=team.cohort, user=user, school=school_org, discipline=discipline
    )


def team(cohort, name="Les Défricheurs", **kw):
    return TeamFactory(cohort=cohort, name=name, **kw)


def milestone(cohort, *, days=10, kind=Milestone.Kind.PROTOTYPE, name="Prototype"):
    return Milestone.objects.create(
        cohort=cohort,
        kind=kind,
        name=name,
        deadline=timezone.now() + datetime.timedelta(days=days),
    )


def stored(model, content=PNG, name="maquette.png", content_type="image/png", **parent):
    path = default_storage.save(f"cohorts/test/{name}", ContentFile(content))
    return model.objects.create(
        path=path, original_name=name, content_type=content_type, size=len(content), **parent
    )


def version(team_obj, milestone_obj, *, by=None, when=None):
    deliverable, _ = Deliverable.objects.get_or_create(team=team_obj, milestone=milestone_obj)
    number = deliverable.version_count + 1
    v = DeliverableVersion.objects.create(
        deliverable=deliverable, number=number, note="Première version", submitted_by=by
    )
    when = when or timezone.now()
    deliverable.version_count = number
    deliverable.first_submitted_at = deliverable.first_submitted_at or when
    deliverable.last_submitted_at = when
    deliverable.save()
    return v


def scenario(team_obj, challenge_obj, text="Un marché couvert ouvert le soir."):
    return KickoffScenario.objects.create(team=team_obj, challenge=challenge_obj, text=text)


def coach(team_obj, user):
    return CoachAssignmentFactory(team=team_obj, coach=user)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


__all__ = ["DeliverableFile", "ScenarioFile"]


def proposal_data(
    teams: dict[int, str], names: dict[int, str] | None = None, *, save: bool = True
) -> dict[str, str]:
    """What the proposal page posts: each student's (by user pk) team number as typed, and
    each team's name (team n in form n - 1), with the two formsets' management forms."""
    names = names or {}
    numbers = [int(v) for v in teams.values() if v.isascii() and v.isdigit() and len(v) < 5]
    count = max([n for n in numbers if n <= len(teams)] + [0, *names])
    data = {
        "student-TOTAL_FORMS": str(len(teams)),
        "student-INITIAL_FORMS": str(len(teams)),
        "team-TOTAL_FORMS": str(count),
        "team-INITIAL_FORMS": str(count),
    }
    for i, (user_pk, number) in enumerate(teams.items()):
        data[f"student-{i}-user"] = str(user_pk)
        data[f"student-{i}-team"] = number
    for n, name in names.items():
        data[f"team-{n - 1}-name"] = name
    if save:
        data["save"] = "1"
    return data
