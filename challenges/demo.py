"""Demo seed of challenges: the 2025-2026 cohort's challenges (taken up, with what became of
them: they feed the "similar challenges" panel), and the 2026-2027 call with a challenge in
every state. Inspired by the défis actually posed by communes of the Hauts-de-Seine."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from challenges.models import (
    Challenge,
    ChallengeComment,
    ChallengeStatus,
    ChallengeVersion,
    OutcomeStatus,
)
from challenges.services import challenge_set_status
from curiouslab.accounts.models import Role
from curiouslab.demo import DemoContext, ensure_membership, ensure_user

S = ChallengeStatus

# One agent per commune besides Nadia Benali (Nanterre, created by the accounts seed).
AGENTS = {
    "nanterre": ("julie.garnier@nanterre.example.org", "Julie", "Garnier"),
    "boulogne": ("marc.lambert@boulogne.example.org", "Marc", "Lambert"),
    "colombes": ("sophie.renard@colombes.example.org", "Sophie", "Renard"),
    "antony": ("paul.nguyen@antony.example.org", "Paul", "Nguyen"),
    "rueil": ("claire.fontaine@rueil.example.org", "Claire", "Fontaine"),
    "issy": ("hugo.marchal@issy.example.org", "Hugo", "Marchal"),
    "gennevilliers": ("amina.diallo@gennevilliers.example.org", "Amina", "Diallo"),
    "sceaux": ("lucie.bernard@sceaux.example.org", "Lucie", "Bernard"),
}


def _c(commune, theme, title, question, **fields):
    return {"commune": commune, "theme": theme, "title": title, "question": question, **fields}


PAST = [  # cohort 2025-2026, taken up, with outcomes
    _c(
        "gennevilliers",
        "economie",
        "Un fablab de quartier",
        "Comment ouvrir un fablab de quartier où jeunes, artisans et habitants fabriquent ensemble ?",
        territory="Quartier du Luth",
        stakes="Des savoir-faire artisanaux qui disparaissent et des jeunes sans lieu pour bricoler.",
        outcome_status=OutcomeStatus.IMPLEMENTED,
        outcome="Le fablab a ouvert en mars dans une ancienne boutique, avec deux imprimantes 3D et "
        "une découpeuse laser ; 300 adhérents la première année.",
    ),
    _c(
        "colombes",
        "economie",
        "Guichet unique des créateurs d'entreprise",
        "Comment offrir aux créateurs d'entreprise un seul point d'entrée pour toutes leurs démarches ?",
        territory="Toute la commune",
        stakes="Les porteurs de projet passent d'un guichet à l'autre et abandonnent.",
        outcome_status=OutcomeStatus.IMPLEMENTED,
        outcome="Un guichet unique physique et en ligne, partagé avec la CCI et France Travail.",
    ),
    _c(
        "antony",
        "action_sociale",
        "Une maison intergénérationnelle",
        "Comment faire se rencontrer seniors isolés et jeunes familles dans un même lieu de vie ?",
        territory="Centre-ville",
        stakes="L'isolement des personnes âgées et le manque de solutions de garde.",
        outcome_status=OutcomeStatus.IN_PROGRESS,
        outcome="Le lieu est identifié (ancienne résidence) ; travaux en cours, ouverture prévue "
        "à la rentrée.",
    ),
    _c(
        "nanterre",
        "democratie_locale",
        "Un kiosque citoyen",
        "Comment informer et consulter les habitants sur les projets de leur quartier, là où ils passent ?",
        territory="Place de la Boule et quartier du Parc",
        stakes="Les habitants découvrent les travaux au dernier moment et se sentent peu écoutés.",
        outcome_status=OutcomeStatus.IMPLEMENTED,
        outcome="Un kiosque mobile tenu par les agents et des habitants relais, présent chaque "
        "samedi sur le marché.",
    ),
    _c(
        "rueil",
        "economie",
        "Un marché durable",
        "Comment faire du marché hebdomadaire un lieu d'alimentation locale, durable et zéro déchet ?",
        territory="Marché du centre",
        stakes="Des tonnes d'emballages chaque semaine et peu de producteurs locaux.",
        outcome_status=OutcomeStatus.IMPLEMENTED,
        outcome="Un label « marché durable », la consigne des contenants et six producteurs "
        "franciliens de plus.",
    ),
    _c(
        "issy",
        "sports_loisirs",
        "Inscriptions aux activités sportives",
        "Comment simplifier les inscriptions des enfants aux activités sportives municipales ?",
        territory="Équipements sportifs de la ville",
        stakes="Des files d'attente dès l'aube le jour des inscriptions.",
        outcome_status=OutcomeStatus.IMPLEMENTED,
        outcome="Inscriptions en ligne sur le portail famille avec tirage au sort équitable.",
    ),
]

CURRENT_ACCEPTED = [  # 2026-2027, accepted and put in the cohort
    _c(
        "nanterre",
        "sports_loisirs",
        "Inscription à l'école de natation",
        "Comment rendre l'inscription à l'école municipale de natation simple et équitable pour "
        "toutes les familles ?",
        territory="Piscine du Palais des sports",
        stakes="Chaque rentrée, des files d'attente de plusieurs heures et des familles qui "
        "renoncent ; les places partent en quelques minutes.",
        users_concerned="Les familles, notamment celles qui ne maîtrisent pas le numérique ; "
        "les agents d'accueil de la piscine.",
        obstacles="Un logiciel de réservation ancien, un nombre de créneaux limité.",
        levers="Le portail famille existant, une équipe d'accueil motivée.",
        expected_outcome="Un parcours d'inscription repensé et un prototype testé avec des familles.",
    ),
    _c(
        "boulogne",
        "culture",
        "Laboratoire numérique itinérant pour les collèges",
        "Comment faire découvrir la fabrication numérique à tous les collégiens, y compris ceux "
        "des établissements sans équipement ?",
        territory="Les collèges publics de la ville",
        stakes="De fortes inégalités d'accès aux outils numériques entre établissements.",
        users_concerned="Collégiens, professeurs de technologie, médiateurs numériques.",
        expected_outcome="Le concept d'un camion-laboratoire et son programme d'ateliers.",
    ),
    _c(
        "colombes",
        "transports_mobilite",
        "Vélo vers les zones d'activité",
        "Comment donner envie aux salariés des zones d'activité de venir à vélo ?",
        territory="Zone d'activité des Champs-Philippe",
        stakes="Des axes saturés aux heures de pointe et une pollution élevée.",
        users_concerned="Salariés, entreprises de la zone.",
        expected_outcome="Un plan d'itinéraires et des services vélo testés avec une entreprise.",
    ),
    _c(
        "antony",
        "accueil",
        "Un accueil unique en mairie",
        "Comment orienter chaque visiteur de la mairie vers le bon service dès son arrivée ?",
        territory="Hôtel de ville",
        stakes="Des usagers perdus entre les étages et des agents interrompus sans cesse.",
        users_concerned="Usagers de la mairie, agents d'accueil.",
        expected_outcome="Un parcours d'accueil et une signalétique prototypés.",
    ),
    _c(
        "rueil",
        "urbanisme",
        "Des cours d'école oasis",
        "Comment transformer les cours d'école en îlots de fraîcheur ouverts au quartier ?",
        territory="Trois écoles élémentaires",
        stakes="Des cours bitumées où il fait plus de 40 °C en juin.",
        users_concerned="Élèves, enseignants, parents, riverains.",
        expected_outcome="Des plans de cours co-conçus avec les élèves.",
    ),
    _c(
        "nanterre",
        "modernisation",
        "Les démarches en ligne pour les seniors",
        "Comment accompagner les seniors dans leurs démarches en ligne sans les laisser seuls "
        "face aux écrans ?",
        territory="Toute la commune",
        stakes="La dématérialisation éloigne des services les personnes âgées.",
        users_concerned="Seniors, aidants, agents des maisons de quartier.",
        expected_outcome="Un dispositif d'accompagnement testé dans une maison de quartier.",
    ),
    _c(
        "gennevilliers",
        "amenagement",
        "Jardins partagés au pied des immeubles",
        "Comment faire des pieds d'immeubles des jardins partagés entretenus par les habitants ?",
        territory="Quartier des Agnettes",
        stakes="Des espaces verts délaissés et des conflits d'usage.",
        users_concerned="Locataires, bailleur social, associations de quartier.",
        expected_outcome="Un modèle de gestion partagée et un premier jardin pilote.",
    ),
]

OTHERS = [  # 2026-2027, one challenge in each other state
    (
        S.DRAFT,
        _c(
            "nanterre",
            "culture",
            "Un tiers-lieu culturel dans l'ancienne gare",
            "Comment faire de l'ancienne gare un tiers-lieu culturel ouvert aux associations ?",
            territory="Ancienne gare de Nanterre-Université",
        ),
        "",
    ),
    (
        S.SUBMITTED,
        _c(
            "boulogne",
            "action_sociale",
            "Moins de gaspillage dans les cantines",
            "Comment réduire de moitié le gaspillage alimentaire dans les cantines scolaires ?",
            territory="Les 28 restaurants scolaires",
            stakes="Près d'un tiers des repas servis finit à la poubelle.",
            users_concerned="Élèves, agents de restauration, parents.",
            expected_outcome="Des dispositifs testés dans deux écoles.",
        ),
        "",
    ),
    (
        S.CHANGES_REQUESTED,
        _c(
            "nanterre",
            "democratie_locale",
            "Un budget participatif des jeunes",
            "Comment permettre aux 15-25 ans de proposer et voter des projets pour leur ville ?",
            territory="Toute la commune",
            stakes="Les jeunes participent très peu aux instances de démocratie locale.",
            users_concerned="Les 15-25 ans.",
            expected_outcome="Un règlement et une campagne de lancement.",
        ),
        "Pouvez-vous préciser le montant envisagé et le rôle du conseil des jeunes ?",
    ),
    (
        S.RESUBMITTED,
        _c(
            "sceaux",
            "transports_mobilite",
            "Stationnement vélo sécurisé près des gares",
            "Comment offrir un stationnement vélo sûr et pratique près des gares RER ?",
            territory="Gares de Sceaux et Robinson",
            stakes="Des vols fréquents découragent la pratique du vélo.",
            users_concerned="Usagers du RER B habitant à plus de 10 minutes à pied, "
            "dont de nombreux lycéens.",
            expected_outcome="Une offre de stationnement prototypée et testée.",
        ),
        "Qui sont précisément les usagers concernés ?",
    ),
    (
        S.ACCEPTED,
        _c(
            "issy",
            "urbanisme",
            "Signalétique du centre-ville",
            "Comment aider piétons et visiteurs à s'orienter dans un centre-ville en travaux ?",
            territory="Centre-ville",
            stakes="Des commerces moins fréquentés pendant les travaux.",
            users_concerned="Piétons, commerçants, visiteurs.",
            expected_outcome="Une signalétique temporaire prototypée.",
        ),
        "Retenu : il rejoindra la promotion si une équipe le choisit.",
    ),
    (
        S.DECLINED,
        _c(
            "colombes",
            "modernisation",
            "Une application mobile municipale",
            "Comment développer une application mobile regroupant tous les services de la ville ?",
            territory="Toute la commune",
            stakes="Des informations dispersées sur plusieurs sites.",
            users_concerned="Habitants.",
            expected_outcome="Une application publiée.",
        ),
        "La solution est déjà fixée dans la question : reformulez le besoin des habitants "
        "plutôt que l'outil, et proposez-le à nouveau l'an prochain.",
    ),
    (
        S.WITHDRAWN,
        _c(
            "antony",
            "transports_mobilite",
            "Navette électrique du marché",
            "Comment permettre aux personnes âgées de venir au marché sans voiture ?",
            territory="Quartiers sud",
            stakes="Des seniors qui renoncent au marché.",
            users_concerned="Seniors, commerçants du marché.",
            expected_outcome="Un service de navette testé.",
        ),
        "",
    ),
]

DEFAULTS = {
    "stakeholders": "Services municipaux concernés, associations de quartier, partenaires "
    "institutionnels.",
    "users_concerned": "Habitants du territoire concerné.",
    "obstacles": "Des moyens humains limités et des habitudes bien installées.",
    "levers": "Le soutien des élus, des équipements existants, un réseau associatif actif.",
    "expected_outcome": "Des scénarios, puis un prototype testé avec les usagers.",
    "elected_sponsor": "L'adjoint(e) au maire délégué(e)",
    "stakes": "",
    "territory": "Toute la commune",
}


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# The verb behind each arrow a demo challenge takes (the audit entry's action).
ACTIONS = {
    S.SUBMITTED: "submit",
    S.CHANGES_REQUESTED: "request_changes",
    S.RESUBMITTED: "resubmit",
    S.ACCEPTED: "accept",
    S.DECLINED: "decline",
    S.WITHDRAWN: "withdraw",
}


def walk(challenge: Challenge, steps, *, start: datetime.datetime) -> None:
    """Take a draft ``challenge`` along ``steps`` — (status, actor, message) — through
    ``challenge_set_status``, one week apart from ``start``: the transitions, the audit entries,
    the dates of submission and decision are those a real review leaves."""
    with transaction.atomic():
        for i, (to_status, actor, message) in enumerate(steps):
            at = start + datetime.timedelta(days=7 * i)
            extra: tuple[str, ...] = ()
            if to_status == S.SUBMITTED:
                challenge.submitted_at, extra = at, ("submitted_at",)
            elif to_status in (S.ACCEPTED, S.DECLINED, S.CHANGES_REQUESTED):
                challenge.review_message, extra = message, ("review_message",)
                if to_status != S.CHANGES_REQUESTED:
                    challenge.decided_at, extra = at, ("review_message", "decided_at")
            challenge_set_status(
                challenge=challenge,
                actor=actor,
                to_status=to_status,
                action=ACTIONS[to_status],
                message=message,
                extra_fields=extra,
                at=at,
            )


def accepted_challenge(ctx, *, cohort, municipality, title, defaults, on: datetime.date):
    """A challenge of ``cohort``'s programme submitted by ``municipality`` on ``on`` and accepted
    into ``cohort`` a week later (the other demos' finalists and alumni need one)."""
    challenge, created = Challenge.objects.get_or_create(
        programme=cohort.programme,
        cohort=cohort,
        title=title,
        defaults={"municipality": municipality, "call": cohort, **defaults},
    )
    if created:
        coordinator = ctx[f"user:{Role.COORDINATOR}"]
        author = ctx.objects.get(f"user:{Role.MUNICIPAL_STAFF}", coordinator)
        walk(
            challenge,
            [(S.SUBMITTED, author, ""), (S.ACCEPTED, coordinator, "")],
            start=_at(on),
        )
    return challenge


def _upsert(ctx, spec, *, call, status, cohort=None, message="", submitted_on=None):
    spec = dict(spec)
    commune = ctx[f"commune:{spec.pop('commune')}"]
    agent = ctx[f"agent:{commune.slug.split('-')[0]}"]
    fields = {**DEFAULTS, **spec}
    fields["staff_contact"] = f"{agent.get_full_name()}, {agent.email}"
    title = fields.pop("title")
    challenge, _created = Challenge.objects.update_or_create(
        programme=ctx["programme"],
        municipality=commune,
        title=title,
        defaults={**fields, "call": call, "cohort": cohort, "created_by": agent},
    )
    if not challenge.transitions.exists():
        _history(ctx, challenge, agent, status, message, submitted_on)
    return challenge


def _history(ctx, challenge, agent, status, message, submitted_on):
    """The review a challenge in ``status`` went through, each step through the status writer;
    a resubmitted one was first submitted without the figures it gained when changes were
    asked (its two versions and the comment are kept)."""
    coordinator = ctx[f"user:{Role.COORDINATOR}"]
    steps: list[tuple[str, object, str]] = []
    if status == S.WITHDRAWN:
        steps = [
            (S.SUBMITTED, agent, ""),
            (S.WITHDRAWN, agent, "Le projet est repris par la communauté d'agglomération."),
        ]
    elif status != S.DRAFT:
        steps.append((S.SUBMITTED, agent, ""))
        if status in (S.CHANGES_REQUESTED, S.RESUBMITTED):
            steps.append((S.CHANGES_REQUESTED, coordinator, message))
        if status == S.RESUBMITTED:
            steps.append((S.RESUBMITTED, agent, "Nous avons précisé le public."))
        if status in (S.ACCEPTED, S.DECLINED):
            steps.append((status, coordinator, message))
    content = challenge.content()
    original = dict(content)
    if status == S.RESUBMITTED:
        original["users_concerned"] = "Les usagers du RER."
        challenge.users_concerned = original["users_concerned"]
        challenge.save(update_fields=["users_concerned"])
        walk(challenge, steps[:2], start=_at(submitted_on))
        challenge.users_concerned = content["users_concerned"]
        challenge.save(update_fields=["users_concerned"])
        walk(challenge, steps[2:], start=_at(submitted_on + datetime.timedelta(days=14)))
    else:
        walk(challenge, steps, start=_at(submitted_on or datetime.date.today()))
    if status == S.RESUBMITTED:
        ChallengeVersion.objects.create(
            challenge=challenge, number=1, data=original, changed_fields=[], author=agent
        )
        ChallengeVersion.objects.create(
            challenge=challenge,
            number=2,
            data=content,
            changed_fields=["users_concerned"],
            author=agent,
        )
        ChallengeComment.objects.create(
            challenge=challenge,
            author=agent,
            body="Nous avons ajouté les chiffres de fréquentation des deux gares.",
        )
    if status == S.CHANGES_REQUESTED:
        ChallengeComment.objects.create(
            challenge=challenge,
            author=coordinator,
            from_coordinator=True,
            body="Le sujet est excellent ; il manque seulement l'enveloppe budgétaire.",
        )


def seed(ctx: DemoContext) -> None:
    for key, (email, first, last) in AGENTS.items():
        user = ensure_user(email, first, last)
        ensure_membership(user, ctx[f"commune:{key}"], Role.MUNICIPAL_STAFF)
        ctx[f"agent:{key}"] = user
    # Nanterre's own challenges are written by the demo municipal account.
    ctx["agent:nanterre"] = ctx[f"user:{Role.MUNICIPAL_STAFF}"]
    past_cohort, cohort = ctx["cohort:2025"], ctx["cohort:2026"]
    for i, spec in enumerate(PAST):
        _upsert(
            ctx,
            spec,
            call=past_cohort,
            status=S.ACCEPTED,
            cohort=past_cohort,
            message="Un très beau défi pour la promotion.",
            submitted_on=datetime.date(2025, 9, 10 + i),
        )
    accepted = [
        _upsert(
            ctx,
            spec,
            call=cohort,
            status=S.ACCEPTED,
            cohort=cohort,
            message="Accepté pour la promotion 2026-2027.",
            submitted_on=datetime.date(2026, 9, 8 + i),
        )
        for i, spec in enumerate(CURRENT_ACCEPTED)
    ]
    ctx["challenges:2026"] = accepted
    for i, (status, spec, message) in enumerate(OTHERS):
        _upsert(
            ctx,
            spec,
            call=cohort,
            status=status,
            message=message if status in (S.CHANGES_REQUESTED, S.ACCEPTED, S.DECLINED) else "",
            submitted_on=datetime.date(2026, 10, 1 + 2 * i),
        )
    ctx.say(
        f"{len(PAST)} challenges of 2025 with outcomes, {len(accepted)} accepted in 2026, "
        f"{len(OTHERS)} in the other states"
    )
