"""Generate a national-scale database (DESIGN.md: 100 départements × 10 cohorts × 40
challenges, 30 teams and 150 students a cohort) on PostgreSQL with bulk_create, then
benchmark the cohort dashboard and the main lists against a real server (gunicorn on
127.0.0.1), printing median, p95 and the number of SQL queries per page.

    python bench/cohorts_national.py --database-url postgres://postgres@127.0.0.1:5432/cl_bench \
        --scale 0.05 --requests 200

--scale shrinks the number of départements (1.0 = the full national instance; the
benchmark cohort of 500 students, or --bench-students, is always built). --skip-generate reuses the data.
Target: p95 < 100 ms and at most 12 queries for the dashboard of the benchmark cohort, at 500
students and at 25,000 (5,000 teams: --bench-students 25000).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import yardstick  # noqa: E402

DEPARTEMENTS = 100
COHORTS = 10
CHALLENGES = 40
TEAMS = 30
STUDENTS = 150
MUNICIPALITIES = 12
SCHOOLS = 5
BENCH_STUDENTS = 500
BATCH = 5000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument(
        "--bench-students",
        type=int,
        default=BENCH_STUDENTS,
        help="students of the benchmark cohort, 5 a team (25000: 5,000 teams, issue #19)",
    )
    return parser.parse_args()


def setup_django(database_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "curiouslab.settings",
            "DATABASE_URL": database_url,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key-not-for-production"),
            "DEBUG": "false",
            "ADMIN_URL": "bench-admin-not-public/",
            "MFA_ENCRYPTION_KEY": "YmVuY2gtb25seS1tZmEta2V5LW5vdC1zZWNyZXQhISE=",
            "MFA_REQUIRED_FOR_COORDINATORS": "false",
            "VAR_DIR": os.environ.get("VAR_DIR", str(ROOT / "var" / "bench")),
            "LOG_LEVEL": "WARNING",
        }
    )
    create_database(database_url)
    import django

    django.setup()


def create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def bulk(model, objects):
    return model.objects.bulk_create(objects, batch_size=BATCH)


def generate(scale: float, bench_students: int = BENCH_STUDENTS) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from challenges.models import Challenge
    from cohorts.models import (
        Cohort,
        Deliverable,
        DeliverableFile,
        DeliverableVersion,
        KickoffScenario,
        Milestone,
        Programme,
        SchoolEnrolment,
        Team,
        TeamMember,
    )
    from curiouslab.accounts.models import Membership, Organisation, Role, User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:  # start from an empty database
        tables = connection.introspection.django_table_names(include_views=False)
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    rng = random.Random(42)
    deps_n = max(1, round(DEPARTEMENTS * scale))
    now = timezone.now()
    deps = bulk(
        Organisation,
        [
            Organisation(kind="departement", name=f"Département {i}", slug=f"dep-{i}")
            for i in range(deps_n)
        ],
    )
    munis = bulk(
        Organisation,
        [
            Organisation(
                kind="municipality",
                name=f"Commune {d.pk}-{j}",
                slug=f"commune-{d.pk}-{j}",
                territory=d,
            )
            for d in deps
            for j in range(MUNICIPALITIES)
        ],
    )
    schools = bulk(
        Organisation,
        [
            Organisation(
                kind="school", name=f"École {d.pk}-{j}", slug=f"ecole-{d.pk}-{j}", territory=d
            )
            for d in deps
            for j in range(SCHOOLS)
        ],
    )
    munis_of = {d.pk: [m for m in munis if m.territory_id == d.pk] for d in deps}
    schools_of = {d.pk: [s for s in schools if s.territory_id == d.pk] for d in deps}
    coordinator = User(
        email="coordinator@bench.example.org", first_name="Camille", last_name="Bench"
    )
    coordinator.set_password("bench-password-123")
    coordinator.save()
    Membership.objects.create(user=coordinator, organisation=deps[0], role=Role.COORDINATOR)
    programmes = bulk(
        Programme,
        [
            Programme(organisation=d, name=f"Programme {d.name}", slug=f"programme-{d.pk}")
            for d in deps
        ],
    )
    cohorts = []
    for p in programmes:
        for k in range(COHORTS):
            year = 2017 + k
            d = datetime.date
            cohorts.append(
                Cohort(
                    programme=p,
                    year=year,
                    name=f"Promotion {year}-{year + 1}",
                    call_opens=d(year, 5, 1),
                    call_closes=d(year, 12, 15),
                    kickoff=d(year + 1, 1, 15),
                    working_starts=d(year + 1, 1, 16),
                    working_ends=d(year + 1, 6, 5),
                    closing=d(year + 1, 6, 20),
                )
            )
    cohorts = bulk(Cohort, cohorts)
    # The benchmark cohort: département 0's latest, with 500 students in 100 teams.
    bench_cohort = [c for c in cohorts if c.programme_id == programmes[0].pk][-1]
    milestones = bulk(
        Milestone,
        [
            Milestone(
                cohort=c,
                kind=kind,
                name=name,
                deadline=timezone.make_aware(datetime.datetime(c.year + 1, month, 1)),
            )
            for c in cohorts
            for kind, name, month in (
                ("scenario", "Premier scénario", 1),
                ("prototype", "Prototype", 3),
                ("final", "Projet final", 6),
            )
        ],
    )
    milestones_of = {}
    for m in milestones:
        milestones_of.setdefault(m.cohort_id, []).append(m)
    challenges = []
    for c in cohorts:
        dep_id = next(p.organisation_id for p in programmes if p.pk == c.programme_id)
        n = max(100, bench_students // 25) if c.pk == bench_cohort.pk else CHALLENGES
        for j in range(n + 10):
            in_cohort = j < n
            challenges.append(
                Challenge(
                    programme_id=c.programme_id,
                    municipality=rng.choice(munis_of[dep_id]),
                    cohort=c if in_cohort else None,
                    status="accepted"
                    if in_cohort
                    else rng.choice(["submitted", "declined", "draft"]),
                    title=f"Défi {c.pk}-{j}",
                    question="Comment mieux faire ensemble ?",
                    theme="urbanisme",
                )
            )
    challenges = bulk(Challenge, challenges)
    challenges_of = {}
    for ch in challenges:
        if ch.cohort_id:
            challenges_of.setdefault(ch.cohort_id, []).append(ch)
    enrolments = []
    for c in cohorts:
        dep_id = next(p.organisation_id for p in programmes if p.pk == c.programme_id)
        for s in schools_of[dep_id]:
            enrolments.append(
                SchoolEnrolment(
                    cohort=c,
                    school=s,
                    status="approved",
                    disciplines=["ingénierie", "commerce", "design"],
                )
            )
    bulk(SchoolEnrolment, enrolments)
    # Students: one user and membership each.
    total_students = sum(bench_students if c.pk == bench_cohort.pk else STUDENTS for c in cohorts)
    users = bulk(
        User,
        [
            User(
                email=f"etudiant{i}@bench.example.org",
                first_name="Étudiant",
                last_name=f"N°{i}",
                password="!",
            )
            for i in range(total_students)
        ],
    )
    disciplines = ["ingénierie", "commerce", "design"]
    memberships, teams, members_plan = [], [], []
    cursor_ = 0
    for c in cohorts:
        dep_id = next(p.organisation_id for p in programmes if p.pk == c.programme_id)
        n = bench_students if c.pk == bench_cohort.pk else STUDENTS
        team_n = n // 5
        cohort_teams = [
            Team(
                cohort=c,
                name=f"Équipe {j}",
                status="confirmed" if j % 4 else "forming",
                challenge=challenges_of[c.pk][j % len(challenges_of[c.pk])],
            )
            for j in range(team_n)
        ]
        teams.extend(cohort_teams)
        for j in range(n):
            user = users[cursor_]
            cursor_ += 1
            school = schools_of[dep_id][j % SCHOOLS]
            discipline = disciplines[j % 3]
            memberships.append(
                Membership(user=user, organisation=school, role=Role.STUDENT, discipline=discipline)
            )
            members_plan.append((c, j % team_n, len(teams) - team_n, user, school, discipline))
    bulk(Membership, memberships)
    teams = bulk(Team, teams)
    bulk(
        TeamMember,
        [
            TeamMember(
                team=teams[offset + idx], cohort=c, user=user, school=school, discipline=discipline
            )
            for c, idx, offset, user, school, discipline in members_plan
        ],
    )
    scenarios = bulk(
        KickoffScenario,
        [
            KickoffScenario(
                team=t,
                challenge_id=t.challenge_id,
                text="Scénario de lancement.",
                selected=i % 3 == 0,
            )
            for i, t in enumerate(teams)
        ],
    )
    deliverables = bulk(
        Deliverable,
        [
            Deliverable(
                team=t,
                milestone=m,
                version_count=2,
                first_submitted_at=m.deadline - datetime.timedelta(days=rng.choice([-2, 3, 5])),
                last_submitted_at=m.deadline,
            )
            for t in teams
            for m in milestones_of[t.cohort_id]
            if rng.random() < 0.9
        ],
    )
    versions = bulk(
        DeliverableVersion,
        [
            DeliverableVersion(deliverable=d, number=n, note="Version")
            for d in deliverables
            for n in (1, 2)
        ],
    )
    for start in range(0, len(versions), BATCH):
        bulk(
            DeliverableFile,
            [
                DeliverableFile(
                    version=v,
                    path=f"bench/{v.pk}.pdf",
                    original_name="livrable.pdf",
                    content_type="application/pdf",
                    size=12345,
                )
                for v in versions[start : start + BATCH]
            ],
        )
    # The benchmark cohort's attendance: five ended working sessions for the students' role,
    # one for each tenth of its teams, attended by four students in five.
    from sessions.models import Attendance, InvitedRole, Session

    sessions = bulk(
        Session,
        [
            Session(
                cohort=bench_cohort,
                kind="working",
                title=f"Séance {k}",
                starts_at=now - datetime.timedelta(days=30 - k),
                ends_at=now - datetime.timedelta(days=30 - k, hours=-3),
            )
            for k in range(15)
        ],
    )
    bulk(InvitedRole, [InvitedRole(session=s, role=Role.STUDENT) for s in sessions[:5]])
    bench_teams = [t for t in teams if t.cohort_id == bench_cohort.pk]
    through = Session.invited_teams.through
    bulk(
        through,
        [
            through(session_id=sessions[5 + i % 10].pk, team_id=t.pk)
            for i, t in enumerate(bench_teams)
        ],
    )
    bench_members = [p for p in members_plan if p[0].pk == bench_cohort.pk]
    attendances = [
        Attendance(session=s, user=p[3], present=True, method="roll_call")
        for i, p in enumerate(bench_members)
        for s in sessions[:5]
        if (i + s.pk) % 5
    ]
    for start in range(0, len(attendances), BATCH):
        bulk(Attendance, attendances[start : start + BATCH])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    print(
        f"generated in {elapsed:.0f} s: {deps_n} départements, {len(cohorts)} cohorts, "
        f"{len(challenges)} challenges, {len(teams)} teams, {total_students} students, "
        f"{len(scenarios)} scenarios, {len(versions)} deliverable versions and files"
    )
    return {"bench_cohort": bench_cohort.pk, "now": now}


def pages(bench_cohort: int) -> dict[str, str]:
    from cohorts.models import Milestone

    milestone = Milestone.objects.filter(cohort_id=bench_cohort).order_by("deadline").first()
    return {
        "dashboard": f"/cohorts/{bench_cohort}/dashboard/",
        "team list": f"/cohorts/{bench_cohort}/teams/",
        "team list, rule not met": f"/cohorts/{bench_cohort}/teams/?show=unmet",
        "cohort challenges": f"/cohorts/{bench_cohort}/challenges/",
        "schools": f"/cohorts/{bench_cohort}/schools/",
        "milestone, missing": f"/cohorts/milestones/{milestone.pk}/?state=missing",
        "teams I follow": "/cohorts/teams/",
        "cohort list": "/cohorts/",
    }


def query_counts(urls: dict[str, str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from curiouslab.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(
        User.objects.get(email="coordinator@bench.example.org"),
        backend="curiouslab.accounts.backends.ModelBackend",
    )
    counts = {}
    for name, url in urls.items():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[name] = len(ctx.captured_queries)
    return counts


def session_cookie() -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from curiouslab.accounts.models import User

    user = User.objects.get(email="coordinator@bench.example.org")
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "curiouslab.accounts.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def serve(port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "curiouslab.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        # gunicorn.conf.py (read from ROOT) as in production, without the access log's
        # thousand lines on the terminal.
        env={**os.environ, "GUNICORN_ACCESS_LOG": ""},
        start_new_session=True,  # its own process group: its processor time, its stop
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def measure(port: int, url: str, cookie: str, n: int) -> list[float]:
    timings = []
    request = urllib.request.Request(f"http://127.0.0.1:{port}{url}", headers={"Cookie": cookie})
    for i in range(n + 5):
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http://127.0.0.1
            response.read()
            assert response.status == 200
        if i >= 5:  # warm-up
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    from cohorts.models import Cohort

    if args.skip_generate:
        bench_cohort = (
            Cohort.objects.filter(programme__slug__startswith="programme-")
            .order_by("programme_id", "-year")
            .first()
            .pk
        )
    else:
        bench_cohort = generate(args.scale, args.bench_students)["bench_cohort"]
    urls = pages(bench_cohort)
    counts = query_counts(urls)
    cookie = session_cookie()
    # PostgreSQL's processor time is not given here: each request opens its own connection
    # (no CONN_MAX_AGE), whose backend ends with it, out of reach of /proc.
    process = serve(args.port, args.workers)
    print(yardstick.line())
    try:
        print(
            f"{'page':32} {'queries':>7} {'median ms':>10} {'p95 ms':>8}"
            f" {'cpu ms/req (gunicorn)':>21}"
        )
        results = {}
        for name, url in urls.items():
            web = yardstick.group_cpu_seconds(process.pid)
            timings = sorted(measure(args.port, url, cookie, args.requests))
            n = len(timings) + 5  # with the warm-up
            web = (yardstick.group_cpu_seconds(process.pid) - web) / n * 1000
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            results[name] = (statistics.median(timings), p95)
            print(f"{name:32} {counts[name]:>7} {results[name][0]:>10.1f} {p95:>8.1f} {web:>21.1f}")
    finally:
        yardstick.stop_server(process)
    print(yardstick.line())
    median, p95 = results["dashboard"]
    ok = p95 < 100 and counts["dashboard"] <= 12
    print(
        f"dashboard target (p95 < 100 ms, ≤ 12 queries): {'met' if ok else 'NOT met'} "
        f"(p95 {p95:.1f} ms, {counts['dashboard']} queries)"
    )


if __name__ == "__main__":
    main()
