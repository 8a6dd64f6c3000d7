"""iCalendar (RFC 5545) written by hand. A session in the platform's zone has its times in
UTC ("Z"), so a calendar application places them right on either side of the daylight-saving
change without a VTIMEZONE. A session that names its zone (a sprint's site in La Réunion or
Martinique) has local times with ``TZID=`` and the calendar carries a VTIMEZONE for each zone
used, with its offsets and changes over the years of the events (computed from zoneinfo)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

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
FIELDS = ("pk", "kind", "title", "starts_at", "ends_at", "place", "address", "agenda", "time_zone")


def row(session: Session) -> dict:
    return {name: getattr(session, name) for name in FIELDS}


def _when(name: str, value: datetime.datetime, zone: str) -> str:
    if not zone:
        return f"{name}:{_utc(value)}"
    local = value.astimezone(ZoneInfo(zone))
    return f"{name};TZID={zone}:{local.strftime('%Y%m%dT%H%M%S')}"


def _offset(delta: datetime.timedelta | None) -> str:
    minutes = int((delta or datetime.timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _transitions(zone: ZoneInfo, year: int) -> list[datetime.datetime]:
    """The instants (UTC) in ``year`` when ``zone``'s offset changes: a day scan, then the
    hour of the change found by bisection."""

    def offset_at(seconds: int):
        return datetime.datetime.fromtimestamp(seconds, datetime.UTC).astimezone(zone).utcoffset()

    found = []
    day = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=datetime.UTC)
    step = datetime.timedelta(days=1)
    while day < end:
        if day.astimezone(zone).utcoffset() != (day + step).astimezone(zone).utcoffset():
            low, high = int(day.timestamp()), int((day + step).timestamp())
            while high - low > 1:  # whole seconds: ``high`` is the first one of the new offset
                middle = (low + high) // 2
                if offset_at(middle) == offset_at(low):
                    low = middle
                else:
                    high = middle
            found.append(datetime.datetime.fromtimestamp(high, datetime.UTC))
        day += step
    return found


def vtimezone(name: str, years: set[int]) -> list[str]:
    """The VTIMEZONE of ``name`` over ``years``: one STANDARD or DAYLIGHT part per change
    (and one STANDARD part when the zone has no change, like Indian/Reunion)."""
    zone = ZoneInfo(name)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    changes = [t for year in sorted(years) for t in _transitions(zone, year)]
    if not changes:
        first = datetime.datetime(min(years), 1, 1, tzinfo=datetime.UTC).astimezone(zone)
        offset = _offset(first.utcoffset())
        lines += [
            "BEGIN:STANDARD",
            "DTSTART:19700101T000000",
            f"TZOFFSETFROM:{offset}",
            f"TZOFFSETTO:{offset}",
            f"TZNAME:{first.tzname()}",
            "END:STANDARD",
        ]
    for change in changes:
        before = (change - datetime.timedelta(seconds=1)).astimezone(zone)
        after = change.astimezone(zone)
        part = "DAYLIGHT" if after.dst() else "STANDARD"
        lines += [
            f"BEGIN:{part}",
            # DTSTART is in the local time in force before the change (RFC 5545 §3.6.5).
            f"DTSTART:{(change + before.utcoffset()).replace(tzinfo=None).strftime('%Y%m%dT%H%M%S')}",
            f"TZOFFSETFROM:{_offset(before.utcoffset())}",
            f"TZOFFSETTO:{_offset(after.utcoffset())}",
            f"TZNAME:{after.tzname()}",
            f"END:{part}",
        ]
    lines.append("END:VTIMEZONE")
    return lines


def _event(session: dict, stamp: str, url_pattern: str, kinds: dict[str, str]) -> list[str]:
    url = url_pattern.format(session["pk"])
    zone = session.get("time_zone") or ""
    location = ", ".join(p for p in (session["place"], session["address"]) if p)
    description = "\n\n".join(p for p in (session["agenda"], url) if p)
    lines = [
        "BEGIN:VEVENT",
        f"UID:session-{session['pk']}@curiouslab",
        f"DTSTAMP:{stamp}",
        _when("DTSTART", session["starts_at"], zone),
        _when("DTEND", session["ends_at"], zone),
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


def calendar(sessions: Iterable[dict], *, name: str, url_name: str = "sessions:detail") -> bytes:
    """The text/calendar document of ``sessions``: dicts of FIELDS (see ``row``); each event
    links to ``url_name`` with the session's pk."""
    sessions = list(sessions)
    zones: dict[str, set[int]] = {}
    for session in sessions:
        if session.get("time_zone"):
            zones.setdefault(session["time_zone"], set()).update(
                {session["starts_at"].year, session["ends_at"].year}
            )
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
    url_pattern = absolute_url(reverse(url_name, kwargs={"pk": marker}).replace(str(marker), "{}"))
    kinds = {value: str(label) for value, label in SessionKind.choices}
    for zone, years in sorted(zones.items()):
        lines.extend(vtimezone(zone, years))
    for session in sessions:
        lines.extend(_event(session, stamp, url_pattern, kinds))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
