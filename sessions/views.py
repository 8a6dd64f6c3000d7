"""Views of the sessions app. Details are fetched through the selectors, so an outsider gets
a 404; a person who may see an object but not act on it gets a 403."""

from __future__ import annotations

import datetime
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from curiouslab.downloads import serve_bytes, serve_stored_file
from curiouslab.errors import DomainError
from curiouslab.qr import qr_svg
from curiouslab.site import absolute_url
from sessions import ics
from sessions.forms import (
    CoachingAnswerForm,
    CoachingNoteForm,
    CoachingQuestionForm,
    MaterialForm,
    SessionForm,
)
from sessions.models import Attendance, CalendarFeed, CoachingEntry, Session
from sessions.selectors import (
    attendance_rates,
    attendance_summary,
    coaching_teams_visible_to,
    cohorts_with_calendar,
    month_bounds,
    month_grid,
    overlapping_sessions,
    session_for_detail,
    session_invitees,
    sessions_visible_to,
)
from sessions.services import (
    attendance_check_in,
    attendance_set,
    checkin_token_valid,
    checkin_url,
    checkin_window,
    coaching_answer,
    coaching_note_add,
    coaching_question_ask,
    feed_regenerate,
    feed_revoke,
    material_add,
    session_create,
    session_update,
)

PAGE_SIZE = 20
COACHING_ROLES = (Role.COORDINATOR, Role.STUDENT, Role.COACH, Role.MUNICIPAL_STAFF)


def _session_or_404(user, pk: int) -> Session:
    try:
        return session_for_detail(user, pk)
    except Session.DoesNotExist:
        raise Http404 from None


def _calendar_cohort(user, cohort_id: int):
    return get_object_or_404(cohorts_with_calendar(user).select_related("programme"), pk=cohort_id)


# --- Lists and calendars -------------------------------------------------------------------


@login_required
def my_sessions(request):
    past = request.GET.get("when") == "past"
    now = timezone.now()
    sessions = sessions_visible_to(request.user).select_related("cohort")
    if past:
        sessions = sessions.filter(ends_at__lt=now).order_by("-starts_at")
    else:
        sessions = sessions.filter(ends_at__gte=now).order_by("starts_at")
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context = {
        "page": page,
        "past": past,
        "query": "when=past" if past else "",
        "feed": feed,
        "feed_url": absolute_url(feed_path(feed)) if feed else "",
        "cohorts": cohorts_with_calendar(request.user).order_by("-year")[:10],
    }
    return render(request, "sessions/my_sessions.html", context)


def feed_path(feed: CalendarFeed) -> str:
    return reverse("sessions:feed", kwargs={"token": feed.token})


def _parse_month(value: str | None) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return today.year, today.month
    if not 2000 <= year <= 2100:
        return today.year, today.month
    return year, month


@login_required
def cohort_calendar(request, cohort_id: int):
    cohort = _calendar_cohort(request.user, cohort_id)
    view = "list" if request.GET.get("view") == "list" else "month"
    sessions = sessions_visible_to(request.user).filter(cohort=cohort)
    context = {"cohort": cohort, "view": view}
    if view == "month":
        year, month = _parse_month(request.GET.get("month"))
        start, end = month_bounds(year, month)
        in_range = list(sessions.filter(starts_at__gte=start, starts_at__lt=end))
        first = datetime.date(year, month, 1)
        context |= {
            "weeks": month_grid(year, month, in_range),
            "month": first,
            "previous": (first - datetime.timedelta(days=1)).strftime("%Y-%m"),
            "next": (first + datetime.timedelta(days=32)).strftime("%Y-%m"),
            "month_sessions": [
                s for s in in_range if timezone.localtime(s.starts_at).month == month
            ],
        }
    else:
        context |= {
            "page": Paginator(sessions.order_by("starts_at"), PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
            "query": "view=list",
        }
    if request.user.has_perm("meetings.add_session", cohort):
        context["overlaps"] = overlapping_sessions(cohort)
    return render(request, "sessions/cohort_calendar.html", context)


# --- A session -----------------------------------------------------------------------------


def _warn_overlaps(request, session: Session) -> None:
    for overlap in overlapping_sessions(session.cohort):
        if session.pk in (overlap.first.pk, overlap.second.pk):
            other = overlap.second if overlap.first.pk == session.pk else overlap.first
            messages.warning(
                request,
                _("This session overlaps “%(other)s” for the team %(team)s.")
                % {"other": other.title, "team": overlap.team},
            )


@login_required
def session_create_view(request, cohort_id: int):
    cohort = _calendar_cohort(request.user, cohort_id)
    if not request.user.has_perm("meetings.add_session", cohort):
        raise PermissionDenied
    form = SessionForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_create(cohort=cohort, actor=request.user, data=form.to_data())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The session has been planned."))
            _warn_overlaps(request, session)
            return redirect("sessions:detail", pk=session.pk)
    return render(
        request,
        "sessions/session_form.html",
        {"form": form, "cohort": cohort},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def session_detail(request, pk: int):
    session = _session_or_404(request.user, pk)
    context = {
        "session": session,
        "material_form": MaterialForm(),
        "can_edit": request.user.has_perm("meetings.change_session", session),
        "can_run": request.user.has_perm("meetings.take_attendance", session),
        "attendance": Attendance.objects.filter(session=session, user=request.user).first(),
    }
    return render(request, "sessions/session_detail.html", context)


@login_required
def session_edit(request, pk: int):
    session = _session_or_404(request.user, pk)
    if not request.user.has_perm("meetings.change_session", session):
        raise PermissionDenied
    form = SessionForm(request.POST or None, cohort=session.cohort, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_update(session=session, actor=request.user, data=form.to_data())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The session has been saved."))
            _warn_overlaps(request, session)
            return redirect("sessions:detail", pk=session.pk)
    return render(
        request,
        "sessions/session_form.html",
        {"form": form, "cohort": session.cohort, "session": session},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def session_ics(request, pk: int):
    session = _session_or_404(request.user, pk)
    return serve_bytes(
        ics.calendar([ics.row(session)], name=session.title),
        filename=f"session-{session.pk}.ics",
        content_type="text/calendar; charset=utf-8",
    )


@login_required
@require_POST
def material_upload(request, pk: int):
    session = _session_or_404(request.user, pk)
    if not request.user.has_perm("meetings.take_attendance", session):
        raise PermissionDenied
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give the material a title and choose a file."))
        return redirect("sessions:detail", pk=session.pk)
    try:
        material_add(
            session=session,
            actor=request.user,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The material has been attached."))
    return redirect("sessions:detail", pk=session.pk)


@login_required
def material_download(request, pk: int, material_id: int):
    session = _session_or_404(request.user, pk)
    material = get_object_or_404(session.materials.all(), pk=material_id)
    content_type = mimetypes.guess_type(material.filename)[0] or "application/octet-stream"
    return serve_stored_file(
        material.file.name, filename=material.filename, content_type=content_type, inline=False
    )


# --- Attendance ----------------------------------------------------------------------------


def _running_session(request, pk: int) -> Session:
    session = _session_or_404(request.user, pk)
    if not request.user.has_perm("meetings.take_attendance", session):
        raise PermissionDenied
    return session


@login_required
def attendance_sheet(request, pk: int):
    """The roll call. The page polls it with ``?state=``: nothing (204) while no attendance of
    the session changed, else its rows and counter, so QR check-ins and other devices' taps
    appear without a reload."""
    session = _running_session(request, pk)
    state = _attendance_state(session)
    polled = request.htmx and "state" in request.GET
    if polled and request.GET["state"] == state:
        return HttpResponse(status=204)
    invitees = list(session_invitees(session))
    records = {a.user_id: a for a in Attendance.objects.filter(session=session)}
    rows = [{"person": p, "record": records.get(p.pk)} for p in invitees]
    present = sum(1 for r in rows if r["record"] and r["record"].present)
    return render(
        request,
        "sessions/attendance.html#live" if polled else "sessions/attendance.html",
        {
            "session": session,
            "rows": rows,
            "present": present,
            "total": len(rows),
            "state": state,
            "oob": polled,
        },
    )


def _attendance_state(session) -> str:
    """Changes whenever an attendance of ``session`` is recorded or changed."""
    agg = Attendance.objects.filter(session=session).aggregate(
        n=Count("id"), last=Max("recorded_at")
    )
    return f"{agg['n']}.{agg['last'].timestamp() if agg['last'] else 0}"


def _attendance_counter(session) -> dict:
    """The roll call's "n present out of m" (and the poll's new state) for the row an HTMX tap
    sends back."""
    invitees = session_invitees(session)
    present = Attendance.objects.filter(
        session=session, present=True, user__in=invitees.values("pk")
    ).count()
    return {
        "present": present,
        "total": invitees.count(),
        "state": _attendance_state(session),
        "oob": True,
    }


@login_required
@require_POST
def attendance_toggle(request, pk: int, user_id: int):
    session = _running_session(request, pk)
    person = session_invitees(session).filter(pk=user_id).first()
    if person is None:
        raise Http404
    present = request.POST.get("present") == "1"
    try:
        record = attendance_set(session=session, user=person, present=present, actor=request.user)
    except DomainError as exc:
        if request.htmx:  # the row again, with the refusal under the button
            record = Attendance.objects.filter(session=session, user=person).first()
            return render(
                request,
                "sessions/attendance.html#row",
                {
                    "session": session,
                    "row": {"person": person, "record": record},
                    "error": exc.message,
                },
                status=400,
            )
        messages.error(request, exc.message)
        return redirect("sessions:attendance", pk=session.pk)
    if request.htmx:  # the row, and the counter above the table swapped out of band
        return render(
            request,
            "sessions/attendance.html#toggled",
            {
                "session": session,
                "row": {"person": person, "record": record},
                **_attendance_counter(session),
            },
        )
    return redirect("sessions:attendance", pk=session.pk)


@login_required
def checkin_code(request, pk: int):
    session = _running_session(request, pk)
    url = checkin_url(session)
    opens, closes = checkin_window(session)
    return render(
        request,
        "sessions/checkin_code.html",
        {
            "session": session,
            "svg": qr_svg(url),
            "url": url,
            "opens": opens,
            "closes": closes,
        },
    )


@login_required
def checkin(request, pk: int, token: str):
    session = _session_or_404(request.user, pk)
    if not checkin_token_valid(session, token):
        raise Http404
    if request.method == "POST":
        try:
            attendance_check_in(session=session, user=request.user, token=token)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("You are checked in. Welcome!"))
        return redirect("sessions:detail", pk=session.pk)
    opens, closes = checkin_window(session)
    now = timezone.now()
    return render(
        request,
        "sessions/checkin.html",
        {"session": session, "open": opens <= now <= closes, "over": now > closes},
    )


# --- Calendar feed -------------------------------------------------------------------------


@never_cache
def feed(request, token: str):
    """The iCalendar feed behind a secret address: no sign-in, the token is the key."""
    subscription = (
        CalendarFeed.objects.select_related("user").filter(token=token).first() if token else None
    )
    if subscription is None or not subscription.user.is_active:
        raise Http404
    since = timezone.now() - datetime.timedelta(days=365)
    sessions = (
        sessions_visible_to(subscription.user)
        .filter(ends_at__gte=since)
        .order_by("starts_at")
        .values(*ics.FIELDS)
    )
    body = ics.calendar(sessions, name="Curious Lab")
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
@require_POST
def feed_regenerate_view(request):
    feed_regenerate(user=request.user)
    messages.success(
        request, _("Your calendar address is ready. The previous one no longer works.")
    )
    return redirect("sessions:mine")


@login_required
@require_POST
def feed_revoke_view(request):
    feed_revoke(user=request.user)
    messages.success(request, _("Your calendar address has been revoked."))
    return redirect("sessions:mine")


# --- Attendance rates ----------------------------------------------------------------------


def _rates_cohort(user, cohort_id: int):
    cohort = _calendar_cohort(user, cohort_id)
    if not user.has_perm("meetings.view_attendance_rates", cohort):
        raise PermissionDenied
    return cohort


@login_required
def attendance_summary_panel(request, cohort_id: int):
    """The cohort dashboard's attendance figures, loaded by HTMX once the dashboard is shown:
    they sum every attendance mark of the cohort, so the dashboard itself does not wait for
    them (without JavaScript the panel links to the attendance per student)."""
    cohort = _rates_cohort(request.user, cohort_id)
    return render(
        request,
        "sessions/_dashboard_attendance_figures.html",
        {"cohort": cohort, "attendance": attendance_summary(cohort)},
    )


@login_required
def attendance_rates_view(request, cohort_id: int):
    cohort = _rates_cohort(request.user, cohort_id)
    rates = attendance_rates(cohort)
    page = Paginator(rates.students, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions/attendance_rates.html",
        {"cohort": cohort, "attendance": rates, "page": page},
    )


# --- Coaching ------------------------------------------------------------------------------


@login_required
def coaching_list(request):
    if not roles_for(request.user).has_any(*COACHING_ROLES):
        raise PermissionDenied
    teams = (
        coaching_teams_visible_to(request.user)
        .select_related("cohort", "challenge")
        .order_by("-cohort__year", "name")
    )
    page = Paginator(teams, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sessions/coaching_list.html", {"page": page})


@login_required
def coaching(request, team_id: int):
    team = get_object_or_404(
        coaching_teams_visible_to(request.user).select_related(
            "cohort__programme", "challenge__municipality"
        ),
        pk=team_id,
    )
    can_note = request.user.has_perm("meetings.write_coaching_note", team)
    can_ask = request.user.has_perm("meetings.ask_coach", team)
    note_form = CoachingNoteForm(prefix="note")
    question_form = CoachingQuestionForm(prefix="question")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "note" and can_note:
            note_form = CoachingNoteForm(request.POST, prefix="note")
            form, write = note_form, coaching_note_add
        elif action == "question" and can_ask:
            question_form = CoachingQuestionForm(request.POST, prefix="question")
            form, write = question_form, coaching_question_ask
        else:
            raise PermissionDenied
        if form.is_valid():
            try:
                write(team=team, actor=request.user, body=form.cleaned_data["body"])
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Posted."))
            return redirect("sessions:coaching", team_id=team.pk)
        status = 400
    entries = CoachingEntry.objects.filter(team=team).select_related("author", "answered_by")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    coaches = [a.coach for a in team.coach_assignments.select_related("coach")]
    return render(
        request,
        "sessions/coaching.html",
        {
            "team": team,
            "page": page,
            "coaches": coaches,
            "can_note": can_note,
            "can_ask": can_ask,
            "can_answer": request.user.has_perm("meetings.answer_coaching_question", team),
            "note_form": note_form,
            "question_form": question_form,
            "answer_form": CoachingAnswerForm(),
        },
        status=status,
    )


@login_required
@require_POST
def coaching_answer_view(request, entry_id: int):
    entry = get_object_or_404(
        CoachingEntry.objects.filter(
            team__in=coaching_teams_visible_to(request.user)
        ).select_related("team__cohort__programme"),
        pk=entry_id,
    )
    if not request.user.has_perm("meetings.answer_coaching_question", entry.team):
        raise PermissionDenied
    form = CoachingAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write an answer first."))
    else:
        try:
            coaching_answer(entry=entry, actor=request.user, answer=form.cleaned_data["answer"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your answer has been posted."))
    return redirect("sessions:coaching", team_id=entry.team_id)
