"""A sprint's edition for the tests: a cohort with two sites (Rennes, in Paris time, and
La Réunion), three challenges and their teams at each site, an agenda."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone

from cohorts.enums import ProgrammeFormat
from curiouslab.accounts.models import OrganisationKind, Role
from sprints import services
from sprints.enums import AgendaKind, JobFamily
from sprints.models import Edition, Site, SiteChallenge
from tests.challenges.factories import ChallengeFactory
from tests.factories import CohortFactory, OrganisationFactory, ProgrammeFactory, member


@dataclass
class Sprint:
    edition: Edition
    coordinator: object
    sites: dict[str, Site]
    site_coordinators: dict[str, object]
    challenges: dict[str, list[SiteChallenge]] = field(default_factory=dict)
    owner: object = None


def make_sprint(
    *, cohort=None, municipality=None, capacity: int = 30, challenges_per_site: int = 3, closes=None
) -> Sprint:
    cohort = cohort or CohortFactory(programme=ProgrammeFactory(format=ProgrammeFormat.SPRINT))
    org = cohort.programme.organisation
    coordinator = member(Role.COORDINATOR, org)
    edition = services.edition_create(
        cohort=cohort,
        actor=coordinator,
        registration_closes=closes or timezone.now() + datetime.timedelta(days=10),
    )
    sprint = Sprint(edition=edition, coordinator=coordinator, sites={}, site_coordinators={})
    if municipality is None:
        municipality = OrganisationFactory(kind=OrganisationKind.MUNICIPALITY, territory=org)
        sprint.owner = member(Role.MUNICIPAL_STAFF, municipality)
    for city, zone in (("Rennes", "Europe/Paris"), ("La Réunion", "Indian/Reunion")):
        local = member(Role.COACH, org)
        site = services.site_create(
            edition=edition,
            actor=coordinator,
            data={
                "city": city,
                "slug": city.lower().replace(" ", "-").replace("é", "e"),
                "venue": f"Campus de {city}",
                "rooms": "Salle 1\nSalle 2",
                "time_zone": zone,
                "capacity": capacity,
            },
            coordinators=[local],
        )
        sprint.sites[city] = site
        sprint.site_coordinators[city] = local
        sprint.challenges[city] = [
            services.site_challenge_add(
                site=site,
                actor=coordinator,
                challenge=ChallengeFactory(call=cohort, accepted=True, municipality=municipality),
            )
            for _ in range(challenges_per_site)
        ]
        tz = ZoneInfo(zone)
        for hour, kind, title in (
            (9, AgendaKind.OPENING_TALK, "Ouverture"),
            (10, AgendaKind.TEAM_WORK, "Travail en équipe"),
            (16, AgendaKind.EXHIBITION, "Exposition"),
        ):
            start = datetime.datetime(2027, 7, 9, hour, tzinfo=tz)
            services.agenda_item_add(
                site=site,
                actor=coordinator,
                kind=kind,
                title=title,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=1),
                room="Salle 1",
            )
    return sprint


def registration_data(sprint: Sprint, city: str = "Rennes", n: int = 0, **overrides) -> dict:
    site = sprint.sites[city]
    cs = sprint.challenges[city]
    data = {
        "site": site,
        "first_name": f"Agent{n}",
        "last_name": "Test",
        "email": f"agent{n}@ville.example.org",
        "collectivite": f"Ville {n % 5}",
        "job_family": list(JobFamily.values)[n % 5],
        "choice_1": cs[n % len(cs)],
        "choice_2": cs[(n + 1) % len(cs)],
        "choice_3": cs[(n + 2) % len(cs)],
    }
    data.update(overrides)
    return data


def post_data(data: dict) -> dict:
    return {k: getattr(v, "pk", v) for k, v in data.items()}


def register(sprint: Sprint, city: str = "Rennes", n: int = 0, **overrides):
    return services.registration_submit(
        edition=sprint.edition, data=registration_data(sprint, city, n, **overrides)
    )
