"""Demo seed: the platform administrator, and a second territory — the Essonne — that started
through the self-service flow (asked, approved, its first coordinator invited and joined, its
programme created, a commune invited), plus one request still waiting for a decision."""

from __future__ import annotations

from curiouslab.accounts.models import Invitation, Organisation, OrganisationKind, Role
from curiouslab.accounts.services import commune_invitation_create, invitation_accept
from curiouslab.demo import DEMO_PASSWORD, DemoContext, ensure_membership, ensure_user
from onboarding import services
from onboarding.models import TerritoryRequest
from territories.models import Commune, Departement, Region

ESSONNE = {
    "kind": OrganisationKind.DEPARTEMENT,
    "name": "Département de l'Essonne",
    "first_name": "Sophie",
    "last_name": "Garnier",
    "email": "essonne@example.org",
    "job_title": "Cheffe du service innovation publique",
    "message": "Nous voulons lancer une année de défis avec trois écoles d'Évry et de Massy.",
}


def seed(ctx: DemoContext) -> None:
    platform, _ = Organisation.objects.get_or_create(
        slug="curious-lab-plateforme",
        defaults={"kind": OrganisationKind.PLATFORM, "name": "Curious Lab — la plateforme"},
    )
    admin = ensure_user("platform@example.org", "Karim", "Ziani")
    ensure_membership(admin, platform, Role.PLATFORM_ADMIN)
    ctx[f"user:{Role.PLATFORM_ADMIN}"] = admin

    essonne = Departement.objects.get(code="91")
    if not TerritoryRequest.objects.filter(departement=essonne).exists():
        request = services.request_submit(data={**ESSONNE, "departement": essonne}, language="fr")
        services.request_approve(request_id=request.pk, actor=admin)
        invitation = Invitation.objects.get(email=ESSONNE["email"], role=Role.COORDINATOR)
        coordinator = invitation_accept(invitation=invitation, user=None, password=DEMO_PASSWORD)
        territory = TerritoryRequest.objects.get(pk=request.pk).organisation
        _start_programme(territory, coordinator)
        commune_invitation_create(
            commune=Commune.objects.get(insee="91228"),
            territory=territory,
            email="agent@evry-courcouronnes.example.org",
            invited_by=coordinator,
            first_name="Hugo",
            last_name="Lambert",
        )
    if not TerritoryRequest.objects.filter(kind=OrganisationKind.REGION).exists():
        services.request_submit(
            data={
                "kind": OrganisationKind.REGION,
                "name": "Région Bretagne",
                "region": Region.objects.get(code="53"),
                "first_name": "Maëlle",
                "last_name": "Le Goff",
                "email": "bretagne@example.org",
                "job_title": "Chargée de mission transition numérique",
                "message": "Une école des agents de l'innovation pour les lycées et les EPCI.",
            },
            language="fr",
        )
    ctx.say("the platform administrator, the Essonne started by itself, a request waiting")


def _start_programme(territory, coordinator) -> None:
    from cohorts.services import programme_create  # noqa: PLC0415 -- the demo seeds run in order: the cohorts app's service, loaded when this seed runs

    programme_create(
        organisation=territory,
        actor=coordinator,
        data={
            "name": "Défis de l'Essonne",
            "description": "Des équipes d'étudiants sur les défis des communes de l'Essonne.",
            "team_min_size": 3,
            "team_max_size": 6,
            "team_min_disciplines": 2,
            "team_min_schools": 2,
            "dpo_email": "dpo@essonne.example.org",
            "retention_years": 3,
        },
    )
