"""The mixed-team rule of a programme, as a pure function shared by the team page, the
confirmation service, the proposal and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import ngettext


@dataclass(frozen=True)
class Composition:
    size: int
    disciplines: int
    schools: int
    problems: tuple[str, ...]

    @property
    def met(self) -> bool:
        return not self.problems


def check_counts(*, programme, size: int, disciplines: int, schools: int) -> Composition:
    """The rules the programme's format uses (``Format.team_rules``): a sprint's teams have
    no schools, so no disciplines-and-schools rule."""
    rules = programme.format_spec.team_rules
    problems = []
    if "team_min_size" in rules and size < programme.team_min_size:
        problems.append(
            ngettext(
                "At least %(n)d member is required.",
                "At least %(n)d members are required.",
                programme.team_min_size,
            )
            % {"n": programme.team_min_size}
        )
    if "team_max_size" in rules and size > programme.team_max_size:
        problems.append(
            ngettext(
                "At most %(n)d member is allowed.",
                "At most %(n)d members are allowed.",
                programme.team_max_size,
            )
            % {"n": programme.team_max_size}
        )
    if "team_min_disciplines" in rules and disciplines < programme.team_min_disciplines:
        problems.append(
            ngettext(
                "At least %(n)d different discipline is required (now %(have)d).",
                "At least %(n)d different disciplines are required (now %(have)d).",
                programme.team_min_disciplines,
            )
            % {"n": programme.team_min_disciplines, "have": disciplines}
        )
    if "team_min_schools" in rules and schools < programme.team_min_schools:
        problems.append(
            ngettext(
                "Students from at least %(n)d school are required (now %(have)d).",
                "Students from at least %(n)d schools are required (now %(have)d).",
                programme.team_min_schools,
            )
            % {"n": programme.team_min_schools, "have": schools}
        )
    return Composition(size, disciplines, schools, tuple(problems))


def check_members(*, programme, members: list[tuple[int, str]]) -> Composition:
    """``members``: (school id, discipline) of each member."""
    return check_counts(
        programme=programme,
        size=len(members),
        disciplines=len({d.strip().lower() for _s, d in members if d}),
        schools=len({s for s, _d in members}),
    )


def team_composition(team) -> Composition:
    """For a team annotated by ``teams_with_composition``."""
    return check_counts(
        programme=team.cohort.programme,
        size=team.size,
        disciplines=team.discipline_count,
        schools=team.school_count,
    )
