"""Matrix rows of the territories' start (onboarding/urls.py, namespace "onboarding")."""

from tests.matrix import ANON_LOGIN, Row

# The platform's pages: its administrators only (the other side's too: they are the same
# platform); everyone else is refused.
PLATFORM_PAGE = {
    "anonymous": ANON_LOGIN,
    "platform_admin": 200,
    "other_platform_admin": 200,
    "default": 403,
}
PLATFORM_ACTION = {**PLATFORM_PAGE, "platform_admin": 302, "other_platform_admin": 302}


def build(world):
    from onboarding import services
    from territories.models import Departement, Region

    region, _ = Region.objects.get_or_create(code="11", defaults={"name": "Île-de-France"})
    departement, _ = Departement.objects.get_or_create(
        code="95", defaults={"name": "Val-d'Oise", "region": region}
    )
    world.objects["territory_request"] = services.request_submit(
        data={
            "kind": "departement",
            "name": "Département du Val-d'Oise",
            "departement": departement,
            "first_name": "Inès",
            "last_name": "Robert",
            "email": "ines.robert@valdoise.example.org",
            "job_title": "Directrice de l'innovation",
            "message": "Une année de défis.",
        },
        language="fr",
    )


def _request(w):
    return {"pk": w["territory_request"].pk}


ROWS = {
    # Public on purpose: any body may ask to start.
    "onboarding:request_create": Row({"default": 200}),
    "onboarding:request_sent": Row({"default": 200}),
    "onboarding:platform_home": Row(PLATFORM_PAGE),
    "onboarding:request_detail": Row(PLATFORM_PAGE, kwargs=_request),
    # The approval is tried once by each persona: the first administrator approves, the
    # second finds it decided (a message, still a redirect); nobody else reaches it.
    "onboarding:request_approve": Row(PLATFORM_ACTION, kwargs=_request, method="post"),
    # Without a reason the decline form comes back with its error.
    "onboarding:request_reject": Row(
        {**PLATFORM_PAGE, "platform_admin": 400, "other_platform_admin": 400},
        kwargs=_request,
        method="post",
    ),
}
