"""Load test of the closing-session vote (issue #6), against the real server.

Starts gunicorn (several workers) on 127.0.0.1 over a fresh PostgreSQL database, creates
jurors and audience members (signed in through sessions written straight into the session
store), then makes each person submit their full sheet twice at the same moment — a juror
posts the marks and comments of all criteria for one project, an audience member their vote —
over 50 connections. Reports throughput, median and 95th percentile latency, and checks
that every mark and vote is stored exactly once and that no request got a server error.

    python bench/jury_load.py [--people 500] [--jurors 400] [--connections 50] [--workers N]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Redis (cache and sessions, as in
production). Target on the 2-core machine:
everything in under 10 s, p95 under 300 ms, no 5xx.
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

PYTHON = sys.executable
CSRF = "benchcsrftoken0123456789abcdefgh"  # 32 characters: a valid unmasked CSRF secret


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--people", type=int, default=500, help="jurors + audience members")
    p.add_argument("--jurors", type=int, default=400, help="how many of the people are jurors")
    p.add_argument("--finalists", type=int, default=10)
    p.add_argument("--connections", type=int, default=50)
    p.add_argument("--workers", type=int, help="gunicorn processes (gunicorn.conf.py: 2 a core)")
    p.add_argument("--threads", type=int, help="threads per process (gunicorn.conf.py: 2)")
    p.add_argument(
        "--worker-class",
        help="gunicorn worker class (gunicorn.conf.py: ours, curiouslab/gunicorn_worker.py)",
    )
    p.add_argument(
        "--gunicorn", default="", help='more gunicorn options, e.g. --gunicorn="--keep-alive 0"'
    )
    p.add_argument("--port", type=int, default=0, help="0: a free port")
    p.add_argument("--db", default="cl_jury_bench")
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/8",
        help="cache and sessions, as in production (this database is emptied)",
    )
    return p.parse_args()


def recreate_database(pg: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(args, env) -> dict:
    """Create the people, the jury and the sessions inside this process (Django set up on
    the bench database). Returns what the load phase needs."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import datetime
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone

    from challenges.models import Challenge
    from cohorts.models import Cohort, Programme, Team
    from curiouslab.accounts.models import Membership, Organisation, Role, User
    from sessions.models import Attendance, Session
    from trophies.models import Criterion, Finalist, Jury, JuryMember

    today = timezone.localdate()
    dep = Organisation.objects.create(kind="departement", name="Département banc", slug="dep-bench")
    town = Organisation.objects.create(
        kind="municipality", name="Commune banc", slug="town-bench", territory=dep
    )
    programme = Programme.objects.create(organisation=dep, name="Banc", slug="banc")
    cohort = Cohort.objects.create(
        programme=programme,
        name="Banc 2026",
        year=2026,
        call_opens=today,
        call_closes=today,
        kickoff=today,
        working_starts=today,
        working_ends=today,
        closing=today,
    )
    now = timezone.now()
    session = Session.objects.create(
        cohort=cohort,
        kind="closing",
        title="Clôture",
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=3),
    )
    jury = Jury.objects.create(
        cohort=cohort,
        name="Jury banc",
        closing_session=session,
        audience_award=True,
        tie_break=["first_criterion", "chair"],
        status="open",
        opened_at=now,
    )
    criteria = [
        Criterion.objects.create(jury=jury, name=f"Critère {i}", weight=1 + i % 3, order=i)
        for i in range(5)
    ]
    finalists = []
    for i in range(args.finalists):
        challenge = Challenge.objects.create(
            programme=programme,
            municipality=town,
            cohort=cohort,
            status="accepted",
            title=f"Défi {i}",
            question="Comment ?",
            theme="culture",
        )
        team = Team.objects.create(cohort=cohort, name=f"Équipe {i}", challenge=challenge)
        finalists.append(
            Finalist.objects.create(jury=jury, team=team, challenge=challenge, order=i)
        )

    users = User.objects.bulk_create(
        [
            User(email=f"p{i}@bench.example.org", first_name="P", last_name=str(i), password="!")
            for i in range(args.people)
        ]
    )
    jurors, audience = users[: args.jurors], users[args.jurors :]
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=dep, role=Role.JUROR) for u in jurors]
    )
    seats = JuryMember.objects.bulk_create(
        [JuryMember(jury=jury, user=u, email=u.email, name=str(u)) for u in jurors]
    )
    Attendance.objects.bulk_create(
        [Attendance(session=session, user=u, method="qr_code", present=True) for u in audience]
    )
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806
    cookies = {}
    for u in users:
        s = SessionStore()
        s[SESSION_KEY] = str(u.pk)
        s[BACKEND_SESSION_KEY] = "curiouslab.accounts.backends.ModelBackend"
        s[HASH_SESSION_KEY] = u.get_session_auth_hash()
        s.create()
        cookies[u.pk] = (
            f"{settings.SESSION_COOKIE_NAME}={s.session_key}; {settings.CSRF_COOKIE_NAME}={CSRF}"
        )
    tasks = []
    for i, (u, seat) in enumerate(zip(jurors, seats, strict=True)):
        f = finalists[i % len(finalists)]
        data = {}
        for c in criteria:
            data[f"mark-{c.pk}"] = str((i + c.order) % 6)
            data[f"comment-{c.pk}"] = f"Avis {i} sur {c.name}"
        tasks.append(("juror", cookies[u.pk], f"/jury/{jury.pk}/score/{f.pk}/", data, seat.pk))
    for i, u in enumerate(audience):
        f = finalists[i % len(finalists)]
        tasks.append(
            ("audience", cookies[u.pk], f"/jury/{jury.pk}/audience/", {"finalist": f.pk}, u.pk)
        )
    return {"jury": jury.pk, "tasks": tasks, "n_criteria": len(criteria)}


def start_server(args, env) -> subprocess.Popen:
    """gunicorn as in production: gunicorn.conf.py, read from the project's directory,
    with --workers/--threads/--worker-class only when given."""
    cmd = [str(Path(PYTHON).parent / "gunicorn"), "curiouslab.wsgi:application"]
    cmd += ["--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"]
    for option in ("workers", "threads", "worker_class"):
        if getattr(args, option) is not None:
            cmd += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
    cmd += args.gunicorn.split()
    env = {**env, "GUNICORN_ACCESS_LOG": ""}  # 1,000 lines on the terminal would hide the report
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def post(conn_box, args, cookie, path, data, hx: bool):
    body = urlencode(data)
    headers = {
        "Cookie": cookie,
        "X-CSRFToken": CSRF,
        "Content-Type": "application/x-www-form-urlencoded",
        "Host": f"127.0.0.1:{args.port}",
    }
    if hx:
        headers["HX-Request"] = "true"
    for attempt in range(2):
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        try:
            started = time.perf_counter()
            conn_box[0].request("POST", path, body=body, headers=headers)
            response = conn_box[0].getresponse()
            response.read()
            return response.status, time.perf_counter() - started
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            conn_box[0].close()
            conn_box[0] = None
            if attempt:
                raise
    raise AssertionError("unreachable")


def warm_up(args, tasks) -> float:
    """Before voting, people have the page open: each connection loads one person's page
    (the sheet or the audience vote) twice, so that every server thread has its database
    connection, templates and translations loaded, as in a room where the server has been up
    all day. Not timed; stores nothing."""

    def page(task):
        kind, cookie, path, _data, _who = task
        url = path.rsplit("/", 2)[0] + "/" if kind == "juror" else path
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        for _ in range(2):
            conn.request("GET", url, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"warm-up: GET {url} answered {response.status}")
        conn.close()

    started = time.perf_counter()
    threads = [
        threading.Thread(target=page, args=(tasks[i * len(tasks) // args.connections],))
        for i in range(args.connections)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def load(args, tasks):
    """Pairs of connections: both members of a pair send the same person's sheet at the same
    moment (a barrier releases them together)."""
    pairs = args.connections // 2
    lock = threading.Lock()
    queue = list(tasks)
    results: list[tuple[str, int, float]] = []
    errors: list[BaseException] = []

    def pair_worker():
        barrier = threading.Barrier(2)
        slot: dict = {}

        def side(index):
            box = [None]
            while True:
                if index == 0:
                    with lock:
                        slot["task"] = queue.pop() if queue else None
                try:
                    barrier.wait(timeout=60)
                except threading.BrokenBarrierError:
                    return
                task = slot["task"]
                if task is None:
                    return
                kind, cookie, path, data, _who = task
                try:
                    status, seconds = post(box, args, cookie, path, data, hx=kind == "juror")
                except BaseException as exc:  # recorded, reported below
                    errors.append(exc)
                    status, seconds = 0, 0.0
                with lock:
                    results.append((kind, status, seconds))
                barrier.wait(timeout=60)

        threads = [threading.Thread(target=side, args=(i,)) for i in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    workers = [threading.Thread(target=pair_worker) for _ in range(pairs)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results, errors, time.perf_counter() - started


def verify(prepared, tasks) -> list[str]:
    from django.db.models import Count

    from trophies.models import AudienceVote, Score

    problems = []
    jury = prepared["jury"]
    expected_scores = sum(1 for t in tasks if t[0] == "juror") * prepared["n_criteria"]
    stored = Score.objects.filter(jury_id=jury).count()
    if stored != expected_scores:
        problems.append(f"{stored} marks stored, {expected_scores} expected")
    dupes = (
        Score.objects.filter(jury_id=jury)
        .values("member_id", "finalist_id", "criterion_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    if dupes:
        problems.append(f"{dupes} duplicated marks")
    for kind, _cookie, _path, data, who in tasks:
        if kind != "juror":
            continue
        got = dict(Score.objects.filter(member_id=who).values_list("criterion_id", "value"))
        want = {int(k.split("-")[1]): int(v) for k, v in data.items() if k.startswith("mark-")}
        if got != want:
            problems.append(f"juror seat {who}: stored {got}, sent {want}")
            break
    expected_votes = sum(1 for t in tasks if t[0] == "audience")
    votes = AudienceVote.objects.filter(jury_id=jury).count()
    if votes != expected_votes:
        problems.append(f"{votes} audience votes stored, {expected_votes} expected")
    return problems


def cpu_seconds(server: subprocess.Popen, database: str) -> dict[str, float]:
    """Processor time used so far by this run's gunicorn (its process group), by the PostgreSQL
    backends of its database and by this load generator, to say what a request costs in each
    (other helpers' servers on the machine are not counted)."""
    return {
        "gunicorn": yardstick.group_cpu_seconds(server.pid),
        "PostgreSQL": yardstick.postgres_cpu_seconds(database),
        "load generator": time.process_time(),
    }


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        "VAR_DIR": tempfile.mkdtemp(prefix="curiouslab-jury-bench-"),
        "MFA_REQUIRED_FOR_COORDINATORS": "false",
        "DJANGO_SETTINGS_MODULE": "curiouslab.settings",
        "LOG_LEVEL": "WARNING",
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
    print(f"prepared {len(tasks)} people in {time.perf_counter() - t0:.1f} s")
    server = start_server(args, env)
    try:
        print(f"warm-up      {warm_up(args, tasks):.1f} s (each connection loads a page twice)")
        cpu_before = cpu_seconds(server, args.db)
        results, errors, elapsed = load(args, tasks)
        cpu_after = cpu_seconds(server, args.db)
    finally:
        # gunicorn may take more than 10 s to stop after the load: never lose the report.
        yardstick.stop_server(server)
    latencies = sorted(s for _k, _st, s in results)
    statuses = Counter(st for _k, st, _s in results)
    by_kind = Counter((k, st) for k, st, _s in results)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    given = [f"--{o}={getattr(args, o)}" for o in ("workers", "threads", "worker_class")]
    given = [
        g
        for g, o in zip(given, ("workers", "threads", "worker_class"), strict=True)
        if getattr(args, o)
    ]
    print(
        f"requests     {len(results)} over {args.connections} connections, "
        f"gunicorn {' '.join(given) or 'as gunicorn.conf.py says'}"
    )
    print(f"total        {elapsed:.2f} s   throughput {len(results) / elapsed:.0f} req/s")
    print(
        f"latency      median {statistics.median(latencies) * 1000:.0f} ms   p95 {p95 * 1000:.0f} ms   max {latencies[-1] * 1000:.0f} ms"
    )
    for kind in ("juror", "audience"):
        own = sorted(s for k, _st, s in results if k == kind)
        if own:
            print(
                f"  {kind:<10} median {statistics.median(own) * 1000:.0f} ms   "
                f"p95 {own[int(0.95 * (len(own) - 1))] * 1000:.0f} ms"
            )
    if results:
        print(
            "cpu/request  "
            + "   ".join(
                f"{who} {(cpu_after[who] - cpu_before[who]) / len(results) * 1000:.1f} ms"
                for who in ("gunicorn", "PostgreSQL", "load generator")
            )
            + "   (processor time per request, beside the wall-clock figures above;"
            + " PostgreSQL: the backends alive at the end, a lower bound)"
        )
    print(yardstick.line())
    print("statuses     " + ", ".join(f"{k} {st}: {n}" for (k, st), n in sorted(by_kind.items())))
    problems = verify(prepared, tasks)
    server_errors = sum(n for st, n in statuses.items() if st >= 500 or st == 0)
    if server_errors:
        problems.append(f"{server_errors} server errors or failed requests")
    if errors:
        problems.append(f"{len(errors)} client errors, first: {errors[0]!r}")
    verdict = (
        f"all done in under 10 s: {'met' if elapsed < 10 else 'NOT met'}; "
        f"p95 under 300 ms: {'met' if p95 < 0.3 else 'NOT met'}"
    )
    print(
        f"integrity    {'OK: every mark and vote stored exactly once' if not problems else '; '.join(problems)}"
    )
    print(f"verdict      {verdict}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
