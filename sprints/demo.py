"""Demo seed of the sprint format: the CNFPT's summer university of public innovation, 2018
edition (9–11 July), run at three sites at once — Rennes (Europe/Paris), La Réunion
(Indian/Reunion) and Strasbourg — each with its challenges, its team per challenge and its
agenda by the hour; participants registered through the public registration's service
(Rennes full, with a waiting list and one cancellation that promoted the first waiting), the
Rennes teams formed by the assignment, Etel's team with its options examined, the one
retained and validated by Etel, a prototype and the exhibition's feedback.

The challenges' fiches (territory, stakes, stakeholders, obstacles, levers) are written for
the demo after the 2018 Rennes site's challenges; they are illustrations, not the CNFPT's
own texts. Idempotent: once the edition exists, nothing is replayed."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from challenges.demo import walk
from challenges.enums import ChallengeStatus as S
from challenges.enums import Theme
from challenges.models import Challenge
from cohorts.enums import ProgrammeFormat
from cohorts.models import Cohort, Programme
from curiouslab.accounts.models import Organisation, OrganisationKind, Role
from curiouslab.demo import DemoContext, ensure_membership, ensure_user
from sprints import services
from sprints.assignment import Person, assign
from sprints.enums import AgendaKind, JobFamily, RegistrationStatus
from sprints.models import Edition, Registration

# A 1×1 PNG: the demo prototype's "photo" (a real one would come from a phone).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c633821a0f71f0004b00206843077fe0000000049454e44ae426082"
)

RENNES_CHALLENGES = [
    {
        "owner": "Commune d'Étel",
        "slug": "etel",
        "title": "Une ria habitée toute l'année",
        "question": "Comment faire vivre le centre d'Étel hors saison, quand les résidences "
        "secondaires sont fermées ?",
        "theme": Theme.URBANISM,
        "territory": "Étel (Morbihan), 2 000 habitants au bord de la ria",
        "stakes": "Des commerces qui ferment l'hiver, des logements vides dix mois sur douze, "
        "des jeunes ménages qui ne trouvent pas à se loger.",
        "stakeholders": "Mairie, commerçants, associations nautiques, bailleurs, "
        "propriétaires de résidences secondaires.",
        "obstacles": "Le prix du foncier, la saisonnalité de l'économie, peu d'ingénierie "
        "en mairie.",
        "levers": "Un tissu associatif vivant, le port, un programme Petites villes de demain.",
    },
    {
        "owner": "Département d'Ille-et-Vilaine",
        "slug": "ille-et-vilaine",
        "title": "Le premier accueil social sans rendez-vous manqué",
        "question": "Comment éviter qu'une personne venue au centre départemental d'action "
        "sociale reparte sans réponse ?",
        "theme": Theme.SOCIAL,
        "territory": "Les centres départementaux d'action sociale d'Ille-et-Vilaine",
        "stakes": "Des usagers renvoyés d'un guichet à l'autre, des agents d'accueil "
        "sous pression.",
        "stakeholders": "Agents d'accueil, travailleurs sociaux, CAF, CCAS, usagers.",
        "obstacles": "Des logiciels qui ne se parlent pas, des horaires différents d'un "
        "partenaire à l'autre.",
        "levers": "Une démarche d'accueil social inconditionnel déjà engagée.",
    },
    {
        "owner": "Ville de Rennes",
        "slug": "rennes",
        "title": "Les jardins partagés au pied des immeubles",
        "question": "Comment aider les habitants d'un quartier d'habitat social à créer et "
        "faire vivre un jardin partagé ?",
        "theme": Theme.LOCAL_DEMOCRACY,
        "territory": "Quartier du Blosne, Rennes",
        "stakes": "Des espaces verts peu utilisés, une envie de se retrouver entre voisins.",
        "stakeholders": "Direction des jardins, bailleur social, maison de quartier, habitants.",
        "obstacles": "Qui arrose en août ? Qui décide ? La peur des conflits d'usage.",
        "levers": "Des budgets participatifs, des jardiniers municipaux volontaires.",
    },
    {
        "owner": "Ville de Dinan",
        "slug": "dinan",
        "title": "Le marché du jeudi accessible à tous",
        "question": "Comment rendre le marché du centre historique praticable pour les "
        "personnes âgées et à mobilité réduite ?",
        "theme": Theme.MOBILITY,
        "territory": "Centre historique de Dinan (Côtes-d'Armor)",
        "stakes": "Des pavés, des pentes et des stationnements éloignés : une partie des "
        "habitants ne vient plus au marché.",
        "stakeholders": "Placiers, commerçants non sédentaires, CCAS, associations de "
        "personnes handicapées.",
        "obstacles": "Un secteur sauvegardé, un budget de voirie contraint.",
        "levers": "Une navette de centre-ville existante, des bénévoles.",
    },
    {
        "owner": "Commune de Savenay",
        "slug": "savenay",
        "title": "La cantine qui gaspille moins",
        "question": "Comment réduire de moitié le gaspillage alimentaire des restaurants "
        "scolaires ?",
        "theme": Theme.MODERNISATION,
        "territory": "Savenay (Loire-Atlantique), trois restaurants scolaires",
        "stakes": "Un tiers des repas jetés, une loi qui impose 50 % de produits durables.",
        "stakeholders": "Cuisiniers, animateurs périscolaires, parents, enfants, producteurs.",
        "obstacles": "Les inscriptions à la cantine connues trop tard.",
        "levers": "Un portail famille, des producteurs locaux motivés.",
    },
    {
        "owner": "Ville de Saint-Nazaire",
        "slug": "saint-nazaire",
        "title": "Les démarches en ligne, avec quelqu'un à côté",
        "question": "Comment accompagner les habitants éloignés du numérique dans leurs "
        "démarches en ligne ?",
        "theme": Theme.WELCOME,
        "territory": "Saint-Nazaire (Loire-Atlantique), les mairies annexes",
        "stakes": "Des démarches dématérialisées que 15 % des habitants ne peuvent pas faire "
        "seuls.",
        "stakeholders": "Agents d'accueil, médiathèques, centres sociaux, associations.",
        "obstacles": "Des aidants sans cadre, la crainte pour les données personnelles.",
        "levers": "Des conseillers numériques, des lieux ouverts le samedi.",
    },
    {
        "owner": "Oust à Brocéliande Communauté",
        "slug": "oust-a-broceliande",
        "title": "Se déplacer sans voiture en milieu rural",
        "question": "Comment un jeune sans permis peut-il se rendre à son lieu de formation "
        "ou de travail ?",
        "theme": Theme.MOBILITY,
        "territory": "Oust à Brocéliande Communauté (Morbihan), 26 communes",
        "stakes": "Des jeunes qui renoncent à une formation faute de transport.",
        "stakeholders": "Mission locale, entreprises, transporteurs, communes, familles.",
        "obstacles": "Des distances longues, peu de lignes de car.",
        "levers": "Le covoiturage domicile-travail, des vélos à assistance électrique.",
    },
]
OTHER_SITES = {
    "La Réunion": (
        "Indian/Reunion",
        "Université de La Réunion, Saint-Denis",
        [
            (
                "Région Réunion",
                "region-reunion",
                "Les cars jaunes à l'heure",
                "Comment informer en temps réel les usagers des cars interurbains ?",
                Theme.MOBILITY,
            ),
            (
                "Ville du Port",
                "le-port",
                "Un accueil des familles en créole et en français",
                "Comment accueillir les familles dans la langue qu'elles parlent ?",
                Theme.WELCOME,
            ),
            (
                "Ville de Saint-Paul",
                "saint-paul",
                "Les déchets verts après la saison cyclonique",
                "Comment organiser la collecte des déchets verts après un cyclone ?",
                Theme.URBANISM,
            ),
        ],
    ),
    "Strasbourg": (
        "Europe/Paris",
        "Centre administratif de Strasbourg",
        [
            (
                "Eurométropole de Strasbourg",
                "eurometropole",
                "Le tri au pied des immeubles",
                "Comment doubler le tri des biodéchets dans l'habitat collectif ?",
                Theme.URBANISM,
            ),
            (
                "Ville de Schiltigheim",
                "schiltigheim",
                "La ville des enfants",
                "Comment associer les enfants au réaménagement d'une cour de récréation ?",
                Theme.LOCAL_DEMOCRACY,
            ),
            (
                "Collectivité européenne d'Alsace",
                "alsace",
                "Les aidants des deux côtés du Rhin",
                "Comment aider les proches aidants qui travaillent en Allemagne ?",
                Theme.SOCIAL,
            ),
        ],
    ),
}
DAYS = [
    [
        (9, 0, 9, 30, AgendaKind.BREAK, "Accueil des participants"),
        (
            9,
            30,
            10,
            30,
            AgendaKind.OPENING_TALK,
            "Conférence d'ouverture : l'innovation publique territoriale",
        ),
        (
            10,
            30,
            11,
            15,
            AgendaKind.OPENING_TALK,
            "Conférence : le design des politiques publiques",
        ),
        (11, 30, 12, 30, AgendaKind.TEAM_WORK, "Comprendre le défi avec son porteur"),
        (14, 0, 17, 30, AgendaKind.TEAM_WORK, "Explorer les possibles"),
    ],
    [
        (9, 0, 9, 30, AgendaKind.MINI_TALK, "Mini-conférence : prototyper vite et pas cher"),
        (9, 30, 12, 30, AgendaKind.TEAM_WORK, "Retenir une piste avec le porteur du défi"),
        (14, 0, 17, 30, AgendaKind.TEAM_WORK, "Prototyper"),
    ],
    [
        (9, 0, 12, 0, AgendaKind.EXHIBITION, "Exposition des prototypes"),
        (14, 0, 15, 30, AgendaKind.LOOK_BACK, "Retour collectif sur la démarche"),
    ],
]
FIRST = [
    "Anne",
    "Bruno",
    "Claire",
    "David",
    "Élise",
    "François",
    "Gaëlle",
    "Hervé",
    "Inès",
    "Julien",
    "Katell",
    "Loïc",
    "Maëlle",
    "Nicolas",
    "Océane",
    "Pierre",
    "Quentin",
    "Rozenn",
    "Sébastien",
    "Tiphaine",
    "Ulysse",
    "Valérie",
    "Yann",
    "Zoé",
]
LAST = [
    "Le Gall",
    "Martin",
    "Guillou",
    "Le Roux",
    "Morvan",
    "Tanguy",
    "Le Bihan",
    "Jaouen",
    "Kerjean",
    "Prigent",
    "Riou",
    "Le Floch",
    "Cadiou",
    "Hamon",
]
COLLECTIVITES = [
    "Ville de Rennes",
    "Rennes Métropole",
    "Département d'Ille-et-Vilaine",
    "Région Bretagne",
    "Ville de Brest",
    "Ville de Lorient",
    "Département du Morbihan",
    "Ville de Vannes",
    "Saint-Malo Agglomération",
    "Ville de Quimper",
]
JOBS = list(JobFamily.values)


def _aware(day: datetime.date, hour: int, minute: int, zone: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(zone))


def _challenge(ctx, programme, cohort, coordinator, spec) -> Challenge:
    owner, _ = Organisation.objects.get_or_create(
        slug=f"sprint-{spec['slug']}",
        defaults={
            "kind": OrganisationKind.MUNICIPALITY,
            "name": spec["owner"],
            "territory": programme.organisation,
        },
    )
    agent = ensure_user(f"{spec['slug']}@example.org", "Agent", spec["owner"][:40])
    ensure_membership(agent, owner, Role.MUNICIPAL_STAFF)
    challenge, _ = Challenge.objects.update_or_create(
        programme=programme,
        municipality=owner,
        title=spec["title"],
        defaults={
            "question": spec["question"],
            "theme": spec["theme"],
            "territory": spec.get("territory", owner.name),
            "stakes": spec.get("stakes", ""),
            "stakeholders": spec.get("stakeholders", ""),
            "users_concerned": spec.get(
                "users_concerned", "Les habitants et les usagers du service."
            ),
            "obstacles": spec.get("obstacles", ""),
            "levers": spec.get("levers", ""),
            "expected_outcome": "Un prototype testé pendant l'exposition du troisième jour.",
            "staff_contact": f"{agent.get_full_name()}, {agent.email}",
            "call": cohort,
            "cohort": cohort,
            "created_by": agent,
        },
    )
    if not challenge.transitions.exists():
        walk(
            challenge,
            [(S.SUBMITTED, agent, ""), (S.ACCEPTED, coordinator, "Retenu pour l'édition 2018.")],
            start=timezone.make_aware(datetime.datetime(2018, 4, 16, 10)),
        )
    ctx[f"sprint_owner:{spec['slug']}"] = agent
    return challenge


def seed(ctx: DemoContext) -> None:
    cnfpt, _ = Organisation.objects.get_or_create(
        slug="cnfpt-bretagne",
        defaults={"kind": OrganisationKind.CNFPT, "name": "CNFPT — délégation Bretagne"},
    )
    coordinator = ensure_user("cnfpt@example.org", "Soizic", "Le Bras")
    ensure_membership(coordinator, cnfpt, Role.COORDINATOR)
    programme, _ = Programme.objects.get_or_create(
        slug="universite-ete-innovation-publique",
        defaults={
            "organisation": cnfpt,
            "format": ProgrammeFormat.SPRINT,
            "name": "Université d'été de l'innovation publique territoriale",
            "description": "Trois jours, plusieurs sites en même temps : des équipes d'agents "
            "territoriaux relèvent les défis de collectivités, du possible au prototype.",
        },
    )
    d = datetime.date
    cohort, _ = Cohort.objects.get_or_create(
        programme=programme,
        year=2018,
        defaults={
            "name": "Université d'été 2018",
            "call_opens": d(2018, 3, 1),
            "call_closes": d(2018, 5, 31),
            "kickoff": d(2018, 7, 9),
            "working_starts": d(2018, 7, 9),
            "working_ends": d(2018, 7, 11),
            "closing": d(2018, 7, 11),
        },
    )
    ctx["sprint_cohort"] = cohort
    if Edition.objects.filter(cohort=cohort).exists():
        return
    edition = services.edition_create(
        cohort=cohort,
        actor=coordinator,
        registration_closes=_aware(d(2018, 6, 29), 18, 0, "Europe/Paris"),
        introduction="Trois jours pour passer d'un défi réel à un prototype testé, avec des "
        "agents de toutes les collectivités et de tous les métiers.",
    )
    rennes_lead = ensure_user("rennes.sprint@example.org", "Erwan", "Le Goff")
    ensure_membership(rennes_lead, cnfpt, Role.COACH)
    sites = {}
    specs = {"Rennes": ("Europe/Paris", "Campus de Ker Lann, Bruz", RENNES_CHALLENGES)}
    for city, (zone, venue, rows) in OTHER_SITES.items():
        specs[city] = (
            zone,
            venue,
            [
                {"owner": o, "slug": s, "title": t, "question": q, "theme": th}
                for o, s, t, q, th in rows
            ],
        )
    for city, (zone, venue, rows) in specs.items():
        site = services.site_create(
            edition=edition,
            actor=coordinator,
            data={
                "city": city,
                "slug": city.lower().replace(" ", "-").replace("é", "e"),
                "venue": venue,
                "rooms": "Amphithéâtre\nSalle A\nSalle B\nSalle C\nHall d'exposition",
                "time_zone": zone,
                "capacity": 40 if city == "Rennes" else 20,
            },
            coordinators=[rennes_lead] if city == "Rennes" else [],
        )
        sites[city] = site
        for i, spec in enumerate(rows):
            services.site_challenge_add(
                site=site,
                actor=coordinator,
                challenge=_challenge(ctx, programme, cohort, coordinator, spec),
                room=f"Salle {'ABC'[i % 3]}",
            )
        for offset, slots in enumerate(DAYS):
            day = d(2018, 7, 9 + offset)
            for h1, m1, h2, m2, kind, title in slots:
                services.agenda_item_add(
                    site=site,
                    actor=coordinator,
                    kind=kind,
                    title=title,
                    starts_at=_aware(day, h1, m1, zone),
                    ends_at=_aware(day, h2, m2, zone),
                    room="Amphithéâtre" if kind != AgendaKind.TEAM_WORK else "",
                )
    _registrations(edition, sites)
    _rennes_teams(ctx, sites["Rennes"], rennes_lead)
    ctx.say(
        "sprint: Université d'été 2018 at Rennes, La Réunion and Strasbourg, registrations, "
        "Rennes teams formed, Etel's prototype with exhibition feedback"
    )


def _registrations(edition, sites) -> None:
    when = _aware(datetime.date(2018, 6, 4), 9, 0, "Europe/Paris")
    counts = {"Rennes": 43, "La Réunion": 12, "Strasbourg": 14}
    n = 0
    for city, count in counts.items():
        site = sites[city]
        challenges = list(site.site_challenges.order_by("pk"))
        for i in range(count):
            first, last = FIRST[n % len(FIRST)], LAST[(n * 5) % len(LAST)]
            picks = [challenges[(i + k) % len(challenges)] for k in range(3)]
            services.registration_submit(
                edition=edition,
                data={
                    "site": site,
                    "email": f"participant{n}@collectivite.example.org",
                    "first_name": first,
                    "last_name": last,
                    "collectivite": COLLECTIVITES[(n * 3) % len(COLLECTIVITES)],
                    "job_family": JOBS[n % len(JOBS)],
                    "choice_1": picks[0],
                    "choice_2": picks[1],
                    "choice_3": picks[2],
                },
                now=when + datetime.timedelta(minutes=7 * n),
            )
            n += 1
    # One cancellation in Rennes: the first on the waiting list takes the place.
    first = Registration.objects.filter(site=sites["Rennes"]).order_by("created_at", "id").first()
    services.registration_cancel(registration=first)


def _rennes_teams(ctx, site, lead) -> None:
    confirmed = list(
        site.registrations.filter(status=RegistrationStatus.CONFIRMED).select_related(
            "choice_1", "choice_2", "choice_3"
        )
    )
    people = [
        Person(
            r.pk,
            r.collectivite.lower(),
            r.job_family,
            (r.choice_1.team_id, r.choice_2.team_id, r.choice_3.team_id),
        )
        for r in confirmed
    ]
    teams = [sc.team_id for sc in site.site_challenges.all()]
    services.assignment_save(site=site, actor=lead, placements=assign(people, teams))
    etel = site.site_challenges.select_related("team").get(
        challenge__municipality__slug="sprint-etel"
    )
    team = etel.team
    options = [
        services.option_add(
            team=team,
            title="Une bourse aux logements d'hiver",
            description="Mettre en relation propriétaires de résidences "
            "secondaires et saisonniers, apprentis, jeunes ménages.",
        ),
        services.option_add(
            team=team,
            title="Des commerces éphémères l'hiver",
            description="Des baux courts à prix réduit dans les vitrines vides.",
        ),
        services.option_add(
            team=team,
            title="Un tiers-lieu au port",
            description="Un lieu ouvert toute l'année : café associatif, "
            "coworking, permanences des services publics.",
        ),
    ]
    services.option_retain(option=options[2])
    services.option_validate(
        option=options[2],
        actor=ctx["sprint_owner:etel"],
        comment="C'est la piste qui répond le mieux à notre attente : elle fait vivre le centre "
        "toute l'année et s'appuie sur les associations. Nous la testons à l'automne.",
    )
    services.prototype_file_add(
        team=team,
        upload=SimpleUploadedFile("maquette-tiers-lieu.png", PNG, content_type="image/png"),
        caption="Maquette du tiers-lieu du port, en carton",
    )
    visitors = list(
        site.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .exclude(team=team)
        .order_by("pk")[:12]
    )
    remarks = [
        "Prévoir des horaires le dimanche.",
        "",
        "Associer le club de voile.",
        "Et pour les personnes âgées ?",
        "",
    ]
    for i, visitor in enumerate(visitors):
        services.feedback_submit(
            stand=etel,
            registration=visitor,
            data={
                "useful": 4 - i % 2,
                "usable": 3 - i % 3 // 2,
                "change": remarks[i % len(remarks)],
            },
        )
