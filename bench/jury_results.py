"""Benchmark: the jury's results page at 50, 500 and 5,000 finalists (issue #19.1).

    python bench/jury_results.py [--database-url postgres://postgres@127.0.0.1:5432/cl_ranking]
        [--rounds 30] [--sizes 50,500,5000]

Creates the database if missing and migrates it, builds one closed jury per size (5 jurors,
4 weighted criteria, z-score normalisation, every juror marks every project, a comment on a
quarter of the marks) with bulk_create, closes each vote through the service (which computes
and stores the ranking: its time is printed), then requests, as the coordinator, in-process
(Django's test client) and alternating the sizes round after round: the results page's first
page, a page in the middle, and one project's arithmetic (the HTMX fragment). Prints per size
the median and 95th percentile wall clock, the processor time per request (95th percentile in
this process, Django and the driver; mean of the PostgreSQL backend), the bytes and the SQL
queries, then the ratio 5,000 ÷ 50, and the yardstick of ``bench/yardstick.py`` measured in
the same run, before and after, so that a figure from a slow day compares with one from a
fast day. ``bench/scaling.py`` requests the same pages beside the cohort's.
Targets: p95 < 100 ms and < 100 KB at 5,000 finalists; ratio 5,000 ÷ 50 under 1.5.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import yardstick  # noqa: E402
from cohorts_national import setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cl_ranking"
COORDINATOR_EMAIL = "bench.jury.coordinator@example.org"
JURORS = 5
WEIGHTS = (3, 2, 2, 1)
COMMENT = "Projet solide, bien présenté ; le prototype mérite d'être testé avec les habitants."


def build(sizes: list[int]):
    """One closed jury per size; returns the coordinator and {size: jury}."""
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from challenges.models import Challenge
    from cohorts.models import Cohort, Programme, Team
    from curiouslab.accounts.models import Membership, Organisation, User
    from trophies import services
    from trophies.models import Criterion, Finalist, Jury, JuryMember, JuryStatus, Score

    call_command("migrate", verbosity=0)
    dep, _ = Organisation.objects.get_or_create(
        slug="bench-jury-dep", defaults={"kind": "departement", "name": "Département bench"}
    )
    town, _ = Organisation.objects.get_or_create(
        slug="bench-jury-town",
        defaults={"kind": "municipality", "name": "Commune bench", "territory": dep},
    )
    programme, _ = Programme.objects.get_or_create(
        slug="bench-jury", defaults={"organisation": dep, "name": "Trophées bench"}
    )
    today = datetime.date(2026, 9, 1)
    cohort, _ = Cohort.objects.get_or_create(
        programme=programme,
        year=2026,
        defaults={
            "name": "Bench 2026",
            **dict.fromkeys(
                ["call_opens", "call_closes", "kickoff", "working_starts", "working_ends"], today
            ),
            "closing": today,
        },
    )
    coordinator, _ = User.objects.get_or_create(
        email=COORDINATOR_EMAIL,
        defaults={"first_name": "Claire", "last_name": "Bench"},
    )
    Membership.objects.get_or_create(user=coordinator, organisation=dep, role="coordinator")
    jurors = []
    for i in range(JURORS):
        user, _ = User.objects.get_or_create(
            email=f"bench.juror{i}@example.org",
            defaults={"first_name": f"Juré{i}", "last_name": "Bench"},
        )
        Membership.objects.get_or_create(user=user, organisation=dep, role="juror")
        jurors.append(user)
    challenges = list(Challenge.objects.filter(cohort=cohort)[:10])
    for i in range(len(challenges), 10):
        challenges.append(
            Challenge.objects.create(
                programme=programme,
                cohort=cohort,
                municipality=town,
                status="accepted",
                title=f"Défi bench {i}",
                question="Comment rapprocher les générations dans le quartier ?",
                theme="action_sociale",
            )
        )
    have = Team.objects.filter(cohort=cohort).count()
    Team.objects.bulk_create(
        [
            Team(
                cohort=cohort,
                name=f"Équipe bench {i}",
                challenge=challenges[i % 10],
                status=Team.Status.CONFIRMED,
            )
            for i in range(have, max(sizes))
        ],
        batch_size=5000,
    )
    teams = list(Team.objects.filter(cohort=cohort).order_by("pk")[: max(sizes)])
    Jury.objects.filter(cohort=cohort).delete()
    rng = random.Random(19)
    juries = {}
    for size in sizes:
        jury = Jury.objects.create(
            cohort=cohort,
            name=f"Jury bench {size}",
            normalisation="zscore",
            tie_break=["first_criterion", "lower_spread", "chair"],
            chair=coordinator,
        )
        members = [
            JuryMember.objects.create(jury=jury, user=u, email=u.email, name=str(u)) for u in jurors
        ]
        crits = [
            Criterion.objects.create(jury=jury, name=f"Critère {k + 1}", weight=w, order=k + 1)
            for k, w in enumerate(WEIGHTS)
        ]
        finalists = Finalist.objects.bulk_create(
            [
                Finalist(jury=jury, team=t, challenge_id=t.challenge_id, order=i + 1)
                for i, t in enumerate(teams[:size])
            ],
            batch_size=5000,
        )
        Score.objects.bulk_create(
            [
                Score(
                    jury=jury,
                    member=m,
                    finalist=f,
                    criterion=c,
                    value=rng.randint(0, 5),
                    comment=COMMENT if rng.random() < 0.25 else "",
                )
                for f in finalists
                for m in members
                for c in crits
            ],
            batch_size=5000,
        )
        Jury.objects.filter(pk=jury.pk).update(status=JuryStatus.OPEN, opened_at=timezone.now())
        jury.refresh_from_db()
        t = time.perf_counter()
        services.jury_set_status(jury=jury, status=JuryStatus.CLOSED, actor=coordinator)
        closing = time.perf_counter() - t
        print(
            f"{size:>5} finalists: {size * JURORS * len(WEIGHTS):>6} marks; closing the vote "
            f"(computes and stores the ranking) took {closing * 1000:.0f} ms",
            flush=True,
        )
        juries[size] = jury
    return coordinator, juries


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(round(len(values) * 0.95)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--sizes", default="50,500,5000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    setup_django(args.database_url)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from trophies.models import RankedFinalist
    from trophies.views import RESULTS_PAGE_SIZE

    database = args.database_url.rsplit("/", 1)[1]
    print(yardstick.line())
    coordinator, juries = build(sizes)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(coordinator)
    urls = {}
    for size, jury in juries.items():
        pages = -(-size // RESULTS_PAGE_SIZE)
        middle = RankedFinalist.objects.get(ranking__jury=jury, position=size // 2 + 1)
        urls[size] = {
            "results, page 1": (reverse("trophies:jury_results", args=[jury.pk]), {}),
            "results, middle page": (
                reverse("trophies:jury_results", args=[jury.pk]) + f"?page={pages // 2 + 1}",
                {},
            ),
            "one project's arithmetic (HTMX)": (
                reverse("trophies:jury_result_sheet", args=[jury.pk, middle.finalist_id]),
                {"HTTP_HX_REQUEST": "true"},
            ),
        }
    wall: dict = {}
    cpu: dict = {}
    pg: dict = {}
    size_of: dict = {}
    queries: dict = {}
    for size in sizes:  # warm up, count the queries and the bytes once
        for label, (url, headers) in urls[size].items():
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url, **headers)
            assert response.status_code == 200, (url, response.status_code)
            queries[size, label] = len(ctx.captured_queries)
            size_of[size, label] = len(response.content)
    for _ in range(args.rounds):  # alternate the sizes, round after round
        for size in sizes:
            for label, (url, headers) in urls[size].items():
                pg0 = yardstick.postgres_cpu_seconds(database)
                t, c = time.perf_counter(), time.process_time()
                client.get(url, **headers)
                wall.setdefault((size, label), []).append(time.perf_counter() - t)
                cpu.setdefault((size, label), []).append(time.process_time() - c)
                pg.setdefault((size, label), []).append(
                    yardstick.postgres_cpu_seconds(database) - pg0
                )

    print(f"\n{args.rounds} rounds, sizes alternating; Django test client, PostgreSQL")
    print(f"{'finalists':>9}  {'page':<34} {'median':>8} {'p95':>8} {'CPU p95':>8} {'PG cpu':>8} "
          f"{'bytes':>8} {'queries':>7}")  # fmt: skip
    for size in sizes:
        for label in urls[size]:
            w, c = wall[size, label], cpu[size, label]
            verdict = "OK" if p95(w) < 0.1 and size_of[size, label] < 100_000 else "TOO SLOW/BIG"
            print(
                f"{size:>9}  {label:<34} {statistics.median(w) * 1000:>6.1f}ms "
                f"{p95(w) * 1000:>6.1f}ms {p95(c) * 1000:>6.1f}ms "
                f"{statistics.mean(pg[size, label]) * 1000:>6.1f}ms {size_of[size, label]:>8} "
                f"{queries[size, label]:>7}  {verdict}"
            )
    lo, hi = min(sizes), max(sizes)
    print(f"\nratio {hi} ÷ {lo} (p95 wall clock; target under 1.5):")
    for label_lo, label_hi in zip(urls[lo], urls[hi], strict=True):
        ratio = p95(wall[hi, label_hi]) / p95(wall[lo, label_lo])
        print(f"  {label_hi:<34} {ratio:.2f}")
    print(yardstick.line())


if __name__ == "__main__":
    main()
