"""Demo seed of the 2026-2027 cohort's people and work: the three demo schools enrolled,
about forty students in eight mixed teams on the demo challenges, kickoff scenarios with the
municipalities' selections, milestones and deliverables in several states, and the demo
coach following two teams. Idempotent: running it again changes nothing."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from cohorts import services
from cohorts.composition import check_members
from cohorts.models import (
    CoachAssignment,
    Deliverable,
    DeliverableFile,
    DeliverableVersion,
    KickoffScenario,
    Milestone,
    ScenarioFile,
    SchoolEnrolment,
    Team,
    TeamMember,
    VersionComment,
)
from curiouslab.accounts.models import Membership, Role
from curiouslab.demo import DemoContext, ensure_membership, ensure_user

DISCIPLINES = {
    0: ["ingénierie", "informatique"],
    1: ["commerce", "gestion de projet"],
    2: ["design", "architecture"],
}
LEVELS = ["Licence 3", "Master 1", "Master 2"]
FIRST_NAMES = [
    "Adam",
    "Chloé",
    "Yanis",
    "Manon",
    "Lucas",
    "Inès",
    "Hugo",
    "Sarah",
    "Nathan",
    "Camille",
    "Rayan",
    "Jade",
    "Théo",
    "Lina",
    "Mathis",
    "Zoé",
    "Enzo",
    "Louise",
    "Noah",
    "Anaïs",
    "Gabriel",
    "Maëlys",
    "Samuel",
    "Clara",
    "Ilyès",
    "Emma",
    "Tom",
    "Yasmine",
    "Arthur",
    "Léna",
    "Victor",
    "Nour",
    "Jules",
    "Alice",
    "Sacha",
    "Romane",
    "Bilal",
    "Eva",
    "Paul",
]
LAST_NAMES = [
    "Bernard",
    "Thomas",
    "Robert",
    "Richard",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Faure",
    "Andre",
    "Mercier",
    "Blanc",
    "Guerin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "Francois",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clement",
]
TEAM_NAMES = [
    "Les Défricheurs",
    "Les Bâtisseurs",
    "Halle Ouverte",
    "Mobil'Idées",
    "Les Passeurs",
    "Quartier Vivant",
    "Les Tisseurs",
    "Cap Commun",
]
SCENARIOS = [
    "Nous proposons un lieu ouvert en soirée, animé par les associations du quartier, avec "
    "un atelier de fabrication partagé et un café solidaire. Trois étapes : enquête auprès "
    "des habitants, maquette en carton au premier trimestre, test grandeur nature au printemps.",
    "Notre scénario part des usages : cartographier les trajets du quotidien avec les "
    "habitants, identifier trois points noirs, puis prototyper une signalétique et un service "
    "de prêt de vélos cargos avec les commerçants.",
    "Nous imaginons un guichet unique itinérant qui se déplace chaque semaine dans un "
    "quartier différent, avec un agent de la mairie, un conseiller emploi et une permanence "
    "numérique. Le prototype : un après-midi test sur le marché.",
]
SECOND_POSSIBLE = (
    "Une autre piste",
    "Plutôt qu'un lieu fixe, une programmation tournante dans trois équipements existants "
    "(médiathèque, gymnase, maison de quartier), ouverts un soir par semaine chacun.",
)
NOTE_DEADLINE = datetime.datetime(2026, 11, 14, 18, 0)
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _aware(value: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _students(ctx: DemoContext) -> list[Membership]:
    """Thirteen students per school, plus the demo student (school 0)."""
    result = []
    demo = ensure_membership(
        ctx[f"user:{Role.STUDENT}"],
        ctx["school:0"],
        Role.STUDENT,
        discipline="ingénierie",
        level="Master 1",
    )
    result.append(demo)
    n = 0
    for school_index in range(3):
        school = ctx[f"school:{school_index}"]
        for i in range(13):
            first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[n % len(LAST_NAMES)]
            email = f"etudiant{n + 1:02d}@example.org"
            user = ensure_user(email, first, last)
            discipline = DISCIPLINES[school_index][i % 2]
            result.append(
                ensure_membership(
                    user, school, Role.STUDENT, discipline=discipline, level=LEVELS[i % 3]
                )
            )
            n += 1
    return result


def _store(folder: str, name: str, content: bytes) -> str:
    return default_storage.save(f"{folder}/demo-{name}", ContentFile(content))


def _milestones(cohort) -> list[Milestone]:
    specs = [
        (Milestone.Kind.OTHER, "Note d'intention", NOTE_DEADLINE),
        (Milestone.Kind.SCENARIO, "Premier scénario", datetime.datetime(2027, 1, 14, 18, 0)),
        (Milestone.Kind.PROTOTYPE, "Prototype", datetime.datetime(2027, 3, 26, 18, 0)),
        (Milestone.Kind.FINAL, "Projet final", datetime.datetime(2027, 6, 4, 18, 0)),
    ]
    result = []
    for kind, name, deadline in specs:
        milestone, _ = Milestone.objects.update_or_create(
            cohort=cohort,
            name=name,
            defaults={
                "kind": kind,
                "deadline": _aware(deadline),
                "description": "À déposer sur la plateforme avant l'échéance.",
            },
        )
        result.append(milestone)
    return result


def _version(team, milestone, *, number, when, by, note, link="", pdf=False):
    deliverable, _ = Deliverable.objects.get_or_create(team=team, milestone=milestone)
    version, created = DeliverableVersion.objects.get_or_create(
        deliverable=deliverable,
        number=number,
        defaults={"note": note, "links": [link] if link else [], "submitted_by": by},
    )
    if created:
        DeliverableVersion.objects.filter(pk=version.pk).update(created_at=when)
    if pdf and not version.files.exists():
        DeliverableFile.objects.create(
            version=version,
            path=_store(f"cohorts/deliverables/{team.pk}/{milestone.pk}", "note.pdf", MINIMAL_PDF),
            original_name=f"{milestone.name} - {team.name}.pdf",
            content_type="application/pdf",
            size=len(MINIMAL_PDF),
            uploaded_by=by,
        )
    versions = deliverable.versions.order_by("number")
    first, last = versions.first(), versions.last()
    Deliverable.objects.filter(pk=deliverable.pk).update(
        version_count=versions.count(),
        first_submitted_at=first.created_at,
        last_submitted_at=last.created_at,
    )
    return version


def _enrol_schools(ctx: DemoContext, cohort, coordinator) -> None:
    """The three schools asked to join in September; the coordinator approved them through the
    enrolment's status writer, a few days later."""
    for i in range(3):
        enrolment, _ = SchoolEnrolment.objects.update_or_create(
            cohort=cohort, school=ctx[f"school:{i}"], defaults={"disciplines": DISCIPLINES[i]}
        )
        if enrolment.status == SchoolEnrolment.Status.REQUESTED:
            services.enrolment_set_status(
                enrolment=enrolment,
                actor=coordinator,
                status=SchoolEnrolment.Status.APPROVED,
                at=_aware(datetime.datetime(2026, 9, 15 + i, 10, 0)),
            )


def _form_teams(ctx: DemoContext, cohort) -> tuple[list, list, list]:
    """Mixed teams of the three schools, each bound to a challenge; the last one still forming."""
    memberships = _students(ctx)
    # Interleave the schools so that each team mixes them, the demo student first.
    by_school = [
        [m for m in memberships[1:] if m.organisation_id == ctx[f"school:{i}"].pk] for i in range(3)
    ]
    ordered = [memberships[0]]
    for row in range(13):
        ordered.extend(group[row] for group in by_school if row < len(group))

    challenges = list(ctx.objects.get("challenges:2026", []))
    for challenge in challenges:
        if challenge.cohort_id is None and challenge.status == "accepted":
            challenge.cohort = cohort
            challenge.save(update_fields=["cohort"])
    teams = []
    for name in TEAM_NAMES:
        team, _ = Team.objects.get_or_create(cohort=cohort, name=name)
        teams.append(team)
    for i, membership in enumerate(ordered):
        team = teams[i % len(teams)]
        TeamMember.objects.get_or_create(
            cohort=cohort,
            user_id=membership.user_id,
            defaults={
                "team": team,
                "school_id": membership.organisation_id,
                "discipline": membership.discipline,
            },
        )
    programme = cohort.programme
    coordinator = ctx[f"user:{Role.COORDINATOR}"]
    for index, team in enumerate(teams):
        members = list(team.members.values_list("school_id", "discipline"))
        met = check_members(programme=programme, members=members).met
        if challenges and team.challenge_id is None:
            team.challenge = challenges[index % len(challenges)]
            team.save(update_fields=["challenge"])
        # The last team stays "forming" so that the demo shows both states.
        if met and index != len(teams) - 1 and team.status != Team.Status.CONFIRMED:
            teams[index] = services.team_set_status(
                team=team,
                actor=coordinator,
                status=Team.Status.CONFIRMED,
                at=_aware(datetime.datetime(2026, 10, 5, 14, 0)),
            )

    return ordered, challenges, teams


def _kickoff(teams) -> None:
    # Kickoff: one scenario per team with a challenge (the first team puts forward a second
    # possible); the first team of each challenge is selected by the municipality.
    selected_challenges: set[int] = set()
    for index, team in enumerate(teams):
        if team.challenge_id is None:
            continue
        scenario, created = KickoffScenario.objects.get_or_create(
            team=team,
            challenge_id=team.challenge_id,
            title="",
            defaults={"text": SCENARIOS[index % len(SCENARIOS)]},
        )
        if index == 0:
            KickoffScenario.objects.get_or_create(
                team=team,
                challenge_id=team.challenge_id,
                title=SECOND_POSSIBLE[0],
                defaults={"text": SECOND_POSSIBLE[1]},
            )
        if not scenario.files.exists():
            ScenarioFile.objects.create(
                scenario=scenario,
                path=_store(f"cohorts/scenarios/{team.pk}", "scenario.pdf", MINIMAL_PDF),
                original_name=f"Scénario - {team.name}.pdf",
                content_type="application/pdf",
                size=len(MINIMAL_PDF),
            )
        if team.challenge_id not in selected_challenges:
            selected_challenges.add(team.challenge_id)
            if not scenario.selected:
                staff = Membership.objects.filter(
                    organisation_id=team.challenge.municipality_id, role=Role.MUNICIPAL_STAFF
                ).first()
                when = _aware(datetime.datetime(2027, 1, 15, 17, 0))
                scenario.selected = True
                scenario.selected_at = when
                scenario.selected_by = staff.user if staff else None
                scenario.save(update_fields=["selected", "selected_at", "selected_by"])
                team.challenge_bound_at = when
                team.save(update_fields=["challenge_bound_at"])


def _deliverables(cohort, teams):
    # Deliverables in several states: on time (some with two versions), late, missing.
    note, first_scenario, prototype, _final = _milestones(cohort)
    for index, team in enumerate(teams):
        author = team.members.select_related("user").first().user
        if index <= 4:
            _version(
                team,
                note,
                number=1,
                when=note.deadline - datetime.timedelta(days=3),
                by=author,
                note="Notre note d'intention, après deux réunions d'équipe.",
                pdf=True,
            )
            if index % 2 == 0:
                _version(
                    team,
                    note,
                    number=2,
                    when=note.deadline - datetime.timedelta(hours=6),
                    by=author,
                    note="Version relue par notre coach.",
                    pdf=True,
                )
        elif index == 5:
            _version(
                team,
                note,
                number=1,
                when=note.deadline + datetime.timedelta(days=2),
                by=author,
                note="Déposée en retard, désolés !",
                pdf=True,
            )
        if index <= 2:
            _version(
                team,
                first_scenario,
                number=1,
                when=_aware(datetime.datetime(2026, 11, 20, 10, 0)),
                by=author,
                note="Premier jet de notre scénario.",
                link="https://example.org/curiouslab/maquette-" + str(index + 1),
            )
    return note, first_scenario, prototype, _final


def _coaching(ctx: DemoContext, teams, note) -> None:
    coach = ctx[f"user:{Role.COACH}"]
    for team in teams[:2]:
        CoachAssignment.objects.get_or_create(team=team, coach=coach)
    first = (
        DeliverableVersion.objects.filter(deliverable__team=teams[0], deliverable__milestone=note)
        .order_by("number")
        .first()
    )
    if first is not None:
        VersionComment.objects.get_or_create(
            version=first,
            author=coach,
            defaults={
                "text": "Bonne base. Précisez qui sont les usagers et comment vous les "
                "rencontrerez avant le lancement."
            },
        )


def seed(ctx: DemoContext) -> None:
    cohort = ctx["cohort:2026"]
    _enrol_schools(ctx, cohort, ctx[f"user:{Role.COORDINATOR}"])
    ordered, challenges, teams = _form_teams(ctx, cohort)
    _kickoff(teams)
    note, first_scenario, prototype, _final = _deliverables(cohort, teams)
    _coaching(ctx, teams, note)
    ctx["teams:2026"] = teams
    ctx["milestones:2026"] = [note, first_scenario, prototype, _final]
    ctx.say(
        f"cohort 2026-2027: 3 schools, {len(ordered)} students in {len(teams)} teams, "
        f"{len(challenges)} challenges, {KickoffScenario.objects.filter(team__cohort=cohort).count()}"
        " kickoff scenarios"
    )
