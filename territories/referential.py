"""Loading the shipped referential (``data/referential.json.gz``, built from the
``@etalab/decoupage-administratif`` package by ``scripts/refresh_referential.py``).

``load_referential()`` is idempotent: it inserts what is missing and updates what changed, by
primary key (the INSEE or SIREN code), in a few bulk statements; loading it twice changes
nothing. A commune that left the file (a merger) stays in the table while an organisation
points at it, so nothing that refers to it breaks.
"""

from __future__ import annotations

import gzip
import json
import unicodedata
from pathlib import Path

from django.apps import apps as django_apps
from django.db import transaction

DATA_FILE = Path(__file__).resolve().parent / "data" / "referential.json.gz"
BATCH = 2000
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_SEPARATORS = str.maketrans({"-": " ", "'": " ", "’": " ", ".": " "})


def normalise(text: str) -> str:
    """« Évry-Courcouronnes » → « evry courcouronnes »: no accents, lower case, words."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().translate(_SEPARATORS).split())


def read(path: Path = DATA_FILE) -> dict:
    return json.loads(gzip.decompress(path.read_bytes()))


def _upsert(model, rows: list, fields: list[str]) -> None:
    pk = model._meta.pk.name
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(
            rows[start : start + BATCH],
            update_conflicts=True,
            unique_fields=[pk],
            update_fields=fields,
        )


def load_referential(path: Path = DATA_FILE, apps=django_apps) -> dict[str, int]:
    """Insert or update every entry of the file; returns the count of each kind."""
    data = read(path)
    region = apps.get_model("territories", "Region")
    departement = apps.get_model("territories", "Departement")
    epci = apps.get_model("territories", "Epci")
    commune = apps.get_model("territories", "Commune")
    with transaction.atomic():
        _upsert(region, [region(code=c, name=n) for c, n in data["regions"]], ["name"])
        _upsert(
            departement,
            [departement(code=c, name=n, region_id=r) for c, n, r in data["departements"]],
            ["name", "region"],
        )
        _upsert(
            epci,
            [epci(siren=s, name=n, kind=k, population=p) for s, n, k, p in data["epci"]],
            ["name", "kind", "population"],
        )
        _upsert(
            commune,
            [
                commune(
                    insee=code,
                    name=name,
                    search_name=normalise(name),
                    departement_id=dep,
                    epci_id=epci_siren or None,
                    population=population,
                    postcodes=postcodes,
                )
                for code, name, dep, epci_siren, population, postcodes in data["communes"]
            ],
            ["name", "search_name", "departement", "epci", "population", "postcodes"],
        )
    return {
        "regions": len(data["regions"]),
        "departements": len(data["departements"]),
        "epci": len(data["epci"]),
        "communes": len(data["communes"]),
        "source": data["source"],
    }
