"""Propose mixed teams for the unassigned students of a cohort: a pure function, so the
coordinator sees and edits the proposal before anything is saved."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    user_id: int
    school_id: int
    discipline: str


def team_count(n: int, min_size: int, max_size: int) -> int:
    """How many teams for ``n`` students: as few as the maximum size allows, fewer when the
    teams would otherwise fall under the minimum size."""
    if n == 0:
        return 0
    k = math.ceil(n / max_size)
    while k > 1 and n / k < min_size:
        k -= 1
    return k


def propose(candidates: list[Candidate], *, min_size: int, max_size: int) -> list[list[Candidate]]:
    """Greedy balancing: students of the rarest disciplines first, each into the team that
    lacks their discipline, then their school, then has the fewest members."""
    k = team_count(len(candidates), min_size, max_size)
    if k == 0:
        return []
    teams: list[list[Candidate]] = [[] for _ in range(k)]
    frequency = Counter(c.discipline.lower() for c in candidates)
    ordered = sorted(
        candidates, key=lambda c: (frequency[c.discipline.lower()], c.discipline, c.school_id)
    )
    capacity = max(max_size, math.ceil(len(candidates) / k))
    for c in ordered:
        best = min(
            (i for i in range(k) if len(teams[i]) < capacity),
            key=lambda i: (
                any(m.discipline.lower() == c.discipline.lower() for m in teams[i]),
                any(m.school_id == c.school_id for m in teams[i]),
                len(teams[i]),
                i,
            ),
        )
        teams[best].append(c)
    return teams
