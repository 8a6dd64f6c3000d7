"""Demo seed: the State's 2016 call for projects "Laboratoires d'innovation territoriale",
run by the interministerial directorate (a State service): 17 dossiers from the regions' State
services, 6 experts and their opinions, one steering committee meeting and its decisions.
Every state comes from the services, back-dated with ``at=``; a second run changes nothing."""

from __future__ import annotations

import datetime
import hashlib

from django.utils import timezone

from calls import services
from calls.enums import BudgetKind, DossierStatus, Outcome, Section
from calls.models import Call
from calls.synthesis import synthesis_for
from cohorts.models import Programme
from curiouslab.accounts.models import Organisation, OrganisationKind, Role
from curiouslab.demo import DemoContext, ensure_membership, ensure_user
from territories.models import Region

PROGRAMME_SLUG = "programme-lit"
TZ = timezone.get_fixed_timezone(120)
OPENS = datetime.datetime(2016, 3, 1, 9, 0, tzinfo=TZ)
CLOSES = datetime.datetime(2016, 5, 13, 12, 0, tzinfo=TZ)
EXPERTS = [
    ("Agnès", "Morel", ["numérique", "design"]),
    ("Bertrand", "Roux", ["santé", "social"]),
    ("Céline", "Faure", ["emploi", "formation"]),
    ("David", "Lemaire", ["mobilité", "environnement"]),
    ("Émilie", "Gauthier", ["numérique", "emploi"]),
    ("François", "Perrin", ["social", "environnement"]),
]
THEMES = ["numérique", "santé", "emploi", "mobilité", "social", "environnement", "design"]
CRITERIA = [
    (
        "Caractère innovant de la démarche",
        3,
        "0 : aucune innovation\n3 : démarche connue, bien adaptée\n5 : démarche nouvelle et transférable",
    ),
    (
        "Ancrage territorial et partenariats",
        2,
        "0 : aucun partenaire\n5 : partenaires engagés et cofinanceurs",
    ),
    ("Faisabilité et budget", 2, "0 : irréaliste\n5 : calendrier et budget solides"),
    ("Impact attendu pour les usagers", 3, "0 : non décrit\n5 : mesurable et ambitieux"),
]


def _n(*parts) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def seed(ctx: DemoContext) -> None:
    if Call.objects.filter(programme__slug=PROGRAMME_SLUG).exists():
        return
    ditp, _ = Organisation.objects.get_or_create(
        slug="ditp",
        defaults={
            "kind": OrganisationKind.STATE_SERVICE,
            "name": "Direction interministérielle de la transformation publique",
        },
    )
    coordinator = ensure_user("ditp@example.org", "Laure", "Bonnet")
    ensure_membership(coordinator, ditp, Role.COORDINATOR)
    programme, _ = Programme.objects.get_or_create(
        slug=PROGRAMME_SLUG,
        defaults={
            "organisation": ditp,
            "name": "Laboratoires d'innovation territoriale",
            "format": services.CALL_FORMAT,
        },
    )
    call = _call(programme, coordinator)
    dossiers = _dossiers(call, coordinator)
    experts = _experts(call, coordinator)
    _opinions(call, experts)
    _committee(call, coordinator, dossiers)
    ctx["call:lit"] = call
    ctx.say(
        f"Call for projects « {call.title} »: {len(dossiers)} dossiers, {len(experts)} experts "
        "(ditp@example.org runs it; expert1@example.org … expert6@example.org; "
        "sgar-<code région>@example.org file the dossiers)"
    )


def _call(programme, coordinator) -> Call:
    call = services.call_create(
        programme=programme,
        actor=coordinator,
        data={
            "title": "Laboratoires d'innovation territoriale 2016",
            "summary": "L'État cofinance des laboratoires d'innovation territoriale portés par "
            "les services de l'État en région, avec 18 mois d'accompagnement.",
            "eligibility": "Les secrétariats généraux pour les affaires régionales (SGAR) et les "
            "régions, avec au moins un partenaire collectivité.",
            "eligible_kinds": [OrganisationKind.STATE_SERVICE, OrganisationKind.REGION],
            "opens_at": OPENS,
            "closes_at": CLOSES,
            "sections": list(Section.values),
            "funding_ceiling": 250_000,
            "envelope": 2_000_000,
            "experts_per_dossier": 3,
            "experts_see_each_other": True,
            "normalisation": "zscore",
        },
        criteria=[services.CriterionData(n, w, d) for n, w, d in CRITERIA],
        attachment_types=[
            services.AttachmentTypeData("Lettres d'engagement des partenaires", ["pdf"], 10, False)
        ],
    )
    return services.call_set_status(
        call=call, actor=coordinator, status="published", at=OPENS - datetime.timedelta(days=7)
    )


def _dossiers(call, coordinator) -> list:
    dossiers = []
    for i, region in enumerate(Region.objects.order_by("code")[:17]):
        org, _ = Organisation.objects.get_or_create(
            slug=f"sgar-{region.code}",
            defaults={
                "kind": OrganisationKind.STATE_SERVICE,
                "name": f"SGAR {region.name}",
                "region": region,
            },
        )
        person = ensure_user(f"sgar-{region.code}@example.org", "Chargé de mission", region.name)
        ensure_membership(person, org, Role.APPLICANT)
        at = OPENS + datetime.timedelta(days=3 + i)
        dossier = services.dossier_create(
            call=call, organisation=org, actor=person, title=f"Lab'{region.name}", at=at
        )
        dossier.tags = [THEMES[i % len(THEMES)]]
        dossier.save(update_fields=["tags"])
        requested = 150_000 + (_n(region.code) % 11) * 10_000
        services.dossier_save(
            dossier=dossier,
            actor=person,
            sections={
                "summary": f"Un laboratoire d'innovation publique pour la région {region.name}.",
                "territory": region.name,
                "partners": "Le conseil régional, deux départements, une métropole.",
                "method": "Immersion, design des politiques publiques, expérimentations.",
                "schedule": "18 mois : diagnostic, prototypes, évaluation.",
                "impact": "Des services publics conçus avec leurs usagers.",
            },
            budget=[
                services.BudgetRow(
                    BudgetKind.EXPENSE, "Équipe du laboratoire", requested + 120_000
                ),
                services.BudgetRow(BudgetKind.EXPENSE, "Prestations de design", 60_000),
                services.BudgetRow(BudgetKind.COFUNDING, "Conseil régional", 180_000),
            ],
            amount_requested=requested,
            at=at + datetime.timedelta(days=10),
        )
        services.dossier_set_status(
            dossier=dossier, actor=person, status="submitted", at=at + datetime.timedelta(days=20)
        )
        review = CLOSES + datetime.timedelta(days=5)
        if i == 16:
            services.dossier_set_status(
                dossier=dossier,
                actor=coordinator,
                status=DossierStatus.INADMISSIBLE,
                reasons="Aucune collectivité partenaire ne s'est engagée.",
                at=review,
            )
        else:
            services.dossier_set_status(
                dossier=dossier, actor=coordinator, status=DossierStatus.ADMISSIBLE, at=review
            )
        dossiers.append(dossier)
    return dossiers


def _experts(call, coordinator) -> list:
    seats = []
    for i, (first, last, tags) in enumerate(EXPERTS, start=1):
        user = ensure_user(f"expert{i}@example.org", first, last)
        seat = services.expert_invite(
            call=call, actor=coordinator, email=user.email, name=f"{first} {last}", tags=tags
        )
        seats.append((user, seat))
    # The first expert worked for the first region's State services.
    first_dossier = call.dossiers.order_by("pk").first()
    services.conflict_declare(
        expert=seats[0][1],
        actor=seats[0][0],
        organisation=first_dossier.organisation,
        reason="Ancienne cheffe de projet au SGAR",
    )
    proposal = services.assignment_proposal(call)
    services.assignments_save(
        call=call,
        actor=coordinator,
        pairs={(e, d) for d, es in proposal.by_dossier.items() for e in es},
    )
    return seats


def _opinions(call, experts) -> None:
    criteria = list(call.criteria.all())
    at = CLOSES + datetime.timedelta(days=25)
    for user, seat in experts:
        for assignment in seat.assignments.select_related("dossier"):
            base = _n(assignment.dossier.pk) % 4 + 1
            scores = {
                c.pk: min(5, max(0, base + _n(seat.pk, c.pk, assignment.pk) % 3 - 1))
                for c in criteria
            }
            mean = sum(scores.values()) / len(scores)
            rec = "retain" if mean >= 3.5 else "reserved" if mean >= 2.5 else "reject"
            services.opinion_save(
                assignment=assignment,
                actor=user,
                scores=scores,
                confidence=1 + _n(seat.pk, assignment.pk) % 3,
                strengths="Portage politique fort, équipe pluridisciplinaire.",
                weaknesses="Indicateurs d'impact encore à préciser.",
                recommendation=rec,
                submit=True,
                at=at,
            )


def _committee(call, coordinator, dossiers) -> None:
    meets = datetime.datetime(2016, 7, 4, 14, 0, tzinfo=TZ)
    committee = services.committee_create(
        call=call,
        actor=coordinator,
        meets_at=meets,
        place="Ministère de la fonction publique, Paris",
        quorum=3,
        members=[
            ("Thierry Mandon", "Secrétaire d'État chargé de la réforme de l'État"),
            ("Laure de La Bretèche", "SGMAP"),
            ("Représentant de la DGCL", "Ministère de l'intérieur"),
            ("Représentant du CGET", "Commissariat général à l'égalité des territoires"),
            ("Représentant de la DB", "Direction du budget"),
        ],
    )
    services.committee_presence(
        committee=committee,
        actor=coordinator,
        present=set(committee.members.order_by("pk").values_list("pk", flat=True)[:4]),
    )
    services.committee_set_status(committee=committee, actor=coordinator, status="open", at=meets)
    total = 0
    for rank, s in enumerate(synthesis_for(call), start=1):
        dossier = s.dossier
        if dossier.status != DossierStatus.ADMISSIBLE:
            continue
        if rank <= 8 and total + dossier.amount_requested <= call.envelope:
            outcome, amount = Outcome.LAUREATE, dossier.amount_requested
        elif rank == 9:
            outcome, amount = Outcome.ADJOURNED, 0
        else:
            outcome, amount = Outcome.REJECTED, 0
        total += amount
        services.decision_save(
            committee=committee,
            dossier=dossier,
            actor=coordinator,
            outcome=outcome,
            amount=amount,
            reasons="Avis des experts et équilibre territorial.",
        )
    services.committee_set_status(
        committee=committee,
        actor=coordinator,
        status="locked",
        at=meets + datetime.timedelta(hours=3),
    )
