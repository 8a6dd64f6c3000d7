"""Demo seed of the sessions of the 2026-2027 cohort: past sessions with attendance (the
demo's "today" is 2026-11-21), the kickoff, monthly working sessions, a site visit, the
closing session, and a coaching thread. Idempotent."""

from __future__ import annotations

import datetime
import zoneinfo

from cohorts.models import CoachAssignment, TeamMember
from curiouslab.accounts.models import Role
from curiouslab.demo import DemoContext
from sessions.models import Attendance, CoachingEntry, InvitedRole, Session, SessionKind
from sessions.selectors import session_invitees

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
HOTEL_DU_DEPARTEMENT = ("Hôtel du Département", "57 rue des Longues Raies, 92000 Nanterre")
POLE = ("Pôle universitaire Léonard de Vinci", "12 avenue Léonard de Vinci, 92400 Courbevoie")


def _at(day: datetime.date, start: str, end: str) -> tuple[datetime.datetime, datetime.datetime]:
    h1, m1 = (int(x) for x in start.split(":"))
    h2, m2 = (int(x) for x in end.split(":"))
    return (
        datetime.datetime(day.year, day.month, day.day, h1, m1, tzinfo=PARIS),
        datetime.datetime(day.year, day.month, day.day, h2, m2, tzinfo=PARIS),
    )


def _plan(cohort) -> list[dict]:
    d = datetime.date
    year = cohort.year
    plan = [
        {
            "kind": SessionKind.EXPERT_TALK,
            "title": "Conférence : l'innovation publique en pratique",
            "when": _at(d(year, 10, 15), "17:30", "19:30"),
            "where": HOTEL_DU_DEPARTEMENT,
            "capacity": 120,
            "agenda": "Retour d'expérience de la 27e Région.\nQuestions de la salle.",
        },
        {
            "kind": SessionKind.SITE_VISIT,
            "title": "Visite du fablab de Gennevilliers",
            "when": _at(d(year, 11, 5), "14:00", "17:00"),
            "where": ("Fablab de Gennevilliers", "177 avenue Gabriel Péri, 92230 Gennevilliers"),
            "capacity": 40,
            "agenda": "Découverte des machines.\nRencontre avec les makers du quartier.",
        },
        {
            "kind": SessionKind.WORKING,
            "title": "Séance de travail : constitution des équipes",
            "when": _at(d(year, 11, 12), "14:00", "17:30"),
            "where": POLE,
            "capacity": 150,
            "agenda": "Présentation des défis retenus.\nFormation des équipes mixtes.",
        },
        {
            "kind": SessionKind.COACHING,
            "title": "Atelier de coaching : cadrer son défi",
            "when": _at(d(year, 11, 19), "09:30", "12:30"),
            "where": POLE,
            "capacity": 60,
            "agenda": "Reformuler la question du défi.\nCartographier les parties prenantes.",
        },
        {
            "kind": SessionKind.COACHING,
            "title": "Atelier de coaching : rencontrer les usagers",
            "when": _at(d(year, 12, 3), "09:30", "12:30"),
            "where": POLE,
            "capacity": 60,
            "agenda": "Préparer les entretiens avec les usagers.",
        },
        {
            "kind": SessionKind.KICKOFF,
            "title": "Journée de lancement",
            "when": _at(cohort.kickoff, "09:00", "18:00"),
            "where": HOTEL_DU_DEPARTEMENT,
            "capacity": 200,
            "agenda": (
                "Accueil des équipes et des communes.\nPrésentation des premiers scénarios.\n"
                "Choix des scénarios par chaque commune."
            ),
        },
    ]
    month = cohort.working_starts.replace(day=1)
    while month <= cohort.working_ends:
        day = month.replace(day=10)
        if day < cohort.working_starts:
            day = cohort.working_starts + datetime.timedelta(days=7)
        if day > cohort.working_ends:
            day = cohort.working_ends - datetime.timedelta(days=2)
        if cohort.working_starts <= day <= cohort.working_ends:
            plan.append(
                {
                    "kind": SessionKind.WORKING,
                    "title": f"Séance de travail du {day:%d/%m/%Y}",
                    "when": _at(day, "14:00", "17:30"),
                    "where": POLE,
                    "capacity": 150,
                    "agenda": "Point d'étape par équipe.\nAteliers avec les experts.",
                }
            )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    plan.append(
        {
            "kind": SessionKind.CLOSING,
            "title": "Séance de clôture et remise des trophées",
            "when": _at(cohort.closing, "14:00", "19:00"),
            "where": HOTEL_DU_DEPARTEMENT,
            "capacity": 250,
            "agenda": "Présentation des projets finaux.\nDélibération du jury.\nRemise des trophées.",
        }
    )
    return plan


def seed(ctx: DemoContext) -> None:
    cohort = ctx["cohort:2026"]
    teams = list(ctx.objects.get("teams:2026", []))
    in_charge = [
        u for u in (ctx.objects.get("user:coordinator"), ctx.objects.get("user:coach")) if u
    ]
    today = datetime.datetime(2026, 11, 21, 12, 0, tzinfo=PARIS)
    sessions = []
    for item in _plan(cohort):
        starts, ends = item["when"]
        session, _ = Session.objects.update_or_create(
            cohort=cohort,
            title=item["title"],
            defaults={
                "kind": item["kind"],
                "starts_at": starts,
                "ends_at": ends,
                "place": item["where"][0],
                "address": item["where"][1],
                "capacity": item["capacity"],
                "agenda": item["agenda"],
            },
        )
        session.people_in_charge.set(in_charge)
        if teams:
            session.invited_teams.set(teams)
        else:
            InvitedRole.objects.get_or_create(session=session, role=Role.STUDENT)
        for role in (Role.COACH, Role.MUNICIPAL_STAFF):
            if item["kind"] in (SessionKind.KICKOFF, SessionKind.CLOSING):
                InvitedRole.objects.get_or_create(session=session, role=role)
        sessions.append(session)
    ctx["sessions:2026"] = sessions
    ctx["closing_session"] = sessions[-1]

    recorded = 0
    for session in sessions:
        if session.ends_at >= today:
            continue
        for person in session_invitees(session):
            # About one in seven absences, always the same ones.
            present = (person.pk + session.pk) % 7 != 0
            Attendance.objects.update_or_create(
                session=session,
                user=person,
                defaults={
                    "present": present,
                    "method": Attendance.Method.ROLL_CALL,
                    "recorded_by": in_charge[0] if in_charge else None,
                },
            )
            recorded += 1

    notes = _coaching(ctx, teams)
    ctx.say(
        f"{len(sessions)} sessions for {cohort}, {recorded} attendance records, "
        f"{notes} coaching entries"
    )


COACHING = [
    (
        "note",
        "Bon démarrage ! Pensez à rencontrer le service urbanisme de la commune avant "
        "de figer votre question.",
        None,
        datetime.date(2026, 11, 19),
    ),
    (
        "note",
        "Pour les entretiens : dix usagers suffisent, variez les âges et les quartiers.",
        None,
        datetime.date(2026, 11, 20),
    ),
    (
        "question",
        "Pouvons-nous proposer un prototype numérique plutôt qu'un aménagement ?",
        "Oui, si la commune peut le maintenir : posez-lui la question dès l'atelier du 3 décembre.",
        datetime.date(2026, 11, 20),
    ),
]


def _coaching(ctx: DemoContext, teams) -> int:
    coach = ctx.objects.get("user:coach")
    if not teams or coach is None:
        return 0
    count = 0
    for team in teams[:3]:
        CoachAssignment.objects.get_or_create(team=team, coach=coach)
        member = TeamMember.objects.filter(team=team).select_related("user").first()
        for kind, body, answer, day in COACHING:
            author = member.user if kind == "question" and member else coach
            if kind == "question" and member is None:
                continue
            entry, _ = CoachingEntry.objects.get_or_create(
                team=team, kind=kind, body=body, defaults={"author": author}
            )
            moment = datetime.datetime(day.year, day.month, day.day, 18, 0, tzinfo=PARIS)
            CoachingEntry.objects.filter(pk=entry.pk).update(
                created_at=moment,
                answer=answer or "",
                answered_by=coach if answer else None,
                answered_at=moment + datetime.timedelta(hours=2) if answer else None,
            )
            count += 1
    return count
