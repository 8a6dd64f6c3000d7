"""Writes of the sessions app: sessions, material, attendance, feeds, reminders, coaching."""

from __future__ import annotations

import datetime
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.models import CoachAssignment, Cohort, Milestone, Team
from curiouslab.accounts.models import Role, User
from curiouslab.audit import audit_log, snapshot
from curiouslab.errors import DomainError
from curiouslab.mail import send_templated_mail
from curiouslab.site import absolute_url
from curiouslab.storedfiles import files_atomic, store_in_field
from curiouslab.uploads import UploadPolicy, check_upload
from sessions.models import (
    Attendance,
    CalendarFeed,
    CoachingEntry,
    InvitedRole,
    ReminderSent,
    Session,
    SessionMaterial,
    _feed_token,
)
from sessions.selectors import is_invited, milestone_concerned, session_invitees

# Check-in by QR code opens this long before the start and closes at the end.
CHECKIN_OPENS_BEFORE = datetime.timedelta(minutes=30)
# Reminders: a session the day before, a deadline two days before.
SESSION_REMINDER_AHEAD = datetime.timedelta(hours=24)
MILESTONE_REMINDER_AHEAD = datetime.timedelta(hours=48)
MATERIAL_MAX_BYTES = 20 * 1024 * 1024
# The project's upload policy (curiouslab/uploads.py) for session material: the kind is
# decided on the bytes, and the name and announced type must agree with it.
MATERIAL_POLICY = UploadPolicy(
    kinds={
        "application/pdf": {"pdf"},
        "application/vnd.oasis.opendocument.text": {"odt"},
        "application/vnd.oasis.opendocument.presentation": {"odp"},
        "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
        "image/png": {"png"},
        "image/jpeg": {"jpg", "jpeg"},
        "text/plain": {"txt"},
    },
    max_bytes=MATERIAL_MAX_BYTES,
    accepted=gettext_lazy("PDF, office document, image or text"),
)
SESSION_FIELDS = [
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "address",
    "capacity",
    "agenda",
]
NOTIFY_ON_CHANGE = ("starts_at", "ends_at", "place", "address")


def _org(cohort: Cohort) -> int:
    return cohort.programme.organisation_id


def _coordinates(user: User, cohort: Cohort) -> bool:
    return user.has_perm("meetings.add_session", cohort)


def session_url(session: Session) -> str:
    return absolute_url(reverse("sessions:detail", kwargs={"pk": session.pk}))


# --- Sessions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionData:
    kind: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str = ""
    address: str = ""
    capacity: int | None = None
    agenda: str = ""
    invited_teams: list[Team] = field(default_factory=list)
    invited_roles: list[str] = field(default_factory=list)
    people_in_charge: list[User] = field(default_factory=list)


def _check(data: SessionData, cohort: Cohort) -> None:
    if data.ends_at <= data.starts_at:
        raise DomainError(_("A session must end after it starts."))
    if any(t.cohort_id != cohort.pk for t in data.invited_teams):
        raise DomainError(_("Only teams of this cohort can be invited."))
    if any(r not in Role.values for r in data.invited_roles):
        raise DomainError(_("Unknown role."))


def _set_audience(session: Session, data: SessionData) -> None:
    session.invited_teams.set(data.invited_teams)
    session.people_in_charge.set(data.people_in_charge)
    InvitedRole.objects.filter(session=session).exclude(role__in=data.invited_roles).delete()
    existing = set(session.invited_roles.values_list("role", flat=True))
    InvitedRole.objects.bulk_create(
        [InvitedRole(session=session, role=r) for r in data.invited_roles if r not in existing]
    )


def _audience_snapshot(data: SessionData) -> dict:
    return {
        "invited_teams": sorted(t.pk for t in data.invited_teams),
        "invited_roles": sorted(data.invited_roles),
        "people_in_charge": sorted(u.pk for u in data.people_in_charge),
    }


def session_create(*, cohort: Cohort, actor: User, data: SessionData) -> Session:
    if not _coordinates(actor, cohort):
        raise DomainError(_("Only the coordinators of this programme can plan its sessions."))
    _check(data, cohort)
    with transaction.atomic():
        session = Session.objects.create(
            cohort=cohort, **{name: getattr(data, name) for name in SESSION_FIELDS}
        )
        _set_audience(session, data)
        audit_log(
            actor=actor,
            action="session.create",
            obj=session,
            organisation=_org(cohort),
            after={**snapshot(session, SESSION_FIELDS), **_audience_snapshot(data)},
        )
    return session


def session_update(*, session: Session, actor: User, data: SessionData) -> Session:
    """Change a session. When its date or place changes, everyone invited is told by e-mail
    once the change is committed."""
    cohort = session.cohort
    if not _coordinates(actor, cohort):
        raise DomainError(_("Only the coordinators of this programme can change its sessions."))
    _check(data, cohort)
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        session.cohort = cohort
        before = snapshot(session, SESSION_FIELDS)
        changed = [n for n in SESSION_FIELDS if getattr(session, n) != getattr(data, n)]
        for name in changed:
            setattr(session, name, getattr(data, name))
        if changed:
            session.save(update_fields=changed)
        _set_audience(session, data)
        audit_log(
            actor=actor,
            action="session.update",
            obj=session,
            organisation=_org(cohort),
            before=before,
            after={**snapshot(session, SESSION_FIELDS), **_audience_snapshot(data)},
        )
        moved = [n for n in changed if n in NOTIFY_ON_CHANGE]
        if moved:
            send_templated_mail(
                recipients=session_invitees(session),
                template="sessions/email/session_changed",
                context={
                    "session": session,
                    "before": before,
                    "date_changed": bool({"starts_at", "ends_at"} & set(moved)),
                    "place_changed": bool({"place", "address"} & set(moved)),
                    "url": session_url(session),
                },
            )
    return session


def material_add(
    *, session: Session, actor: User, title: str, upload: UploadedFile
) -> SessionMaterial:
    if not _coordinates(actor, session.cohort) and not actor.has_perm(
        "meetings.take_attendance", session
    ):
        raise DomainError(_("Only the people running this session can attach material."))
    checked = check_upload(upload, MATERIAL_POLICY)
    with files_atomic():
        material = SessionMaterial(session=session, title=title, uploaded_by=actor)
        store_in_field(material.file, checked.name, upload)
        material.save()
        audit_log(
            actor=actor,
            action="session.material_add",
            obj=session,
            organisation=_org(session.cohort),
            after={"material": material.pk, "title": title},
        )
    return material


# --- Attendance ----------------------------------------------------------------------------


def attendance_set(*, session: Session, user: User, present: bool, actor: User) -> Attendance:
    """Roll call: mark ``user`` present or absent at ``session``."""
    if not actor.has_perm("meetings.take_attendance", session):
        raise DomainError(_("Only the people running this session can take attendance."))
    if timezone.now() < session.starts_at - CHECKIN_OPENS_BEFORE:
        raise DomainError(_("Attendance can be taken once the session has started."))
    if not is_invited(session, user):
        raise DomainError(_("This person is not invited to this session."))
    with transaction.atomic():
        attendance, created = _lock_or_create(
            session=session,
            user=user,
            defaults={"present": present, "method": Attendance.Method.ROLL_CALL},
            actor=actor,
        )
        if not created and attendance.present == present:
            return attendance
        before = None if created else {"present": attendance.present}
        attendance.present = present
        attendance.method = Attendance.Method.ROLL_CALL
        attendance.recorded_by = actor
        attendance.save(update_fields=["present", "method", "recorded_by", "recorded_at"])
        audit_log(
            actor=actor,
            action="attendance.set",
            obj=attendance,
            organisation=_org(session.cohort),
            before=before,
            after={"present": present, "user": user.pk, "session": session.pk},
        )
    return attendance


def _lock_or_create(*, session: Session, user: User, defaults: dict, actor: User):
    """The attendance row of (session, user), locked; created when missing. The unique
    constraint decides between two people recording at once."""
    row = Attendance.objects.select_for_update().filter(session=session, user=user).first()
    if row is not None:
        return row, False
    try:
        with transaction.atomic():
            return (
                Attendance.objects.create(
                    session=session, user=user, recorded_by=actor, **defaults
                ),
                True,
            )
    except IntegrityError:
        return Attendance.objects.select_for_update().get(session=session, user=user), False


def checkin_token(session: Session) -> str:
    """The secret of a session's check-in URL (shown as a QR code on screen)."""
    value = f"{session.pk}:{session.created_at.isoformat()}"
    return salted_hmac("sessions.checkin", value).hexdigest()[:32]


def checkin_url(session: Session) -> str:
    return absolute_url(
        reverse("sessions:checkin", kwargs={"pk": session.pk, "token": checkin_token(session)})
    )


def checkin_window(session: Session) -> tuple[datetime.datetime, datetime.datetime]:
    return session.starts_at - CHECKIN_OPENS_BEFORE, session.ends_at


def checkin_token_valid(session: Session, token: str) -> bool:
    return hmac.compare_digest(checkin_token(session), token or "")


def attendance_check_in(
    *, session: Session, user: User, token: str, at: datetime.datetime | None = None
) -> Attendance:
    """A student checks in with the session's QR code: only during the session window, only
    when invited, once."""
    at = at or timezone.now()
    if not checkin_token_valid(session, token):
        raise DomainError(_("This check-in code is not valid."))
    opens, closes = checkin_window(session)
    if at > closes:
        raise DomainError(_("This session is over: check-in is closed."))
    if at < opens:
        raise DomainError(_("Check-in opens 30 minutes before the session starts."))
    if not is_invited(session, user):
        raise DomainError(_("You are not invited to this session."))
    with transaction.atomic():
        attendance, created = _lock_or_create(
            session=session,
            user=user,
            defaults={"present": True, "method": Attendance.Method.QR_CODE},
            actor=user,
        )
        if not created:
            if attendance.present:
                raise DomainError(_("You have already checked in to this session."))
            attendance.present = True
            attendance.method = Attendance.Method.QR_CODE
            attendance.recorded_by = user
            attendance.save(update_fields=["present", "method", "recorded_by", "recorded_at"])
        audit_log(
            actor=user,
            action="attendance.check_in",
            obj=attendance,
            organisation=_org(session.cohort),
            after={"present": True, "user": user.pk, "session": session.pk},
        )
    return attendance


# --- Calendar feed -------------------------------------------------------------------------


def feed_regenerate(*, user: User) -> CalendarFeed:
    """Give ``user`` a new secret feed address; the previous one stops working."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        if not created:
            feed.token = _feed_token()
            feed.save(update_fields=["token", "created_at"])
        audit_log(actor=user, action="calendar_feed.regenerate", obj=feed)
    return feed


def feed_revoke(*, user: User) -> None:
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            return
        audit_log(actor=user, action="calendar_feed.revoke", obj=feed)
        feed.delete()


# --- Reminders -----------------------------------------------------------------------------


def _send_once(
    *, kind: str, object_id: int, people: Iterable[User], template: str, context: dict
) -> int:
    """Send one reminder per person, each claimed by a ReminderSent row first: the unique
    constraint makes a second run (restarted beat, retried task) skip who already got it.
    The mail is queued on the commit of the claim, so no claim means no mail."""
    already = set(
        ReminderSent.objects.filter(kind=kind, object_id=object_id).values_list(
            "user_id", flat=True
        )
    )
    sent = 0
    for person in people:
        if person.pk in already:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(kind=kind, object_id=object_id, user=person)
                send_templated_mail(recipients=[person], template=template, context=context)
        except IntegrityError:
            continue
        sent += 1
    return sent


def session_reminders_send(*, at: datetime.datetime | None = None) -> int:
    """Remind the invited people and those in charge of each session starting within the
    next 24 hours. Returns how many e-mails were queued."""
    at = at or timezone.now()
    count = 0
    due = Session.objects.filter(
        starts_at__gt=at, starts_at__lte=at + SESSION_REMINDER_AHEAD
    ).select_related("cohort__programme")
    for session in due.prefetch_related("people_in_charge"):
        people = {u.pk: u for u in session_invitees(session)}
        people.update({u.pk: u for u in session.people_in_charge.all() if u.is_active})
        count += _send_once(
            kind=ReminderSent.Kind.SESSION,
            object_id=session.pk,
            people=people.values(),
            template="sessions/email/session_reminder",
            context={"session": session, "url": session_url(session)},
        )
    return count


def milestone_reminders_send(*, at: datetime.datetime | None = None) -> int:
    """Remind the students of a cohort of each deadline due within the next 48 hours."""
    at = at or timezone.now()
    count = 0
    due = Milestone.objects.filter(
        deadline__gt=at, deadline__lte=at + MILESTONE_REMINDER_AHEAD
    ).select_related("cohort")
    for milestone in due:
        count += _send_once(
            kind=ReminderSent.Kind.MILESTONE,
            object_id=milestone.pk,
            people=milestone_concerned(milestone),
            template="sessions/email/milestone_reminder",
            context={"milestone": milestone, "url": absolute_url("/")},
        )
    return count


# --- Coaching ------------------------------------------------------------------------------


def _coaching_url(team: Team) -> str:
    return absolute_url(reverse("sessions:coaching", kwargs={"team_id": team.pk}))


def coaching_note_add(*, team: Team, actor: User, body: str) -> CoachingEntry:
    if not actor.has_perm("meetings.write_coaching_note", team):
        raise DomainError(_("Only the team's coaches and the coordinators can leave notes."))
    body = body.strip()
    if not body:
        raise DomainError(_("Write something first."))
    with transaction.atomic():
        entry = CoachingEntry.objects.create(
            team=team, kind=CoachingEntry.Kind.NOTE, author=actor, body=body
        )
        audit_log(actor=actor, action="coaching.note", obj=entry, organisation=_org(team.cohort))
    return entry


def coaching_question_ask(*, team: Team, actor: User, body: str) -> CoachingEntry:
    if not actor.has_perm("meetings.ask_coach", team):
        raise DomainError(_("Only the team's members can ask its coach a question."))
    body = body.strip()
    if not body:
        raise DomainError(_("Write something first."))
    with transaction.atomic():
        entry = CoachingEntry.objects.create(
            team=team, kind=CoachingEntry.Kind.QUESTION, author=actor, body=body
        )
        audit_log(
            actor=actor, action="coaching.question", obj=entry, organisation=_org(team.cohort)
        )
        coaches = User.objects.filter(
            is_active=True,
            pk__in=CoachAssignment.objects.filter(team=team).values("coach_id"),
        )
        send_templated_mail(
            recipients=coaches,
            template="sessions/email/coaching_question",
            context={"team": team, "entry": entry, "url": _coaching_url(team)},
        )
    return entry


def coaching_answer(*, entry: CoachingEntry, actor: User, answer: str) -> CoachingEntry:
    team = entry.team
    if not actor.has_perm("meetings.answer_coaching_question", team):
        raise DomainError(_("Only the team's coaches and the coordinators can answer."))
    answer = answer.strip()
    if not answer:
        raise DomainError(_("Write something first."))
    with transaction.atomic():
        entry = CoachingEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.kind != CoachingEntry.Kind.QUESTION:
            raise DomainError(_("Only a question can be answered."))
        if entry.answer == answer:
            return entry
        before = {"answer": entry.answer}
        entry.answer = answer
        entry.answered_by = actor
        entry.answered_at = timezone.now()
        entry.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_log(
            actor=actor,
            action="coaching.answer",
            obj=entry,
            organisation=_org(team.cohort),
            before=before,
            after={"answer": answer},
        )
        if entry.author_id and entry.author.is_active:
            send_templated_mail(
                recipients=[entry.author],
                template="sessions/email/coaching_answer",
                context={"team": team, "entry": entry, "url": _coaching_url(team)},
            )
    return entry
