"""Benchmark: the iCalendar feed of a user invited to 200 sessions.

    /work/main/.venv/bin/python bench/sessions_feed.py            # in-process (test client)
    /work/main/.venv/bin/python bench/sessions_feed.py --live     # gunicorn on 127.0.0.1

Creates its data in a scratch SQLite database (VAR_DIR, default /tmp/bench-sessions) and
prints the median and 95th percentile latency. Target: under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import yardstick  # noqa: E402

os.environ.setdefault("VAR_DIR", str(Path(tempfile.gettempdir()) / "bench-sessions"))
os.environ.setdefault("DEBUG", "false")
# Production requires these two (README, Configuration); the bench never opens the admin.
os.environ.setdefault("ADMIN_URL", "bench-admin-not-public/")
os.environ.setdefault("MFA_ENCRYPTION_KEY", "YmVuY2gtb25seS1tZmEta2V5LW5vdC1zZWNyZXQhISE=")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curiouslab.settings")

SESSIONS = 200
REQUESTS = 200


def setup_data() -> str:
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from cohorts.models import Cohort, Programme, Team, TeamMember
    from curiouslab.accounts.models import Membership, Organisation, User
    from sessions.models import CalendarFeed, Session

    dep, _ = Organisation.objects.get_or_create(
        slug="bench-dep", defaults={"kind": "departement", "name": "Bench"}
    )
    school, _ = Organisation.objects.get_or_create(
        slug="bench-school", defaults={"kind": "school", "name": "École bench", "territory": dep}
    )
    programme, _ = Programme.objects.get_or_create(
        slug="bench", defaults={"organisation": dep, "name": "Bench"}
    )
    today = datetime.date(2026, 9, 1)
    cohort, _ = Cohort.objects.get_or_create(
        programme=programme,
        year=2026,
        defaults={
            "name": "Bench 2026",
            "call_opens": today,
            "call_closes": today,
            "kickoff": today,
            "working_starts": today,
            "working_ends": today,
            "closing": today,
        },
    )
    user, _ = User.objects.get_or_create(
        email="bench.student@example.org", defaults={"first_name": "Léa", "last_name": "Bench"}
    )
    Membership.objects.get_or_create(user=user, organisation=school, role="student")
    team, _ = Team.objects.get_or_create(cohort=cohort, name="Équipe bench")
    TeamMember.objects.get_or_create(
        cohort=cohort, user=user, defaults={"team": team, "school": school, "discipline": "design"}
    )
    missing = SESSIONS - Session.objects.filter(cohort=cohort).count()
    start = timezone.now() - datetime.timedelta(days=60)
    for i in range(missing):
        s = Session.objects.create(
            cohort=cohort,
            kind="working",
            title=f"Séance de travail n° {i + 1}",
            starts_at=start + datetime.timedelta(days=i),
            ends_at=start + datetime.timedelta(days=i, hours=3),
            place="Pôle Léonard de Vinci",
            address="12 avenue Léonard de Vinci, 92400 Courbevoie",
            agenda="Point d'étape ; ateliers ; restitution.",
        )
        s.invited_teams.add(team)
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed.token


def report(label: str, timings: list[float]) -> None:
    timings.sort()
    median = statistics.median(timings) * 1000
    p95 = timings[int(len(timings) * 0.95) - 1] * 1000
    verdict = "OK" if p95 < 50 else "TOO SLOW"
    print(f"{label}: {len(timings)} requests, median {median:.1f} ms, p95 {p95:.1f} ms [{verdict}]")


def bench_client(url: str) -> None:
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    print(f"feed: {response.content.count(b'BEGIN:VEVENT')} events, {len(response.content)} bytes")
    timings, cpu = [], []
    for _ in range(REQUESTS):
        t, c = time.perf_counter(), time.process_time()
        client.get(url)
        timings.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    report("test client, wall clock", timings)
    # On a shared machine the wall clock includes waiting for a CPU; this is the work itself.
    report("test client, CPU time", cpu)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_live(url: str) -> None:
    port = _free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "GUNICORN_ACCESS_LOG": ""}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "curiouslab.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: its processor time, its stop
    )
    try:
        full = f"http://127.0.0.1:{port}{url}"
        for _ in range(50):
            try:
                urllib.request.urlopen(full, timeout=2).read()  # noqa: S310 - local server
                break
            except OSError:
                time.sleep(0.2)
        timings = []
        cpu0 = yardstick.group_cpu_seconds(server.pid)
        for _ in range(REQUESTS):
            t = time.perf_counter()
            urllib.request.urlopen(full, timeout=5).read()  # noqa: S310 - local server
            timings.append(time.perf_counter() - t)
        cpu_ms = (yardstick.group_cpu_seconds(server.pid) - cpu0) / REQUESTS * 1000
        report("gunicorn 127.0.0.1", timings)
        print(f"gunicorn, processor time per request: {cpu_ms:.1f} ms")
    finally:
        yardstick.stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", action="store_true", help="also measure against gunicorn")
    args = parser.parse_args()
    import django

    django.setup()
    from django.urls import reverse

    token = setup_data()
    url = reverse("sessions:feed", kwargs={"token": token})
    print(yardstick.line())
    bench_client(url)
    if args.live:
        bench_live(url)
    print(yardstick.line())


if __name__ == "__main__":
    main()
