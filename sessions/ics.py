"""iCalendar (RFC 5545) written by hand: times in UTC ("Z"), so a calendar application
places them right on either side of the daylight-saving change without a VTIMEZONE."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from curiouslab.site import absolute_url
from sessions.models import Session, SessionKind

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
    if len(line) <= 18 or (len(line) <= 75 and line.isascii()):  # 4 octets a character at most
        return line
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while len(raw) - start > limit:
        end = start + limit
        while raw[end] & 0xC0 == 0x80:  # a continuation byte: step back to a boundary
            end -= 1
        parts.append(raw[start:end])
        start, limit = end, 74  # continuation lines start with a space
    parts.append(raw[start:])
    return "\r\n ".join(p.decode() for p in parts)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


# The fields an event needs: a feed reads them with QuerySet.values(*FIELDS), which is much
# cheaper than building hundreds of model instances.
FIELDS = ("pk", "kind", "title", "starts_at", "ends_at", "place", "address", "agenda")


def row(session: Session) -> dict:
    return {name: getattr(session, name) for name in FIELDS}


def _event(session: dict, stamp: str, url_pattern: str, kinds: dict[str, str]) -> list[str]:
    url = url_pattern.format(session["pk"])
    location = ", ".join(p for p in (session["place"], session["address"]) if p)
    description = "\n\n".join(p for p in (session["agenda"], url) if p)
    lines = [
        "BEGIN:VEVENT",
        f"UID:session-{session['pk']}@curiouslab",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(session['starts_at'])}",
        f"DTEND:{_utc(session['ends_at'])}",
        f"SUMMARY:{_escape(session['title'])}",
        f"CATEGORIES:{_escape(kinds.get(session['kind'], session['kind']))}",
        f"URL:{url}",
    ]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    lines.append("END:VEVENT")
    return lines


def calendar(sessions: Iterable[dict], *, name: str) -> bytes:
    """The text/calendar document of ``sessions``: dicts of FIELDS (see ``row``)."""
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
    # Computed once, not per event: a feed holds hundreds of sessions.
    marker = 987654321
    url_pattern = absolute_url(
        reverse("sessions:detail", kwargs={"pk": marker}).replace(str(marker), "{}")
    )
    kinds = {value: str(label) for value, label in SessionKind.choices}
    for session in sessions:
        lines.extend(_event(session, stamp, url_pattern, kinds))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
