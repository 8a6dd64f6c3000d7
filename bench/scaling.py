"""Does a page's cost grow with the data? The same pages at 50, 500 and 5,000 items (issue #19).

Builds three programmes side by side in one PostgreSQL database, each with one cohort of N
teams (5 students each, N challenges in the cohort and N more waiting for review, three
milestones, five ended working sessions with attendance), N = 50, 500 and 5,000, each with
its own coordinator. Then requests every list, dashboard and synthesis of the coordinator
for each size, in alternating rounds (the order of the sizes turns at each round, so a slow
minute of this shared machine hits every size alike), and prints per page and size the median
time, the bytes of the page and the processor time per request (this process: Django and the
database driver; and the PostgreSQL backend), then the ratio of the median at 5,000 to the
median at 50. That ratio is a figure that does not depend on the machine's speed of the day:
it must stay under 1.5 for every page.

    python bench/scaling.py --database-url postgres://postgres@127.0.0.1:5432/cl_bench_scaling
        [--rounds 5] [--requests 6] [--skip-generate]

Beside them, one closed jury per size with N finalists (``bench/jury_results.py``'s ``build``:
5 jurors, 4 weighted criteria, z-scores; closing the vote stores the ranking), whose results
page (first and middle page) and one project's arithmetic (the HTMX fragment) are requested
by the jury's coordinator in the same rounds.

Requests go through Django's test client in this process (no server): the figure is the
page's own cost. Not covered: the experts' synthesis (issue #19.7), whose calls for projects
do not exist yet.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import jury_results  # noqa: E402
import yardstick  # noqa: E402
from cohorts_national import bulk, setup_django  # noqa: E402

SIZES = (50, 500, 5000)
PER_TEAM = 5
TARGET = 1.5


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/cl_bench_scaling")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--requests", type=int, default=6, help="per page, size and round")
    p.add_argument("--skip-generate", action="store_true")
    return p.parse_args()


def generate() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from challenges.models import Challenge
    from cohorts.models import (
        Cohort,
        Deliverable,
        Milestone,
        Programme,
        SchoolEnrolment,
        Team,
        TeamMember,
    )
    from curiouslab.accounts.models import Membership, Organisation, Role, User
    from sessions.models import Attendance, InvitedRole, Session

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        tables = connection.introspection.django_table_names(include_views=False)
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    now = timezone.now()
    d = datetime.date
    today = timezone.localdate()
    year = today.year if today.month >= 5 else today.year - 1  # the call of this year is open
    disciplines = ["ingénierie", "commerce", "design"]
    for n in SIZES:
        dep = Organisation.objects.create(
            kind="departement", name=f"Département {n}", slug=f"d-{n}"
        )
        coordinator = User(email=f"coordinator{n}@scaling.example.org", first_name="Camille")
        coordinator.set_unusable_password()
        coordinator.save()
        Membership.objects.create(user=coordinator, organisation=dep, role=Role.COORDINATOR)
        munis = bulk(
            Organisation,
            [
                Organisation(
                    kind="municipality", name=f"Commune {n}-{j}", slug=f"c-{n}-{j}", territory=dep
                )
                for j in range(12)
            ],
        )
        schools = bulk(
            Organisation,
            [
                Organisation(kind="school", name=f"École {n}-{j}", slug=f"e-{n}-{j}", territory=dep)
                for j in range(5)
            ],
        )
        programme = Programme.objects.create(
            organisation=dep, name=f"Programme {n}", slug=f"programme-{n}"
        )
        cohort = Cohort.objects.create(
            programme=programme,
            year=year,
            name=f"Promotion {year}-{year + 1}",
            call_opens=d(year, 5, 1),
            call_closes=d(year, 12, 15),
            kickoff=d(year + 1, 1, 15),
            working_starts=d(year + 1, 1, 16),
            working_ends=d(year + 1, 6, 5),
            closing=d(year + 1, 6, 20),
        )
        challenges = bulk(
            Challenge,
            [
                Challenge(
                    programme=programme,
                    municipality=munis[j % 12],
                    cohort=cohort if j < n else None,
                    status="accepted" if j < n else "submitted",
                    submitted_at=now,
                    title=f"Défi {n}-{j} : la place du marché",
                    question="Comment mieux faire ensemble ?",
                    theme="urbanisme",
                )
                for j in range(2 * n)
            ],
        )
        bulk(
            SchoolEnrolment,
            [
                SchoolEnrolment(cohort=cohort, school=s, status="approved", disciplines=disciplines)
                for s in schools
            ],
        )
        users = bulk(
            User,
            [
                User(email=f"e{n}-{i}@scaling.example.org", last_name=f"N°{i}", password="!")
                for i in range(n * PER_TEAM)
            ],
        )
        bulk(
            Membership,
            [
                Membership(
                    user=u,
                    organisation=schools[i % 5],
                    role=Role.STUDENT,
                    discipline=disciplines[i % 3],
                )
                for i, u in enumerate(users)
            ],
        )
        teams = bulk(
            Team,
            [
                Team(
                    cohort=cohort,
                    name=f"Équipe {j:05d}",
                    status="confirmed" if j % 4 else "forming",
                    challenge=challenges[j],
                )
                for j in range(n)
            ],
        )
        # Team j: students 5j … 5j+4; the last of every seventh team is missing (rule unmet).
        bulk(
            TeamMember,
            [
                TeamMember(
                    team=teams[i // PER_TEAM],
                    cohort=cohort,
                    user=u,
                    school=schools[i % 5],
                    discipline=disciplines[i % 3],
                )
                for i, u in enumerate(users)
                if not ((i // PER_TEAM) % 7 == 0 and i % PER_TEAM == PER_TEAM - 1)
            ],
        )
        milestones = bulk(
            Milestone,
            [
                Milestone(
                    cohort=cohort,
                    kind=kind,
                    name=name,
                    deadline=now + datetime.timedelta(days=days),
                )
                for kind, name, days in (
                    ("scenario", "Premier scénario", -10),
                    ("prototype", "Prototype", 40),
                    ("final", "Projet final", 150),
                )
            ],
        )
        bulk(
            Deliverable,
            [
                Deliverable(
                    team=t,
                    milestone=milestones[0],
                    version_count=1,
                    first_submitted_at=milestones[0].deadline - datetime.timedelta(days=j % 3 - 1),
                    last_submitted_at=milestones[0].deadline,
                )
                for j, t in enumerate(teams)
                if j % 5
            ],
        )
        sessions = bulk(
            Session,
            [
                Session(
                    cohort=cohort,
                    kind="working",
                    title=f"Séance {k}",
                    starts_at=now - datetime.timedelta(days=20 - k),
                    ends_at=now - datetime.timedelta(days=20 - k, hours=-3),
                )
                for k in range(5)
            ],
        )
        bulk(InvitedRole, [InvitedRole(session=s, role=Role.STUDENT) for s in sessions])
        attendances = [
            Attendance(session=s, user=u, present=True, method="roll_call")
            for i, u in enumerate(users)
            for s in sessions
            if (i + s.pk) % 5
        ]
        for start in range(0, len(attendances), 5000):
            bulk(Attendance, attendances[start : start + 5000])
    jury_results.build(list(SIZES))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated 3 programmes ({', '.join(map(str, SIZES))} teams) in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip


HTMX = {"HTTP_HX_REQUEST": "true"}


def jury_pages(n: int) -> dict[str, tuple[str, dict]]:
    """The jury of ``n`` finalists: its results page, first and middle page, and the
    arithmetic of the project ranked in the middle (the fragment the page loads by HTMX)."""
    from django.urls import reverse

    from trophies.models import Jury, RankedFinalist
    from trophies.views import RESULTS_PAGE_SIZE

    jury = Jury.objects.get(name=f"Jury bench {n}")
    results = reverse("trophies:jury_results", args=[jury.pk])
    middle = RankedFinalist.objects.get(ranking__jury=jury, position=n // 2 + 1)
    page = -(-n // RESULTS_PAGE_SIZE) // 2 + 1
    return {
        "jury results": (results, {}),
        "jury results, middle page": (f"{results}?page={page}", {}),
        "one project's arithmetic": (
            reverse("trophies:jury_result_sheet", args=[jury.pk, middle.finalist_id]),
            HTMX,
        ),
    }


def pages(n: int) -> dict[str, str]:
    from django.urls import reverse

    from cohorts.models import Cohort, Milestone

    cohort = Cohort.objects.get(programme__slug=f"programme-{n}")
    past = Milestone.objects.filter(cohort=cohort).order_by("deadline").first()
    c = cohort.pk
    return {
        "cohort dashboard": reverse("cohorts:dashboard", args=[c]),
        "team list": reverse("cohorts:team_list", args=[c]),
        "team list, rule not met": reverse("cohorts:team_list", args=[c]) + "?show=unmet",
        "cohort challenges": reverse("cohorts:cohort_challenges", args=[c]),
        "milestone, missing": reverse("cohorts:milestone_status", args=[past.pk])
        + "?state=missing",
        "schools of the cohort": reverse("cohorts:enrolment_list", args=[c]),
        "dashboard attendance panel": reverse("sessions:attendance_summary", args=[c]),
        "attendance synthesis": reverse("sessions:attendance_rates", args=[c]),
        "cohort calendar": reverse("sessions:cohort_calendar", args=[c]),
        "review queue": reverse("challenges:review_queue"),
        "review queue, search": reverse("challenges:review_queue") + "?q=march%C3%A9",
        "cohort list": reverse("cohorts:cohort_list"),
    }


def main() -> int:
    args = parse_args()
    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client

    from curiouslab.accounts.models import User

    if not args.skip_generate:
        generate()
    database = args.database_url.rsplit("/", 1)[1]

    def signed_in(email: str) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(
            User.objects.get(email=email), backend="curiouslab.accounts.backends.ModelBackend"
        )
        return client

    jury_client = signed_in(jury_results.COORDINATOR_EMAIL)
    # urls[n][page] = (client, url, headers): the cohort's coordinator, the jury's coordinator.
    urls = {}
    for n in SIZES:
        client = signed_in(f"coordinator{n}@scaling.example.org")
        # The dashboard's attendance panel is the fragment it loads by HTMX after the page.
        urls[n] = {
            name: (client, url, HTMX if name == "dashboard attendance panel" else {})
            for name, url in pages(n).items()
        }
        urls[n].update({name: (jury_client, *p) for name, p in jury_pages(n).items()})
        for client, url, headers in urls[n].values():  # warm-up, and every page answers
            response = client.get(url, **headers)
            assert response.status_code == 200, (url, response.status_code)
    names = list(urls[SIZES[0]])
    timings = {(p, n): [] for p in names for n in SIZES}
    cpu = {(p, n): [0.0, 0.0] for p in names for n in SIZES}
    size = {}
    print(yardstick.line())
    for r in range(args.rounds):
        order = SIZES[r % 3 :] + SIZES[: r % 3]
        for name in names:
            for n in order:
                client, url, headers = urls[n][name]
                cpu0, pg0 = time.process_time(), yardstick.postgres_cpu_seconds(database)
                for _ in range(args.requests):
                    started = time.perf_counter()
                    response = client.get(url, **headers)
                    timings[name, n].append((time.perf_counter() - started) * 1000)
                cpu[name, n][0] += time.process_time() - cpu0
                cpu[name, n][1] += yardstick.postgres_cpu_seconds(database) - pg0
                size[name, n] = len(response.content)
    connection.close()
    count = args.rounds * args.requests
    head = "".join(f" {f'{n:,}: ms':>10} {'KB':>6} {'cpu ms':>7}" for n in SIZES)
    print(f"{'page':26}{head} {'5,000÷50':>9}")
    failed = []
    for name in names:
        cells, medians = "", {}
        for n in SIZES:
            medians[n] = statistics.median(timings[name, n])
            cpu_ms = sum(cpu[name, n]) / count * 1000
            cells += f" {medians[n]:>10.1f} {size[name, n] / 1024:>6.0f} {cpu_ms:>7.1f}"
        ratio = medians[SIZES[-1]] / medians[SIZES[0]]
        if ratio >= TARGET:
            failed.append(name)
        print(f"{name:26}{cells} {ratio:>8.2f}{'' if ratio < TARGET else ' ✗'}")
    print("(ms: median time per request; cpu ms: processor time per request, Django and the")
    print(" database driver in this process plus the PostgreSQL backend)")
    print(yardstick.line())
    print(
        f"ratio 5,000 ÷ 50 under {TARGET} for every page: "
        + ("met" if not failed else f"NOT met for {', '.join(failed)}")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
