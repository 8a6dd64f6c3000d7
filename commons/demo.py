"""Demo seed of the commons: the five real outcomes of the first Hauts-de-Seine edition
(2025-2026) published with their follow-ups — a fablab, a single place for business
creators, a house of generations, a citizens' kiosk, a sustainable market — and a second
département, the Essonne, with a closed cohort and two published projects of its own, so
that the archive shows more than one territory. Every step goes through the services (the
proposal, the commune's approval, the members' consent, the terms, the publication, the
follow-up); a second run changes nothing. Runs last (after onboarding.demo)."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from challenges.demo import walk
from challenges.models import Challenge, ChallengeStatus
from cohorts.models import (
    Cohort,
    Deliverable,
    DeliverableFile,
    DeliverableVersion,
    KickoffScenario,
    Milestone,
    Programme,
    Team,
    TeamMember,
)
from commons import services
from commons.enums import Licence, OutcomeStatus, PublicationStatus
from commons.models import Outcome, Publication
from curiouslab.accounts.models import Organisation, OrganisationKind, Role, User
from curiouslab.demo import DemoContext, ensure_membership, ensure_user

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# (challenge title, team, commune text, picked scenario, licence, members' consent,
#  follow-up: status, progress, budget, reason, milestones)
HAUTS_DE_SEINE = [
    (
        "Un fablab de quartier",
        "Les Makers du Luth",
        "Gennevilliers, 48 000 habitants, au nord du département : le quartier du Luth "
        "accueille le projet dans une ancienne boutique de la place Indira-Gandhi.",
        "Un atelier ouvert où artisans retraités et jeunes du quartier transmettent leurs "
        "savoir-faire autour de machines partagées.",
        Licence.ETALAB,
        (True, True, False),
        (
            OutcomeStatus.DONE,
            100,
            85000,
            "Ouvert en mars 2026, 300 adhérents la première année.",
            [
                (datetime.date(2026, 9, 15), "Bail signé pour l'ancienne boutique"),
                (datetime.date(2027, 3, 4), "Inauguration du fablab"),
            ],
        ),
    ),
    (
        "Guichet unique des créateurs d'entreprise",
        "Guichet Express",
        "Colombes, 86 000 habitants : un tissu de TPE dense et des porteurs de projet qui "
        "passaient de la mairie à la CCI sans fil conducteur.",
        "Un seul rendez-vous, un dossier partagé entre la ville, la CCI et France Travail.",
        Licence.CC_BY,
        (True, False, True),
        (
            OutcomeStatus.DONE,
            100,
            40000,
            "Guichet physique et en ligne ouvert avec la CCI.",
            [
                (datetime.date(2026, 10, 1), "Convention signée avec la CCI"),
                (datetime.date(2027, 1, 12), "Ouverture du guichet"),
            ],
        ),
    ),
    (
        "Une maison intergénérationnelle",
        "Les Passerelles",
        "Antony, 62 000 habitants, au sud du département : une ancienne résidence du "
        "centre-ville est réservée au projet.",
        "Une maison où crèche associative et logements seniors partagent jardin et cuisine.",
        Licence.CC_BY_SA,
        (True, True, True),
        (
            OutcomeStatus.IN_PROGRESS,
            60,
            1200000,
            "Travaux en cours, ouverture à la rentrée.",
            [(datetime.date(2026, 11, 20), "Permis de construire accordé")],
        ),
    ),
    (
        "Un kiosque citoyen",
        "Les Crieurs",
        "Nanterre, 97 000 habitants, préfecture : le kiosque circule entre la place de la "
        "Boule et le quartier du Parc.",
        "Un kiosque mobile tenu par des agents et des habitants relais, présent sur le marché.",
        Licence.ETALAB,
        (False, True, True),
        (
            OutcomeStatus.DONE,
            100,
            15000,
            "Présent chaque samedi sur le marché.",
            [(datetime.date(2026, 9, 5), "Premier samedi sur le marché")],
        ),
    ),
    (
        "Un marché durable",
        "Les Circuits courts",
        "Rueil-Malmaison, 79 000 habitants : le marché du centre réunit chaque semaine "
        "quarante commerçants.",
        "Une consigne des contenants et un label « marché durable » pour les commerçants.",
        Licence.ALL_RIGHTS_RESERVED,
        (True, True, None),
        (OutcomeStatus.EXPERIMENT, 40, None, "Label testé sur douze étals depuis octobre.", []),
    ),
]

ESSONNE_COMMUNES = [
    (
        "Évry-Courcouronnes",
        "91228",
        "camille.robin@evry-courcouronnes.example.org",
        "Camille",
        "Robin",
    ),
    ("Massy", "91377", "julien.petit@massy.example.org", "Julien", "Petit"),
]
ESSONNE = [
    (
        "Évry-Courcouronnes",
        "Des trajets à vélo vers l'université",
        "Comment donner envie aux étudiants de venir à vélo sur le campus ?",
        "transports_mobilite",
        "Les Roues libres",
        (OutcomeStatus.STUDY, 20, 30000, "Étude des itinéraires avec l'agglomération.", []),
    ),
    (
        "Massy",
        "Une bibliothèque ouverte le dimanche",
        "Comment ouvrir la médiathèque le dimanche sans épuiser ses agents ?",
        "culture",
        "Les Dimanches",
        (
            OutcomeStatus.DONE,
            100,
            20000,
            "Ouverte un dimanche sur deux depuis septembre.",
            [(datetime.date(2026, 9, 6), "Premier dimanche d'ouverture")],
        ),
    ),
]


def _aware(day: datetime.date, hour: int = 18) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _members(team, school_orgs, n: int, prefix: str) -> list[User]:
    people = []
    for i in range(n):
        email = f"{prefix}.{team.pk}.{i + 1}@example.org"
        first, last = ALUMNI_NAMES[(team.pk * 3 + i) % len(ALUMNI_NAMES)]
        school = school_orgs[i % len(school_orgs)]
        user = ensure_user(email, first, last)
        ensure_membership(user, school, Role.STUDENT, discipline=DISCIPLINES[i % 3])
        TeamMember.objects.get_or_create(
            cohort=team.cohort,
            user=user,
            defaults={"team": team, "school": school, "discipline": DISCIPLINES[i % 3]},
        )
        people.append(user)
    return people


ALUMNI_NAMES = [
    ("Inès", "Moreau"), ("Théo", "Girard"), ("Manon", "Faure"), ("Rayan", "Mercier"),
    ("Lina", "Blanc"), ("Noah", "Guérin"), ("Zoé", "Boyer"), ("Adam", "Roussel"),
    ("Jade", "Lemaire"), ("Sacha", "Perrin"), ("Léna", "Colin"), ("Nathan", "Vidal"),
]  # fmt: skip
DISCIPLINES = ["ingénierie", "commerce", "design"]


def _final(team, by) -> DeliverableVersion:
    """The team's final project (a PDF), handed in before the closing."""
    cohort = team.cohort
    milestone, _ = Milestone.objects.get_or_create(
        cohort=cohort,
        name="Projet final",
        defaults={"kind": Milestone.Kind.FINAL, "deadline": _aware(cohort.working_ends)},
    )
    deliverable, _ = Deliverable.objects.get_or_create(team=team, milestone=milestone)
    version, created = DeliverableVersion.objects.get_or_create(
        deliverable=deliverable, number=1, defaults={"note": "Dossier final", "submitted_by": by}
    )
    if created:
        path = default_storage.save(
            f"cohorts/deliverables/{team.pk}/{milestone.pk}/demo-final.pdf", ContentFile(PDF)
        )
        DeliverableFile.objects.create(
            version=version,
            path=path,
            original_name=f"Projet final - {team.name}.pdf",
            content_type="application/pdf",
            size=len(PDF),
            uploaded_by=by,
        )
        when = _aware(cohort.working_ends, 12)
        DeliverableVersion.objects.filter(pk=version.pk).update(created_at=when)
        Deliverable.objects.filter(pk=deliverable.pk).update(
            version_count=1, first_submitted_at=when, last_submitted_at=when
        )
    return version


def _scenario(team, text: str, staff: User | None) -> None:
    when = _aware(team.cohort.kickoff, 17)
    KickoffScenario.objects.get_or_create(
        team=team,
        challenge_id=team.challenge_id,
        title="",
        defaults={
            "text": text,
            "selected": True,
            "selected_at": when,
            "selected_by": staff,
        },
    )


def _publish(*, team, coordinator, agent, commune_text, licence, consents, follow_up, version):
    """The publication's whole path through the services, once."""
    if Publication.objects.filter(team=team).exists():
        return
    closing = team.cohort.closing
    pub = services.publication_propose(team=team, actor=coordinator, commune_text=commune_text)
    services.publication_set_terms(
        publication=pub, actor=coordinator, licence=licence, versions=[version]
    )
    services.publication_approve(publication=pub, actor=agent, commune_text=commune_text)
    members = list(User.objects.filter(team_memberships__team=team).order_by("pk"))
    for member, given in zip(members, consents, strict=False):
        if given is not None:
            services.consent_set(publication=pub, actor=member, given=given)
    services.publication_set_status(
        publication=pub,
        actor=coordinator,
        status=PublicationStatus.PUBLISHED,
        at=_aware(closing + datetime.timedelta(days=30), 10),
    )
    status, progress, budget, reason, milestones = follow_up
    if not Outcome.objects.filter(publication=pub).exists():
        services.outcome_record(
            publication=pub,
            actor=agent,
            data={"status": status, "progress": progress, "budget": budget, "reason": reason},
        )
        for on, label in milestones:
            services.outcome_milestone_add(publication=pub, actor=agent, on=on, label=label)


def _agent_of(municipality) -> User | None:
    return (
        User.objects.filter(
            memberships__organisation=municipality, memberships__role=Role.MUNICIPAL_STAFF
        )
        .order_by("pk")
        .first()
    )


def _hauts_de_seine(ctx: DemoContext) -> None:
    cohort = ctx["cohort:2025"]
    coordinator = ctx[f"user:{Role.COORDINATOR}"]
    schools = [ctx[f"school:{i}"] for i in range(3)]
    for title, team_name, text, scenario, licence, consents, follow_up in HAUTS_DE_SEINE:
        challenge = Challenge.objects.get(programme=cohort.programme, cohort=cohort, title=title)
        team, _ = Team.objects.get_or_create(
            cohort=cohort, name=team_name, defaults={"challenge": challenge}
        )
        members = _members(team, schools, len(consents), "alumni")
        agent = _agent_of(challenge.municipality)
        _scenario(team, scenario, agent)
        _publish(
            team=team,
            coordinator=coordinator,
            agent=agent,
            commune_text=text,
            licence=licence,
            consents=consents,
            follow_up=follow_up,
            version=_final(team, members[0]),
        )


def _essonne(ctx: DemoContext) -> None:
    """The Essonne's first cohort (2025-2026, closed), its communes, schools and two projects."""
    programme = Programme.objects.filter(organisation__departement_id="91").first()
    coordinator = User.objects.filter(email="essonne@example.org").first()
    if programme is None or coordinator is None:
        return
    territory = programme.organisation
    d = datetime.date
    cohort, _ = Cohort.objects.get_or_create(
        programme=programme,
        year=2025,
        defaults={
            "name": "Défis de l'Essonne 2025-2026",
            "call_opens": d(2025, 5, 1),
            "call_closes": d(2025, 11, 30),
            "kickoff": d(2026, 1, 20),
            "working_starts": d(2026, 1, 21),
            "working_ends": d(2026, 6, 1),
            "closing": d(2026, 6, 18),
        },
    )
    communes = {}
    for name, insee, email, first, last in ESSONNE_COMMUNES:
        slug = "ville-" + name.lower().replace(" ", "-").replace("é", "e").replace("'", "")
        communes[name] = Organisation.objects.filter(commune_id=insee).first()
        if communes[name] is None:
            communes[name] = Organisation.objects.create(
                slug=slug,
                kind=OrganisationKind.MUNICIPALITY,
                name=f"Ville de {name}",
                commune_id=insee,
                city=name,
                territory=territory,
            )
        agent = ensure_user(email, first, last)
        ensure_membership(agent, communes[name], Role.MUNICIPAL_STAFF)
    schools = []
    for name, uai, city in [
        ("Université d'Évry Paris-Saclay", "0912141H", "Évry-Courcouronnes"),
        ("IUT d'Orsay", "0911975C", "Orsay"),
    ]:
        school, _ = Organisation.objects.update_or_create(
            slug=f"ecole-{uai.lower()}",
            defaults={
                "kind": OrganisationKind.SCHOOL,
                "name": name,
                "uai": uai,
                "city": city,
                "territory": territory,
            },
        )
        schools.append(school)
    for commune, title, question, theme, team_name, follow_up in ESSONNE:
        municipality = communes[commune]
        agent = _agent_of(municipality)
        challenge, created = Challenge.objects.get_or_create(
            programme=programme,
            cohort=cohort,
            title=title,
            defaults={
                "municipality": municipality,
                "call": cohort,
                "question": question,
                "theme": theme,
                "territory": commune,
                "created_by": agent,
            },
        )
        if created:
            walk(
                challenge,
                [
                    (ChallengeStatus.SUBMITTED, agent, ""),
                    (ChallengeStatus.ACCEPTED, coordinator, ""),
                ],
                start=_aware(d(2025, 10, 6), 10),
            )
        team, _ = Team.objects.get_or_create(
            cohort=cohort, name=team_name, defaults={"challenge": challenge}
        )
        members = _members(team, schools, 3, "essonne")
        _publish(
            team=team,
            coordinator=coordinator,
            agent=agent,
            commune_text=f"{commune}, en Essonne.",
            licence=Licence.ETALAB,
            consents=(True, True, True),
            follow_up=follow_up,
            version=_final(team, members[0]),
        )


def seed(ctx: DemoContext) -> None:
    _hauts_de_seine(ctx)
    _essonne(ctx)
    ctx.say("the commons: five Hauts-de-Seine projects and two Essonne ones, published")
