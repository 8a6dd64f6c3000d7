"""Referential rows for tests: a commune and the département and région it needs."""

from territories.models import Commune, Departement, Region
from territories.referential import normalise


def departement(code: str, name: str = "") -> Departement:
    region, _ = Region.objects.get_or_create(code="11", defaults={"name": "Île-de-France"})
    dep, _ = Departement.objects.get_or_create(
        code=code, defaults={"name": name or f"Département {code}", "region": region}
    )
    return dep


def commune(
    insee: str, name: str, dep: str, *, population: int = 1000, postcodes: str = ""
) -> Commune:
    return Commune.objects.create(
        insee=insee,
        name=name,
        search_name=normalise(name),
        departement=departement(dep),
        population=population,
        postcodes=postcodes,
    )
