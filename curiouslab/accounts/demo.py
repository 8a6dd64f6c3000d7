"""Demo seed of the shared core: the geographic referential, the Hauts-de-Seine département, its communes and schools,
one demo account per role."""

from __future__ import annotations

from django.utils import translation

from curiouslab.accounts.models import Organisation, OrganisationKind, Role
from curiouslab.demo import DemoContext, ensure_membership, ensure_user
from curiouslab.french import de
from territories.referential import load_referential

COMMUNES = [
    ("Nanterre", "92050"),
    ("Boulogne-Billancourt", "92012"),
    ("Colombes", "92025"),
    ("Antony", "92002"),
    ("Rueil-Malmaison", "92063"),
    ("Issy-les-Moulineaux", "92040"),
    ("Gennevilliers", "92036"),
    ("Sceaux", "92071"),
]
SCHOOLS = [
    ("École d'ingénieurs Paris-Ouest", "0921234S", "Nanterre"),
    ("École de commerce de La Défense", "0925678X", "Courbevoie"),
    ("École de design de Boulogne", "0929012W", "Boulogne-Billancourt"),
]
DEMO_ACCOUNTS = [
    # email, first name, last name, role, organisation key
    ("coordinator@example.org", "Camille", "Durand", Role.COORDINATOR, "departement"),
    ("municipality@example.org", "Nadia", "Benali", Role.MUNICIPAL_STAFF, "commune:nanterre"),
    ("school@example.org", "Julien", "Moreau", Role.SCHOOL_REFERENT, "school:0"),
    ("student@example.org", "Léa", "Martin", Role.STUDENT, "school:0"),
    ("coach@example.org", "Thomas", "Petit", Role.COACH, "departement"),
    ("juror@example.org", "Isabelle", "Lefèvre", Role.JUROR, "departement"),
]


def _ville(name: str) -> str:
    """« Ville de Nanterre », « Ville d'Antony »: a French name whatever the language."""
    with translation.override("fr"):
        return f"Ville {de(name)}"


def _org(kind: str, name: str, slug: str, **extra) -> Organisation:
    org, _ = Organisation.objects.update_or_create(
        slug=slug, defaults={"kind": kind, "name": name, **extra}
    )
    return org


def seed(ctx: DemoContext) -> None:
    counts = load_referential()
    ctx.say(f"the referential: {counts['communes']} communes from {counts['source']}")
    dep = _org(
        OrganisationKind.DEPARTEMENT,
        "Département des Hauts-de-Seine",
        "hauts-de-seine",
        departement_id="92",
        city="Nanterre",
        website="https://www.hauts-de-seine.fr",
    )
    ctx["departement"] = dep
    for name, insee in COMMUNES:
        slug = name.lower().replace(" ", "-").replace("'", "")
        ctx[f"commune:{slug.split('-')[0]}"] = _org(
            OrganisationKind.MUNICIPALITY,
            _ville(name),
            slug,
            commune_id=insee,
            city=name,
            territory=dep,
        )
    for i, (name, uai, city) in enumerate(SCHOOLS):
        ctx[f"school:{i}"] = _org(
            OrganisationKind.SCHOOL,
            name,
            f"ecole-{uai.lower()}",
            uai=uai,
            city=city,
            territory=dep,
        )
    for email, first, last, role, org_key in DEMO_ACCOUNTS:
        user = ensure_user(email, first, last)
        extra = {"discipline": "ingénierie", "level": "Master 1"} if role == Role.STUDENT else {}
        ensure_membership(user, ctx[org_key], role, **extra)
        ctx[f"user:{role}"] = user
    # The demo municipal agent also sits on the jury: one person, several roles.
    ensure_membership(ctx[f"user:{Role.MUNICIPAL_STAFF}"], dep, Role.JUROR)
    ctx.say(f"{len(COMMUNES)} communes, {len(SCHOOLS)} schools, {len(DEMO_ACCOUNTS)} demo accounts")
