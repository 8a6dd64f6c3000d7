"""The conflict-of-interest rule of a jury, written once.

A juror may not score a project when they belong (an active membership) to the project's
municipality or to a school of its team, coached the team, are in the team, or declared a
conflict with it. Each ground is one SQL condition over a juror's seat ``m`` and a finalist
``f``. The scoring transaction checks one pair with them (``trophies.services``, the vote's hot
path), the coordinator's pages every pair of a jury at once
(``trophies.selectors.exclusions_for``): the same conditions, so the same pairs for the same
reasons (``tests/trophies/test_jury_conflicts.py``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from challenges.models import Challenge
from cohorts.models import CoachAssignment, TeamMember
from curiouslab import rawsql
from curiouslab.accounts.models import Membership
from trophies.models import ConflictDeclaration


@dataclass(frozen=True)
class Ground:
    key: str
    reason: Promise
    # A condition over the seat m and the finalist f; {names} are the models' tables.
    sql: str


GROUNDS = (
    Ground(
        "municipality",
        gettext_lazy("member of the project's municipality"),
        """EXISTS (SELECT 1 FROM {membership} ms JOIN {challenge} c
                   ON c.municipality_id = ms.organisation_id
                   WHERE c.id = f.challenge_id AND ms.user_id = m.user_id AND ms.is_active)""",
    ),
    Ground(
        "school",
        gettext_lazy("member of a school of the team"),
        """EXISTS (SELECT 1 FROM {membership} ms JOIN {teammember} tm
                   ON tm.school_id = ms.organisation_id
                   WHERE tm.team_id = f.team_id AND ms.user_id = m.user_id AND ms.is_active)""",
    ),
    Ground(
        "coached",
        gettext_lazy("coached the team"),
        """EXISTS (SELECT 1 FROM {coach} ca
                   WHERE ca.team_id = f.team_id AND ca.coach_id = m.user_id)""",
    ),
    Ground(
        "in_team",
        gettext_lazy("member of the team"),
        """EXISTS (SELECT 1 FROM {teammember} tm
                   WHERE tm.team_id = f.team_id AND tm.user_id = m.user_id)""",
    ),
)
# The declared conflict's reason (NULL without a declaration), after the grounds.
DECLARED = """(SELECT d.reason FROM {declaration} d
               WHERE d.member_id = m.id AND d.finalist_id = f.id)"""


@functools.cache
def columns_sql() -> str:
    """The SELECT list of the rule: one boolean per ground of ``GROUNDS``, then the declared
    reason; table names from the models."""
    tables = {
        "membership": rawsql.table(Membership),
        "challenge": rawsql.table(Challenge),
        "teammember": rawsql.table(TeamMember),
        "coach": rawsql.table(CoachAssignment),
        "declaration": rawsql.table(ConflictDeclaration),
    }
    return ",\n".join([*(g.sql.format(**tables) for g in GROUNDS), DECLARED.format(**tables)])


def reasons(row) -> list[str]:
    """The reasons of one pair from the values of ``columns_sql()``, in the order of GROUNDS."""
    *flags, declared = row
    found = [str(g.reason) for g, flag in zip(GROUNDS, flags, strict=True) if flag]
    if declared is not None:
        found.append(_("declared: %(reason)s") % {"reason": declared})
    return found
