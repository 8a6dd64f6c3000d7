"""Load test of the sprint's public registration (issue #17, point 8), against the real server.

Starts gunicorn on 127.0.0.1 over a fresh PostgreSQL database, creates a sprint edition with
six sites (900 places for 1,000 people: some sites fill and keep a waiting list), then sends
the 1,000 registrations over 50 connections — and 50 of them twice at the same moment (a
participant who double-clicks on two phones). Reports throughput, median and 95th percentile
latency, and checks that no registration is lost or duplicated, that no site ever has more
confirmed participants than places (the database decides: a conditional UPDATE on the site's
counter and a check constraint), and that every site's counter equals its confirmed rows.

    python bench/sprint_registration.py [--people 1000] [--connections 50] [--workers N]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Redis. Target on the 2-core
machine: p95 under 300 ms, no 5xx, integrity OK.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import yardstick  # noqa: E402
from jury_load import CSRF, free_port, recreate_database, start_server  # noqa: E402

PYTHON = sys.executable
CAPACITIES = [200, 150, 150, 150, 150, 100]  # 900 places
CITIES = ["Rennes", "Aix-en-Provence", "Cluny", "La Réunion", "Martinique", "Strasbourg"]
ZONES = [
    "Europe/Paris",
    "Europe/Paris",
    "Europe/Paris",
    "Indian/Reunion",
    "America/Martinique",
    "Europe/Paris",
]
JOBS = ["management", "social", "education", "culture", "urban", "technical", "digital"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--people", type=int, default=1000)
    p.add_argument("--doubles", type=int, default=50, help="registrations sent twice at once")
    p.add_argument("--connections", type=int, default=50)
    p.add_argument("--workers", type=int)
    p.add_argument("--threads", type=int)
    p.add_argument("--worker-class")
    p.add_argument("--gunicorn", default="")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--db", default="cl_wt17")
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/6")
    return p.parse_args()


def prepare(args, env) -> dict:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import datetime

    from django.utils import timezone

    from challenges.models import Challenge
    from cohorts.models import Cohort, Programme, Team
    from curiouslab.accounts.models import Organisation
    from sprints.models import Edition, Site, SiteChallenge

    today = timezone.localdate()
    org = Organisation.objects.create(kind="cnfpt", name="CNFPT banc", slug="cnfpt-bench")
    town = Organisation.objects.create(kind="municipality", name="Commune", slug="c", territory=org)
    programme = Programme.objects.create(
        organisation=org, name="Banc", slug="banc", format="sprint"
    )
    cohort = Cohort.objects.create(
        programme=programme,
        name="Banc",
        year=2026,
        call_opens=today,
        call_closes=today,
        kickoff=today,
        working_starts=today,
        working_ends=today,
        closing=today,
    )
    edition = Edition.objects.create(
        cohort=cohort, registration_closes=timezone.now() + datetime.timedelta(days=1)
    )
    sites = []
    for i, (city, zone, capacity) in enumerate(zip(CITIES, ZONES, CAPACITIES, strict=True)):
        site = Site.objects.create(
            edition=edition, city=city, slug=f"s{i}", venue="x", time_zone=zone, capacity=capacity
        )
        stands = []
        for k in range(3):
            challenge = Challenge.objects.create(
                programme=programme,
                municipality=town,
                cohort=cohort,
                call=cohort,
                status="accepted",
                title=f"Défi {i}-{k}",
                question="Comment ?",
                theme="culture",
            )
            team = Team.objects.create(cohort=cohort, name=f"Équipe {i}-{k}", challenge=challenge)
            stands.append(
                SiteChallenge.objects.create(site=site, challenge=challenge, team=team).pk
            )
        sites.append((site.pk, stands))
    tasks = []
    for n in range(args.people):
        site, stands = sites[n % len(sites)]
        tasks.append(
            {
                "site": site,
                "first_name": "Agent",
                "last_name": str(n),
                "email": f"agent{n}@bench.example.org",
                "collectivite": f"Ville {n % 40}",
                "job_family": JOBS[n % len(JOBS)],
                "choice_1": stands[n % 3],
                "choice_2": stands[(n + 1) % 3],
                "choice_3": stands[(n + 2) % 3],
                "website": "",
            }
        )
    # Some people send theirs twice at once: the copy follows its original in the queue, so
    # two connections send both within a few milliseconds.
    step = max(args.people // max(args.doubles, 1), 1)
    doubled = []
    for n, task in enumerate(tasks):
        doubled.append(task)
        if n % step == 0 and n // step < args.doubles:
            doubled.append(dict(task))
    tasks = doubled
    return {"edition": edition.pk, "tasks": tasks}


def load(args, tasks, path):
    lock = threading.Lock()
    queue = list(reversed(tasks))
    results: list[tuple[int, float]] = []
    errors: list[BaseException] = []

    def worker():
        conn = None
        while True:
            with lock:
                if not queue:
                    return
                data = queue.pop()
            body = urlencode(data)
            headers = {
                "Cookie": f"csrftoken={CSRF}",
                "X-CSRFToken": CSRF,
                "Content-Type": "application/x-www-form-urlencoded",
                "Host": f"127.0.0.1:{args.port}",
            }
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
                started = time.perf_counter()
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except BaseException as exc:  # recorded, reported below
                errors.append(exc)
                status, started = 0, time.perf_counter()
                conn = None
            with lock:
                results.append((status, time.perf_counter() - started))

    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors, time.perf_counter() - started


def verify(prepared, people: int) -> list[str]:
    from django.db.models import Count, Q

    from sprints.models import Registration, Site

    problems = []
    rows = Registration.objects.filter(edition_id=prepared["edition"])
    emails = Counter(rows.values_list("email", flat=True))
    if len(emails) != people:
        problems.append(f"{len(emails)} people registered, {people} sent (lost)")
    dupes = [e for e, n in emails.items() if n > 1]
    if dupes:
        problems.append(f"{len(dupes)} people registered twice, e.g. {dupes[0]}")
    for site in Site.objects.filter(edition_id=prepared["edition"]).annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
        sent=Count("registrations"),
    ):
        if site.confirmed > site.capacity:
            problems.append(f"{site.city}: {site.confirmed} confirmed for {site.capacity} places")
        if site.registered != site.confirmed:
            problems.append(f"{site.city}: counter {site.registered}, {site.confirmed} confirmed")
        if site.confirmed != min(site.capacity, site.sent):
            problems.append(
                f"{site.city}: {site.confirmed} confirmed of {site.sent} for {site.capacity}"
            )
    return problems


def main() -> int:
    args = parse_args()
    args.port = args.port or free_port()
    env = {
        "DATABASE_URL": f"{args.pg}/{args.db}",
        "REDIS_URL": args.redis,
        "DEBUG": "false",
        "ADMIN_URL": "bench-admin-not-public/",
        "MFA_ENCRYPTION_KEY": "YmVuY2gtb25seS1tZmEta2V5LW5vdC1zZWNyZXQhISE=",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "VAR_DIR": tempfile.mkdtemp(prefix="curiouslab-sprint-bench-"),
        "MFA_REQUIRED_FOR_COORDINATORS": "false",
        "DJANGO_SETTINGS_MODULE": "curiouslab.settings",
        "LOG_LEVEL": "WARNING",
        # One load generator is one address: the per-connection limit would stop it.
        "SPRINT_REGISTRATION_RATE": "100000/m/ip,10/m/key",
    }
    t0 = time.perf_counter()
    recreate_database(args.pg, args.db)
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )
    prepared = prepare(args, env)
    tasks = prepared["tasks"]
    path = f"/sprints/{prepared['edition']}/inscription/"
    print(f"prepared {len(tasks)} registrations in {time.perf_counter() - t0:.1f} s")
    server = start_server(args, env)
    try:
        results, errors, elapsed = load(args, tasks, path)
    finally:
        yardstick.stop_server(server)
    latencies = sorted(s for _st, s in results)
    statuses = Counter(st for st, _s in results)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    print(f"requests     {len(results)} over {args.connections} connections")
    print(f"total        {elapsed:.2f} s   throughput {len(results) / elapsed:.0f} req/s")
    print(
        f"latency      median {statistics.median(latencies) * 1000:.0f} ms   "
        f"p95 {p95 * 1000:.0f} ms   max {latencies[-1] * 1000:.0f} ms"
    )
    print(yardstick.line())
    print("statuses     " + ", ".join(f"{st}: {n}" for st, n in sorted(statuses.items())))
    problems = verify(prepared, args.people)
    server_errors = sum(n for st, n in statuses.items() if st >= 500 or st == 0)
    if server_errors:
        problems.append(f"{server_errors} server errors or failed requests")
    if errors:
        problems.append(f"{len(errors)} client errors, first: {errors[0]!r}")
    print(
        "integrity    "
        + (
            "OK: none lost or duplicated, no site over its capacity"
            if not problems
            else "; ".join(problems)
        )
    )
    print(f"verdict      p95 under 300 ms: {'met' if p95 < 0.3 else 'NOT met'}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
