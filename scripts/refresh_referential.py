"""Rebuild territories/data/referential.json.gz from the @etalab/decoupage-administratif package.

The package (Licence Ouverte, Etalab / DINUM) publishes the code officiel géographique of the
INSEE with the DGCL's list of EPCI à fiscalité propre, the legal populations and La Poste's
postcodes; one major version a year (6.x holds the 1 January 2026 geography). To refresh:

    npm pack @etalab/decoupage-administratif@<version>      # from the npm registry
    tar xzf etalab-decoupage-administratif-<version>.tgz
    python scripts/refresh_referential.py package/          # writes the shipped file
    python manage.py load_referential                       # updates the database

Only what the platform uses is kept: régions, départements, EPCI à fiscalité propre and the
communes actuelles (not the communes déléguées or associées, nor the municipal arrondissements
of Paris, Lyon and Marseille), each with its name, its département, its EPCI, its population and
its postcodes.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "territories" / "data" / "referential.json.gz"


def build(package: Path) -> dict:
    data = package / "data"
    meta = json.loads((package / "package.json").read_text())

    def load(name):
        return json.loads((data / f"{name}.json").read_text())

    epci_of: dict[str, str] = {}
    epcis = []
    for e in sorted(load("epci"), key=lambda e: e["code"]):
        epcis.append([e["code"], e["nom"], e["type"], e.get("populationTotale") or 0])
        for member in e["membres"]:
            epci_of[member["code"]] = e["code"]
    communes = [
        [
            c["code"],
            c["nom"],
            c["departement"],
            epci_of.get(c["code"], ""),
            c.get("population") or 0,
            " ".join(c.get("codesPostaux", [])),
        ]
        for c in sorted(load("communes"), key=lambda c: c["code"])
        if c["type"] == "commune-actuelle"
    ]
    return {
        "source": f"{meta['name']} {meta['version']} (Licence Ouverte 2.0)",
        "regions": [
            [r["code"], r["nom"]] for r in sorted(load("regions"), key=lambda r: r["code"])
        ],
        "departements": [
            [d["code"], d["nom"], d["region"]]
            for d in sorted(load("departements"), key=lambda d: d["code"])
        ],
        "epci": epcis,
        "communes": communes,
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    referential = build(Path(sys.argv[1]))
    payload = json.dumps(referential, ensure_ascii=False, separators=(",", ":")).encode()
    OUT.write_bytes(gzip.compress(payload, mtime=0))
    print(
        f"{OUT}: {len(referential['regions'])} régions, {len(referential['departements'])} "
        f"départements, {len(referential['epci'])} EPCI, {len(referential['communes'])} communes "
        f"from {referential['source']} ({OUT.stat().st_size // 1024} KiB)"
    )
