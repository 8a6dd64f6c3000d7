"""Benchmark: full-text search of the review queue over 40,000 challenges on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cl_bench_challenges \
        /work/main/.venv/bin/python bench/challenges_search.py

Creates the database if missing, migrates it, generates the challenges once (bulk_create;
the PostgreSQL trigger fills their French search vectors), then runs the coordinator's
review-queue search as the view does (count + first page, ranked) and prints the median and
95th percentile. Target: under 100 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import yardstick  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cl_bench_challenges"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curiouslab.settings")
os.environ.setdefault("DEBUG", "true")

TOTAL = int(os.environ.get("BENCH_CHALLENGES", "40000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
QUERIES = [
    "natation",
    "inscription piscine",
    "marché durable",
    "jardins partagés",
    "vélo gare",
    "numérique collège",
    "seniors démarches en ligne",
    "kiosque citoyen",
    "fablab",
    "gaspillage cantine",
    "maison intergénérationnelle",
    "créateurs d'entreprise",
    "signalétique",
    "quartier",  # a frequent word: many matches to rank
    "zzzz introuvable",
]

SUBJECTS = [
    ("sports_loisirs", "l'inscription à l'école de natation", "piscine familles créneaux"),
    ("democratie_locale", "un kiosque citoyen", "habitants consultation projets quartier"),
    ("economie", "un marché durable", "producteurs locaux emballages consigne"),
    ("culture", "un laboratoire numérique itinérant", "collégiens fabrication numérique atelier"),
    ("economie", "un guichet unique des créateurs d'entreprise", "démarches porteurs projet"),
    ("action_sociale", "une maison intergénérationnelle", "seniors isolement jeunes familles"),
    ("economie", "un fablab de quartier", "artisans imprimante 3D jeunes"),
    ("transports_mobilite", "le stationnement vélo près des gares", "vols RER cyclistes"),
    ("urbanisme", "des cours d'école oasis", "fraîcheur végétalisation élèves"),
    ("modernisation", "les démarches en ligne des seniors", "accompagnement numérique aidants"),
    ("amenagement", "des jardins partagés", "pieds d'immeubles bailleur locataires"),
    ("accueil", "un accueil unique en mairie", "orientation usagers signalétique"),
    ("action_sociale", "moins de gaspillage dans les cantines", "repas restauration scolaire"),
]
PLACES = ["centre-ville", "quartier nord", "quartier sud", "zone d'activité", "bords de Seine"]
VERBS = ["améliorer", "simplifier", "repenser", "faciliter", "développer", "rendre accessible"]


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def generate() -> object:
    from django.utils import timezone

    from challenges.models import Challenge, ChallengeStatus
    from cohorts.models import Cohort, Programme
    from curiouslab.accounts.models import Membership, Organisation, Role, User

    dep, _ = Organisation.objects.get_or_create(
        slug="bench-departement", defaults={"kind": "departement", "name": "Département bench"}
    )
    coordinator, _ = User.objects.get_or_create(
        email="bench.coordinator@example.org", defaults={"first_name": "B", "last_name": "C"}
    )
    Membership.objects.get_or_create(user=coordinator, organisation=dep, role=Role.COORDINATOR)
    existing = Challenge.objects.filter(programme__organisation=dep).count()
    if existing >= TOTAL:
        print(f"{existing} challenges already there")
        return coordinator
    programme, _ = Programme.objects.get_or_create(
        slug="bench-programme", defaults={"organisation": dep, "name": "Programme bench"}
    )
    import datetime

    cohorts = []
    for year in range(2017, 2027):
        d = datetime.date
        cohort, _ = Cohort.objects.get_or_create(
            programme=programme,
            year=year,
            defaults={
                "name": f"Bench {year}",
                "call_opens": d(year, 5, 1),
                "call_closes": d(year, 12, 15),
                "kickoff": d(year + 1, 1, 15),
                "working_starts": d(year + 1, 1, 16),
                "working_ends": d(year + 1, 6, 5),
                "closing": d(year + 1, 6, 20),
            },
        )
        cohorts.append(cohort)
    towns = [
        Organisation.objects.get_or_create(
            slug=f"bench-commune-{i}",
            defaults={"kind": "municipality", "name": f"Commune {i}", "territory": dep},
        )[0]
        for i in range(100)
    ]
    rng = random.Random(42)
    statuses = [s for s in ChallengeStatus.values if s != ChallengeStatus.DRAFT]
    now = timezone.now()
    batch: list[Challenge] = []
    started = time.perf_counter()
    for n in range(existing, TOTAL):
        theme, subject, words = rng.choice(SUBJECTS)
        place = rng.choice(PLACES)
        batch.append(
            Challenge(
                programme=programme,
                municipality=rng.choice(towns),
                call=rng.choice(cohorts),
                status=rng.choice(statuses),
                theme=theme,
                title=f"{subject[0].upper()}{subject[1:]} ({place}) n°{n}",
                question=f"Comment {rng.choice(VERBS)} {subject} dans le {place} ?",
                territory=place,
                stakes=f"Enjeux : {words}. " * 3,
                users_concerned="Habitants, usagers, agents municipaux.",
                expected_outcome="Des scénarios puis un prototype testé avec les usagers.",
                submitted_at=now - datetime.timedelta(minutes=n),
            )
        )
        if len(batch) == 2000:
            Challenge.objects.bulk_create(batch)
            batch.clear()
    if batch:
        Challenge.objects.bulk_create(batch)
    print(f"generated {TOTAL - existing} challenges in {time.perf_counter() - started:.1f} s")
    return coordinator


def main() -> None:
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection

    from challenges.selectors import challenges_for_review, search

    if not settings.USING_POSTGRESQL:
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    coordinator = generate()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE challenges_challenge")

    def run(text: str) -> float:
        started = time.perf_counter()
        qs = search(challenges_for_review(coordinator).order_by("-submitted_at", "-id"), text)
        page = Paginator(qs, 20).get_page(1)
        rows = list(page)
        _ = page.paginator.count
        elapsed = (time.perf_counter() - started) * 1000
        run.last = (len(rows), page.paginator.count)
        return elapsed

    for text in QUERIES:  # warm-up
        run(text)
    timings: list[float] = []
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    print(yardstick.line())
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    cpu0, pg0 = time.process_time(), yardstick.postgres_cpu_seconds(database)
    for _ in range(ROUNDS):
        for text in QUERIES:
            ms = run(text)
            timings.append(ms)
            per_query[text].append(ms)
    cpu_ms = (time.process_time() - cpu0) / len(timings) * 1000
    pg_ms = (yardstick.postgres_cpu_seconds(database) - pg0) / len(timings) * 1000
    total = challenges_for_review(coordinator).count()
    print(f"search over {total} challenges, {len(timings)} searches ({ROUNDS} rounds)")
    for text, values in per_query.items():
        run(text)
        print(f"  {text!r:32} {statistics.median(values):7.1f} ms  ({run.last[1]} matches)")
    timings.sort()
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    median = statistics.median(timings)
    print(f"median {median:.1f} ms   p95 {p95:.1f} ms   target < 100 ms")
    print(f"cpu/search   this process {cpu_ms:.1f} ms   PostgreSQL {pg_ms:.1f} ms")
    print(yardstick.line())
    print("OK" if p95 < 100 else "SLOWER THAN THE TARGET")


if __name__ == "__main__":
    main()
