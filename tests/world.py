"""A small world with two sides, so that every view can be tried by the rightful user and by
a user of the same role in another organisation ("other_*" personas).

Side A: the département "Hauts-de-Seine" with its programme and cohort, a municipality and a
school attached to it. Side B: the same shape in another département. Each app adds its own
objects in ``tests/<app>/matrix.py`` (``build(world)``), run in the order of tests.matrix.MATRIX_MODULES.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from curiouslab.accounts.models import Organisation, OrganisationKind, Role, User
from tests.factories import CohortFactory, OrganisationFactory, ProgrammeFactory, member

ROLES = [
    Role.COORDINATOR,
    Role.MUNICIPAL_STAFF,
    Role.SCHOOL_REFERENT,
    Role.STUDENT,
    Role.COACH,
    Role.JUROR,
    Role.PLATFORM_ADMIN,
    Role.EXPERT,
    Role.APPLICANT,
]
PERSONAS = ["anonymous"] + [str(r) for r in ROLES] + [f"other_{r}" for r in ROLES]


@dataclass
class Side:
    departement: Organisation
    municipality: Organisation
    school: Organisation
    programme: Any
    cohort: Any
    people: dict[str, User]
    platform: Organisation | None = None
    # An intercommunality of the side that files dossiers in calls for projects.
    applicant: Organisation | None = None


@dataclass
class World:
    a: Side
    b: Side
    objects: dict[str, Any] = field(default_factory=dict)

    def persona(self, name: str) -> User | None:
        if name == "anonymous":
            return None
        if name.startswith("other_"):
            return self.b.people[name.removeprefix("other_")]
        return self.a.people[name]

    def __getitem__(self, key: str) -> Any:
        return self.objects[key]


def _side(tag: str) -> Side:
    dep = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name=f"Département {tag}")
    muni = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, name=f"Commune {tag}", territory=dep
    )
    school = OrganisationFactory(kind=OrganisationKind.SCHOOL, name=f"École {tag}", territory=dep)
    platform = OrganisationFactory(kind=OrganisationKind.PLATFORM, name=f"Plateforme {tag}")
    applicant = OrganisationFactory(
        kind=OrganisationKind.EPCI, name=f"Intercommunalité {tag}", territory=dep
    )
    programme = ProgrammeFactory(organisation=dep, name=f"Programme {tag}")
    cohort = CohortFactory(programme=programme)
    org_for_role = {
        Role.COORDINATOR: dep,
        Role.MUNICIPAL_STAFF: muni,
        Role.SCHOOL_REFERENT: school,
        Role.STUDENT: school,
        Role.COACH: dep,
        Role.JUROR: dep,
        Role.PLATFORM_ADMIN: platform,
        Role.EXPERT: dep,
        Role.APPLICANT: applicant,
    }
    people = {
        str(role): member(role, org, email=f"{role}.{tag.lower()}@example.org")
        for role, org in org_for_role.items()
    }
    return Side(dep, muni, school, programme, cohort, people, platform, applicant)


def build_world() -> World:
    return World(a=_side("A"), b=_side("B"))
