"""Demo seed of the jury (issue #6): the 2026-2027 closing session's jury, with three jurors,
five finalists, five criteria, one declared conflict and voting open, so that the demo juror
can vote right away. The two other jurors have scored every project they may score, with a
few comments, so that the coordinator can close the vote (the confirmation names the demo
juror, who has not finished), publish once the audience prize is set aside (nobody attends the
closing session before it takes place) and download the procès-verbal. Idempotent."""

from __future__ import annotations

import datetime

from challenges.demo import accepted_challenge
from cohorts.models import Team
from curiouslab.accounts.models import Role
from curiouslab.demo import DemoContext, ensure_membership, ensure_user
from trophies.models import (
    AwardCategory,
    ConflictDeclaration,
    Criterion,
    Finalist,
    Jury,
    JuryMember,
    JuryStatus,
    Score,
)
from trophies.selectors import exclusions_for
from trophies.services import jury_set_status

LEVELS = {
    "Pertinence pour le besoin de la commune": (
        3,
        "Le projet répond-il au besoin exprimé par la commune dans son défi ?",
        [
            "Hors sujet",
            "Lien lointain",
            "Répond en partie",
            "Répond bien",
            "Répond très bien",
            "Répond exactement au besoin, avec ses usagers",
        ],
    ),
    "Innovation": (
        2,
        "Originalité de la solution au regard de ce qui existe déjà.",
        [
            "Aucune nouveauté",
            "Reprise d'une idée connue",
            "Adaptation intéressante",
            "Approche nouvelle",
            "Très originale",
            "Rupture, transposable ailleurs",
        ],
    ),
    "Faisabilité": (
        2,
        "Coût, calendrier, acteurs à mobiliser : la commune peut-elle le réaliser ?",
        [
            "Irréaliste",
            "Très difficile",
            "Possible avec de gros moyens",
            "Réaliste",
            "Facile à lancer",
            "Prêt à être lancé",
        ],
    ),
    "Qualité du prototype": (
        1,
        "Maquette, démonstrateur ou test auprès d'usagers.",
        [
            "Absent",
            "Esquisse",
            "Maquette sommaire",
            "Maquette soignée",
            "Testé avec des usagers",
            "Testé et amélioré",
        ],
    ),
    "Collaboration de l'équipe": (
        1,
        "Apport de chaque discipline et de chaque école au projet.",
        ["Aucune", "Faible", "Inégale", "Bonne", "Très bonne", "Exemplaire"],
    ),
}
# The marks of the two jurors who have already voted, per finalist (in order) and criterion:
# a clear ranking and a clear innovation prize, whatever the normalisation.
DEMO_MARKS = [
    [5, 4, 4, 3, 5],
    [4, 5, 3, 4, 4],
    [3, 3, 5, 2, 3],
    [2, 2, 2, 5, 2],
    [1, 1, 1, 1, 1],
]
DEMO_COMMENTS = {
    (0, 0): "Répond exactement à la demande de la commune, avec ses habitants.",
    (1, 1): "L'idée la plus originale de la promotion.",
    (2, 2): "Chiffrage sérieux, calendrier réaliste.",
    (4, 3): "Le prototype reste à construire.",
}
TEAM_NAMES = [
    "Les Défricheurs",
    "Atelier Commun",
    "Pont des Âges",
    "Kiosque Citoyen",
    "Marché Vert",
]


def _teams(ctx: DemoContext, cohort):
    teams = list(ctx.objects.get("teams:2026", []))[:5]
    if len(teams) >= 5:
        return teams
    # Nanterre first: its municipal agent sits on the jury, hence an automatic exclusion.
    communes = sorted(
        (ctx.objects[k] for k in ctx.objects if k.startswith("commune:")),
        key=lambda o: (o.city != "Nanterre", o.name),
    )
    for i, name in enumerate(TEAM_NAMES[len(teams) :], start=len(teams)):
        municipality = communes[i % len(communes)]
        challenge = accepted_challenge(
            ctx,
            cohort=cohort,
            municipality=municipality,
            title=f"Défi {name}",
            defaults={
                "question": "Comment faire vivre un lieu partagé au cœur de la commune ?",
                "theme": "action_sociale",
            },
            on=datetime.date(2026, 9, 20),
        )
        # A finalist without members: it stays "forming" (a confirmed team meets the rule).
        team, _ = Team.objects.get_or_create(
            cohort=cohort, name=name, defaults={"challenge": challenge}
        )
        teams.append(team)
    return teams


def seed(ctx: DemoContext) -> None:
    cohort = ctx["cohort:2026"]
    coordinator = ctx[f"user:{Role.COORDINATOR}"]
    session = ctx.objects.get("closing_session")
    jury, _ = Jury.objects.update_or_create(
        cohort=cohort,
        name="Jury de la cérémonie de clôture 2027",
        defaults={
            "closing_session": session,
            "scale_min": 0,
            "scale_max": 5,
            "normalisation": "zscore",
            "tie_break": ["first_criterion", "lower_spread", "chair"],
            "audience_award": session is not None,
            "chair": coordinator,
        },
    )
    dep = ctx["departement"]
    expert = ensure_user("jury.expert@example.org", "Marc", "Lambert")
    ensure_membership(expert, dep, Role.JUROR)
    people = [ctx[f"user:{Role.JUROR}"], ctx[f"user:{Role.MUNICIPAL_STAFF}"], expert]
    seats = []
    for user in people:
        ensure_membership(user, dep, Role.JUROR)
        seat, _ = JuryMember.objects.update_or_create(
            jury=jury, email=user.email, defaults={"user": user, "name": str(user)}
        )
        seats.append(seat)
    finalists = []
    for order, team in enumerate(_teams(ctx, cohort), start=1):
        f, _ = Finalist.objects.update_or_create(
            jury=jury, team=team, defaults={"challenge_id": team.challenge_id, "order": order}
        )
        finalists.append(f)
    criteria = {}
    for order, (name, (weight, description, levels)) in enumerate(LEVELS.items(), start=1):
        criteria[name], _ = Criterion.objects.update_or_create(
            jury=jury,
            name=name,
            defaults={
                "weight": weight,
                "description": description,
                "levels": {str(v): text for v, text in enumerate(levels)},
                "order": order,
            },
        )
    AwardCategory.objects.update_or_create(
        jury=jury, name="Grand prix", defaults={"basis": "ranking", "position": 1}
    )
    AwardCategory.objects.update_or_create(
        jury=jury,
        name="Prix de l'innovation",
        defaults={"basis": "criterion", "criterion": criteria["Innovation"]},
    )
    if session is not None:
        AwardCategory.objects.update_or_create(
            jury=jury, name="Prix du public", defaults={"basis": "audience"}
        )
    ConflictDeclaration.objects.get_or_create(
        jury=jury,
        member=seats[2],
        finalist=finalists[1],
        defaults={"reason": "J'ai encadré le stage de deux membres de l'équipe."},
    )
    if jury.status == JuryStatus.SETUP:
        jury = jury_set_status(jury=jury, status=JuryStatus.OPEN, actor=coordinator)
    if jury.status == JuryStatus.OPEN:
        _marks(jury, seats[1:], finalists, list(criteria.values()))
    ctx["jury"] = jury
    ctx.say(
        f"jury with {len(seats)} jurors, {len(finalists)} finalists, {len(criteria)} criteria; "
        f"status {jury.status}"
    )


def _marks(jury, seats, finalists, criteria) -> None:
    """The marks of the jurors who have already voted, on the pairs they may score; the
    second juror is one point more lenient than the first."""
    excluded = exclusions_for(jury, members=seats, finalists=finalists)
    for lenient, seat in enumerate(seats):
        for i, f in enumerate(finalists):
            if (seat.pk, f.pk) in excluded:
                continue
            for j, c in enumerate(criteria):
                value = min(DEMO_MARKS[i % len(DEMO_MARKS)][j] + lenient, jury.scale_max)
                Score.objects.update_or_create(
                    member=seat,
                    finalist=f,
                    criterion=c,
                    defaults={
                        "jury": jury,
                        "value": value,
                        "comment": DEMO_COMMENTS.get((i, j), "") if lenient == 0 else "",
                    },
                )
