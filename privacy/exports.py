"""Everything the platform holds about one person, as a ZIP (RGPD articles 15 and 20): a
``data.json`` with one section per kind of record, the PDFs of the documents issued to them
and the files they uploaded. Built by a worker (``privacy.build_export``); read in one query
per section, whatever the size of the programme."""

from __future__ import annotations

import json
import zipfile
from typing import IO, Any

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from challenges.models import ChallengeAttachment, ChallengeComment
from cohorts.models import CoachAssignment, DeliverableFile, TeamMember, VersionComment
from curiouslab.accounts.models import AuditLogEntry, Membership, User
from documents.models import Document
from sessions.models import Attendance, CoachingEntry
from trophies.models import AudienceVote, JuryMember, Score


def _profile(user: User) -> dict[str, Any]:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": user.language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _sections(user: User) -> dict[str, list[dict[str, Any]] | dict[str, Any]]:
    return {
        "profile": _profile(user),
        "memberships": list(
            Membership.objects.filter(user=user).values(
                "role", "organisation__name", "discipline", "level", "is_active", "created_at"
            )
        ),
        "teams": list(
            TeamMember.objects.filter(user=user).values(
                "team__name", "team__cohort__name", "team__challenge__title"
            )
        ),
        "coaching": list(
            CoachAssignment.objects.filter(coach=user).values("team__name", "team__cohort__name")
        ),
        "attendance": list(
            Attendance.objects.filter(user=user).values(
                "session__title", "session__starts_at", "present", "method", "recorded_at"
            )
        ),
        "documents": list(
            Document.objects.filter(recipient=user).values(
                "kind", "cohort__name", "verification_code", "sha256", "issued_at", "status"
            )
        ),
        "jury_seats": list(
            JuryMember.objects.filter(user=user).values("jury__cohort__name", "email", "name")
        ),
        "jury_marks": list(
            Score.objects.filter(member__user=user).values(
                "finalist__team__name", "criterion__name", "value", "comment", "updated_at"
            )
        ),
        "audience_votes": list(
            AudienceVote.objects.filter(user=user).values(
                "jury__cohort__name", "finalist__team__name"
            )
        ),
        "challenge_comments": list(
            ChallengeComment.objects.filter(author=user).values(
                "challenge__title", "body", "created_at"
            )
        ),
        "deliverable_comments": list(
            VersionComment.objects.filter(author=user).values(
                "version__deliverable__team__name", "text", "created_at"
            )
        ),
        "coaching_entries": list(
            CoachingEntry.objects.filter(Q(author=user) | Q(answered_by=user)).values(
                "team__name", "kind", "body", "answer", "created_at"
            )
        ),
        "actions": list(
            AuditLogEntry.objects.filter(actor=user)
            .order_by("created_at", "pk")
            .values("created_at", "action", "object_repr")
        ),
    }


def _files(user: User):
    """(name in the ZIP, storage path) of the person's documents and uploads."""
    for code, path in (
        Document.objects.filter(recipient=user)
        .exclude(file="")
        .values_list("verification_code", "file")
    ):
        yield f"documents/{code}.pdf", path
    for pk, name, path in DeliverableFile.objects.filter(uploaded_by=user).values_list(
        "pk", "original_name", "path"
    ):
        yield f"files/deliverables/{pk}-{name}", path
    for pk, name, path in ChallengeAttachment.objects.filter(uploaded_by=user).values_list(
        "pk", "original_name", "file"
    ):
        yield f"files/challenges/{pk}-{name}", path


def write_zip(user: User, fh: IO[bytes]) -> None:
    data = {"exported_at": timezone.now(), **_sections(user)}
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )
        for name, path in _files(user):
            if not default_storage.exists(path):
                continue
            with default_storage.open(path, "rb") as source, archive.open(name, "w") as target:
                for chunk in iter(lambda: source.read(1 << 20), b""):
                    target.write(chunk)
