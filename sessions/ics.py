"""iCalendar (RFC 5545) written by hand: times in UTC ("Z"), so a calendar application
places them right on either side of the daylight-saving change without a VTIMEZONE."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sessions.models import Session

PRODID = "-//Curious Lab//Sessions//FR"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > limit:
            parts.append(current.decode())
            current, limit = b"", 74  # continuation lines start with a space
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(session: Session, stamp: str) -> list[str]:
    url = settings.SITE_URL + reverse("sessions:detail", kwargs={"pk": session.pk})
    location = ", ".join(p for p in (session.place, session.address) if p)
    description = "\n\n".join(p for p in (session.agenda, url) if p)
    lines = [
        "BEGIN:VEVENT",
        f"UID:session-{session.pk}@curiouslab",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{_escape(session.title)}",
        f"CATEGORIES:{_escape(session.get_kind_display())}",
        f"URL:{url}",
    ]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    lines.append("END:VEVENT")
    return lines


def calendar(sessions: Iterable[Session], *, name: str) -> bytes:
    """The text/calendar document of ``sessions``."""
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
        "X-WR-TIMEZONE:Europe/Paris",
    ]
    for session in sessions:
        lines.extend(_event(session, stamp))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
