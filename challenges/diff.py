"""What changed in a challenge's text since the coordinators last reviewed it."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from challenges.models import CONTENT_FIELDS, Challenge, ChallengeStatus, Theme

REVIEW_POINTS = {ChallengeStatus.SUBMITTED, ChallengeStatus.CHANGES_REQUESTED}


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    segments: list[tuple[str, str]]  # ("same" | "del" | "ins", text)


def _display(name: str, value: str) -> str:
    if name == "theme" and value in Theme.values:
        return str(Theme(value).label)
    return value or ""


def _segments(old: str, new: str) -> list[tuple[str, str]]:
    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    result: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            result.append(("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            result.append(("del", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            result.append(("ins", "".join(b[j1:j2])))
    return result


def baseline(transitions) -> dict | None:
    """The text as the coordinators last saw it: the snapshot taken at the last request for
    changes or, before any, at submission."""
    snapshot = None
    for t in transitions:
        if t.to_status in REVIEW_POINTS:
            snapshot = t.snapshot
    return snapshot


def since_last_review(challenge: Challenge, transitions) -> list[FieldDiff]:
    base = baseline(transitions)
    if base is None:
        return []
    diffs = []
    for name in CONTENT_FIELDS:
        old, new = _display(name, base.get(name, "")), _display(name, getattr(challenge, name))
        if old != new:
            label = str(Challenge._meta.get_field(name).verbose_name)
            diffs.append(FieldDiff(name, label, _segments(old, new)))
    return diffs
