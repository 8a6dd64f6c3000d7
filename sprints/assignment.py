"""The assignment of a site's participants to its teams: a pure function, no database.

Each participant has three preferred challenges (one team each). Teams are filled to even
sizes (no two differ by more than one). Participants are placed one at a
time, those with the most demanded first choice first (they have the fewest good options),
each in the open team of lowest cost:

- the rank of the team in their preferences (1st: 0, 2nd: 3, 3rd: 6, not chosen: 20);
- plus 4 for each member of the team already from the same collectivité,
- plus 2 for each member already of the same job family.

So a participant gets their first choice unless it is full or already has colleagues from
their collectivité; each placement says why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

RANK_COST = (0, 3, 6)
NOT_CHOSEN_COST = 20
SAME_COLLECTIVITE_COST = 4
SAME_JOB_COST = 2


@dataclass(frozen=True)
class Person:
    id: int
    collectivite: str
    job_family: str
    choices: tuple[int, ...]  # team ids, most preferred first


@dataclass
class Placement:
    person_id: int
    team_id: int
    rank: int | None  # 0 = first choice; None = not among their choices
    reason: str


@dataclass
class _Team:
    id: int
    size: int = 0
    collectivites: Counter = field(default_factory=Counter)
    jobs: Counter = field(default_factory=Counter)


def _reason(rank: int | None, same_coll: int, same_job: int, full: list[int]) -> str:
    if rank is None:
        text = _("None of their choices had room left.")
    elif rank == 0:
        text = _("Their first choice.")
    elif rank == 1:
        text = _("Their second choice")
    else:
        text = _("Their third choice")
    if rank and full:
        text += " " + _("(the ones before were full or already had colleagues of theirs).")
    if same_coll == 0:
        text += " " + _("Nobody else from their collectivité.")
    if same_job == 0:
        text += " " + _("The first of their job family in the team.")
    return text.strip()


def assign(people: list[Person], team_ids: list[int]) -> list[Placement]:
    """Place every person in one of ``team_ids`` (see the module's rule). Deterministic:
    the same input gives the same placements."""
    if not team_ids:
        return []
    # Even teams: ``extra`` of them get one more than the others.
    base, extra = divmod(len(people), len(team_ids))
    teams = {t: _Team(t) for t in team_ids}
    demand = Counter(p.choices[0] for p in people if p.choices)
    order = sorted(people, key=lambda p: (-demand.get(p.choices[0], 0) if p.choices else 0, p.id))
    placements = []
    for person in order:
        best = None
        for team in teams.values():
            if team.size > base or (team.size == base and extra == 0):
                continue
            rank = person.choices.index(team.id) if team.id in person.choices else None
            cost = (
                (RANK_COST[rank] if rank is not None and rank < len(RANK_COST) else NOT_CHOSEN_COST)
                + SAME_COLLECTIVITE_COST * team.collectivites[person.collectivite]
                + SAME_JOB_COST * team.jobs[person.job_family]
            )
            key = (cost, rank if rank is not None else 99, team.size, team.id)
            if best is None or key < best[0]:
                best = (key, team, rank)
        _key, team, rank = best
        skipped = [t for t in person.choices[: rank or 0] if t in teams]
        placements.append(
            Placement(
                person_id=person.id,
                team_id=team.id,
                rank=rank,
                reason=_reason(
                    rank,
                    team.collectivites[person.collectivite],
                    team.jobs[person.job_family],
                    skipped,
                ),
            )
        )
        if team.size == base:
            extra -= 1
        team.size += 1
        team.collectivites[person.collectivite] += 1
        team.jobs[person.job_family] += 1
    placements.sort(key=lambda p: p.person_id)
    return placements
