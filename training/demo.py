"""Demo seed of the agents' school: the Creuse internal school of innovation (the
département's coordinator creuse@example.org), its 2026 training session with four agents in
one team, two modules held in October (sessions with attendance), and one experiment in
Guéret with its user tests, indicators, evaluation and published replication sheet. The
attestations de formation can then be issued from the documents page. Everything goes
through the services; idempotent. Runs after the documents' seed."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from cohorts import services as cohorts_services
from cohorts.enums import ProgrammeFormat
from cohorts.models import Cohort, Programme, TeamMember
from curiouslab.accounts.models import Organisation, OrganisationKind, Role
from curiouslab.demo import DemoContext, ensure_membership, ensure_user
from sessions.services import attendance_set
from territories.models import Commune
from training import services
from training.enums import SheetStatus
from training.models import Experiment, Module

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TEAM = "Équipe Accueil des solidarités"
AGENTS = [
    ("lea.martin@creuse.example.org", "Léa", "Martin", "Action sociale"),
    ("paul.bernard@creuse.example.org", "Paul", "Bernard", "Systèmes d'information"),
    ("ines.petit@creuse.example.org", "Inès", "Petit", "Accueil et relation usagers"),
    ("marc.durand@gueret.example.org", "Marc", "Durand", "Services techniques"),
]
MODULES = [
    {
        "title": "Les bases du design de service",
        "objectives": "Observer un service du point de vue de l'usager.\n"
        "Mener un entretien et une observation sur le terrain.",
        "duration_hours": Decimal(7),
        "trainer": "Claire Vasseur, designer de service",
        "sessions": [((2026, 10, 6), "09:00", "12:30"), ((2026, 10, 6), "13:30", "17:00")],
        "absent": {"marc.durand@gueret.example.org"},
    },
    {
        "title": "Prototyper et tester avec les habitants",
        "objectives": "Fabriquer un prototype rapide.\nOrganiser un test avec des usagers.",
        "duration_hours": Decimal("3.5"),
        "trainer": "Julien Moreau, laboratoire d'innovation publique",
        "sessions": [((2026, 10, 20), "14:00", "17:30")],
        "absent": {"paul.bernard@creuse.example.org"},
    },
]


def _at(day, start: str, end: str):
    h1, m1 = (int(x) for x in start.split(":"))
    h2, m2 = (int(x) for x in end.split(":"))
    return (
        datetime.datetime(*day, h1, m1, tzinfo=PARIS),
        datetime.datetime(*day, h2, m2, tzinfo=PARIS),
    )


def _org(kind: str, name: str, slug: str, **extra) -> Organisation:
    org, _ = Organisation.objects.update_or_create(
        slug=slug, defaults={"kind": kind, "name": name, **extra}
    )
    return org


def _edition(coordinator, creuse) -> Cohort:
    programme = Programme.objects.filter(organisation=creuse).first()
    if programme is None:
        programme = cohorts_services.programme_create(
            organisation=creuse,
            actor=coordinator,
            data={
                "name": "École interne de l'innovation de la Creuse",
                "format": ProgrammeFormat.AGENTS_SCHOOL,
                "description": "Les agents du Département et des communes se forment au design "
                "de service, puis expérimentent sur le terrain avec les habitants.",
                "team_min_size": 3,
                "team_max_size": 6,
                "retention_years": 3,
            },
        )
    cohort = Cohort.objects.filter(programme=programme, year=2026).first()
    if cohort is None:
        d = datetime.date
        cohort = cohorts_services.cohort_create(
            programme=programme,
            actor=coordinator,
            data={
                "name": "Session de formation 2026-2027",
                "year": 2026,
                "call_opens": d(2026, 6, 1),
                "call_closes": d(2026, 7, 15),
                "kickoff": d(2026, 9, 29),
                "working_starts": d(2026, 10, 6),
                "working_ends": d(2027, 3, 31),
                "closing": d(2027, 5, 20),
            },
        )
    return cohort


def _agents(cohort, coordinator, creuse, gueret) -> list:
    users = []
    for email, first, last, family in AGENTS:
        user = ensure_user(email, first, last)
        employer = gueret if "gueret" in email else creuse
        if not TeamMember.objects.filter(cohort=cohort, user=user).exists():
            services.agent_add(
                cohort=cohort,
                actor=coordinator,
                data=services.AgentData(email, first, last, employer, family, TEAM),
            )
        users.append(user)
    return users


def _modules(cohort, coordinator, agents) -> None:
    for spec in MODULES:
        if Module.objects.filter(cohort=cohort, title=spec["title"]).exists():
            continue
        module = services.module_create(
            cohort=cohort,
            actor=coordinator,
            data=services.ModuleData(
                spec["title"], spec["objectives"], spec["duration_hours"], spec["trainer"]
            ),
        )
        for day, start, end in spec["sessions"]:
            starts_at, ends_at = _at(day, start, end)
            session = services.module_schedule(
                module=module,
                actor=coordinator,
                starts_at=starts_at,
                ends_at=ends_at,
                place="Hôtel du Département, salle Jules Sandeau",
                address="13 rue Joseph Ducouret, 23000 Guéret",
            )
            for agent in agents:
                present = agent.email not in spec["absent"]
                attendance_set(session=session, user=agent, present=present, actor=coordinator)


def _experiment(cohort, coordinator, agent) -> None:
    if Experiment.objects.filter(cohort=cohort).exists():
        return
    experiment = services.experiment_create(
        cohort=cohort,
        actor=coordinator,
        data=services.ExperimentData(
            title="Un accueil sans rendez-vous à la maison des solidarités",
            team=cohort.teams.get(name=TEAM),
            commune=Commune.objects.get(insee="23096"),
            service="Accueil de la maison départementale des solidarités de Guéret",
        ),
    )
    for day, people, learnt in [
        (
            datetime.date(2026, 11, 4),
            12,
            "Les habitants ne savent pas à quel guichet s'adresser ; le formulaire papier "
            "décourage les personnes âgées.",
        ),
        (
            datetime.date(2026, 11, 18),
            9,
            "Le prototype de borne d'orientation est compris sans aide ; il faut une "
            "signalétique visible depuis la rue.",
        ),
    ]:
        services.user_test_add(
            experiment=experiment, actor=agent, held_on=day, people_met=people, learnt=learnt
        )
    for name, unit, before, after in [
        ("Temps d'attente moyen", "minutes", Decimal(35), Decimal(15)),
        ("Usagers réorientés vers un autre guichet", "par semaine", Decimal(40), Decimal(12)),
    ]:
        services.indicator_save(
            experiment=experiment, actor=agent, name=name, unit=unit, before=before, after=after
        )
    services.evaluation_save(
        experiment=experiment,
        actor=agent,
        evaluation="L'attente a baissé de moitié en six semaines ; les agents d'accueil "
        "souhaitent garder l'organisation.",
    )
    sheet = services.sheet_save(
        experiment=experiment,
        actor=agent,
        data={
            "conditions": "Un accueil physique ouvert au moins trois demi-journées par "
            "semaine ; l'accord de l'équipe d'accueil et de sa hiérarchie.",
            "costs": "Dix jours d'agents sur deux mois ; 800 € de signalétique et de "
            "petit matériel.",
            "steps": "1. Observer l'accueil une semaine.\n2. Interroger les usagers.\n"
            "3. Prototyper l'orientation.\n4. Tester deux fois, mesurer, ajuster.",
            "pitfalls": "Ne pas tester aux heures creuses ; associer les agents d'accueil "
            "dès le début.",
        },
    )
    services.sheet_set_status(
        sheet=sheet,
        status=SheetStatus.PUBLISHED,
        actor=coordinator,
        at=datetime.datetime(2026, 11, 25, 10, 0, tzinfo=PARIS),
    )


def seed(ctx: DemoContext) -> None:
    creuse = _org(
        OrganisationKind.DEPARTEMENT,
        "Département de la Creuse",
        "creuse",
        departement_id="23",
        city="Guéret",
    )
    gueret = _org(
        OrganisationKind.MUNICIPALITY,
        "Ville de Guéret",
        "gueret",
        commune_id="23096",
        city="Guéret",
        territory=creuse,
    )
    coordinator = ensure_user("creuse@example.org", "Nadia", "Roux")
    ensure_membership(coordinator, creuse, Role.COORDINATOR)
    cohort = _edition(coordinator, creuse)
    agents = _agents(cohort, coordinator, creuse, gueret)
    _modules(cohort, coordinator, agents)
    _experiment(cohort, coordinator, agents[0])
    ctx["training:cohort"] = cohort
    ctx.say("the Creuse internal school of innovation: 2 modules, 4 agents, 1 experiment")
