"""Benchmark: issue 1,000 diplomas through the real Celery path (two worker processes, Redis,
PostgreSQL) and compare with bare WeasyPrint rendering the same HTML in a warm loop.

    python bench/documents_render.py [--count 1000] [--rounds 2]

Needs PostgreSQL and Redis; DATABASE_URL defaults to
postgres://postgres@127.0.0.1:5432/cl_bench_documents (created and migrated if missing),
REDIS_URL to redis://127.0.0.1:6379/0. Prints documents per second, the workers' memory
before and after, whether libharfbuzz-subset is present, and the platform's cost per
document against the bare render. Targets: ≤ 1.3× bare, 1,000 in < 30 s, < 10 MB growth
over 2,000 documents.
"""

from __future__ import annotations

import argparse
import ctypes.util
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import yardstick  # noqa: E402

QUEUE = f"bench-documents-{uuid.uuid4().hex[:8]}"
ENV = {
    "DATABASE_URL": os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cl_bench_documents"
    ),
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    "VAR_DIR": os.environ.get("VAR_DIR", str(Path(tempfile.gettempdir()) / "cl-bench-documents")),
    "DEBUG": "false",  # as in production: no query log kept in the workers
    "ADMIN_URL": "bench-admin-not-public/",
    "MFA_ENCRYPTION_KEY": "YmVuY2gtb25seS1tZmEta2V5LW5vdC1zZWNyZXQhISE=",
    "SECRET_KEY": "bench-documents-" + uuid.uuid4().hex,
    "MFA_REQUIRED_FOR_COORDINATORS": "false",
    "CELERY_TASK_ALWAYS_EAGER": "false",
    "DOCUMENTS_QUEUE": QUEUE,
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "curiouslab.settings",
}
os.environ.update(ENV)


def harfbuzz_subset() -> str:
    found = ctypes.util.find_library("harfbuzz-subset")
    if not found and Path("/usr/lib/x86_64-linux-gnu/libharfbuzz-subset.so.0").exists():
        found = "/usr/lib/x86_64-linux-gnu/libharfbuzz-subset.so.0"
    return f"present ({found})" if found else "ABSENT (apt-get install libharfbuzz-subset0)"


def ensure_database() -> None:
    import psycopg
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_workers(n: int, log: Path) -> list[subprocess.Popen]:
    procs = []
    for i in range(n):
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "curiouslab",
                    "worker",
                    "-Q",
                    QUEUE,
                    "--pool",
                    "solo",
                    "-n",
                    f"bench{i}-{QUEUE}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-l",
                    "WARNING",
                ],  # fmt: skip
                cwd=ROOT,
                env={**os.environ},
                stdout=log.open("ab"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return procs


def make_cohort(programme, year: int, students: list) -> object:
    import datetime

    from cohorts.models import Cohort, Team, TeamMember

    d = datetime.date(year, 1, 1)
    cohort = Cohort.objects.create(
        programme=programme, name=f"Bench {year}", year=year, call_opens=d, call_closes=d,
        kickoff=d, working_starts=d, working_ends=d, closing=d,
    )  # fmt: skip
    team = Team.objects.create(
        cohort=cohort, name="Équipe du banc d'essai", status=Team.Status.CONFIRMED
    )
    TeamMember.objects.bulk_create(
        TeamMember(team=team, cohort=cohort, user=u, school=u._school, discipline="design")
        for u in students
    )
    return cohort


def wait_ready(cohort, count: int, procs, timeout: float = 600) -> float:
    from documents.models import Document

    started = time.perf_counter()
    while True:
        done = Document.objects.filter(cohort=cohort, status__in=["ready", "failed"]).count()
        if done >= count:
            return time.perf_counter() - started
        for p in procs:
            if p.poll() is not None:
                raise SystemExit("a worker died: see the log")
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"timed out with {done} of {count} done")
        time.sleep(0.1)


def bare_render(sample, loops: int) -> tuple[float, float]:
    """Seconds per document for WeasyPrint alone on the same final HTML and CSS, warm: wall
    clock and processor time."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from curiouslab import pdf
    from documents import selectors, services

    html_t, css_t = selectors.template_for(
        programme_id=sample.cohort.programme_id, kind=sample.kind, language=sample.language
    )
    ctx = services.render_context(sample, selectors.branding_for(sample.cohort.programme))
    body = pdf.render_template(html_t, ctx)
    css = pdf.render_template(css_t, {k: v for k, v in ctx.items() if k.endswith("color")})
    body = f'<div class="cl-document" id="cl-document-0" lang="fr">{body}</div>'
    html = f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"></head><body>{body}</body></html>'
    base_url = pdf.PDF_STATIC_DIR.as_uri() + "/"
    fonts = FontConfiguration()
    # One URL fetcher for the loop, as the platform keeps one per process: WeasyPrint's
    # default makes a new one per HTML, loading the system's TLS certificates (~40 ms) each
    # time, which would flatter the platform.
    fetcher = pdf.make_url_fetcher()
    sheets = [
        weasyprint.CSS(filename=str(pdf.BASE_CSS_PATH), font_config=fonts),
        weasyprint.CSS(string=css, base_url=base_url, font_config=fonts),
    ]
    for _ in range(5):  # warm up
        weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
            stylesheets=sheets, font_config=fonts
        )
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(loops):
        weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
            stylesheets=sheets, font_config=fonts
        )
    return (time.perf_counter() - started) / loops, (time.process_time() - cpu) / loops


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bare-loops", type=int, default=60)
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from django.contrib.auth.hashers import make_password

    from cohorts.models import Programme
    from curiouslab.accounts.models import Organisation, User
    from documents import services
    from documents.models import Document

    ensure_database()
    print(f"libharfbuzz-subset: {harfbuzz_subset()}")
    tag = uuid.uuid4().hex[:6]
    dep = Organisation.objects.create(kind="departement", name=f"Bench {tag}", slug=f"b-{tag}")
    school = Organisation.objects.create(
        kind="school", name="École du banc d'essai", slug=f"s-{tag}", territory=dep
    )
    programme = Programme.objects.create(
        organisation=dep, name="Programme du banc d'essai", slug=f"p-{tag}"
    )
    coordinator = User.objects.create(email=f"coord-{tag}@example.org", first_name="C")
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"s{i}-{tag}@example.org", first_name="Élève", last_name=f"Numéro {i}",
             password=password)
        for i in range(args.count)
    )  # fmt: skip
    for u in users:
        u._school = school
    year = 3000 + int(tag, 16) % 5000

    log = Path(os.environ["VAR_DIR"]) / "bench-workers.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    procs = start_workers(args.workers, log)
    try:
        # Warm the workers (fonts, stylesheets, imports, allocator) on a first batch.
        warm_count = min(args.count, 60 * args.workers)
        warm = make_cohort(programme, year, users[:warm_count])
        services.documents_issue(cohort=warm, kind="diploma", actor=coordinator)
        wait_ready(warm, warm_count, procs, timeout=300)
        before = [rss_mb(p.pid) for p in procs]
        print(f"workers: {args.workers} (solo pool), RSS after warm-up: "
              + ", ".join(f"{m:.1f} MB" for m in before))  # fmt: skip
        timings, cpu_per_doc = [], []
        from django.conf import settings

        database = settings.DATABASES["default"]["NAME"]
        print(yardstick.line())
        for r in range(args.rounds):
            cohort = make_cohort(programme, year + 1 + r, users)
            cpu0 = sum(yardstick.group_cpu_seconds(p.pid) for p in procs)
            pg0 = yardstick.postgres_cpu_seconds(database)
            t0 = time.perf_counter()
            services.documents_issue(cohort=cohort, kind="diploma", actor=coordinator)
            issued = time.perf_counter() - t0
            wait_ready(cohort, args.count, procs)
            total = time.perf_counter() - t0
            cpu_per_doc.append(
                (
                    (sum(yardstick.group_cpu_seconds(p.pid) for p in procs) - cpu0) / args.count,
                    (yardstick.postgres_cpu_seconds(database) - pg0) / args.count,
                )
            )
            failed = Document.objects.filter(cohort=cohort, status="failed").count()
            timings.append(total)
            rss = ", ".join(f"{rss_mb(p.pid):.1f} MB" for p in procs)
            print(f"round {r + 1}: {args.count} documents in {total:.1f} s "
                  f"({args.count / total:.1f} documents/s; issuing took {issued:.1f} s), "
                  f"failed: {failed}; RSS {rss}")  # fmt: skip
        after = [rss_mb(p.pid) for p in procs]
        print("RSS after " + f"{args.count * args.rounds} documents: "
              + ", ".join(f"{m:.1f} MB" for m in after)
              + " (growth " + ", ".join(f"{a - b:+.1f} MB" for a, b in zip(after, before, strict=True))
              + ")")  # fmt: skip
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).delete(QUEUE)

    sample = Document.objects.filter(cohort=cohort).order_by("pk").first()
    bare, bare_cpu = bare_render(sample, args.bare_loops)
    best = min(timings)
    workers_cpu = min(w for w, _pg in cpu_per_doc)
    pg_cpu = min(pg for _w, pg in cpu_per_doc)
    platform = best * args.workers / args.count
    print(f"bare WeasyPrint, same HTML, warm loop: {bare * 1000:.1f} ms per document")
    print(f"platform (issue → Celery → render → storage → ready), per document per worker: "
          f"{platform * 1000:.1f} ms = {platform / bare:.2f}× bare (target ≤ 1.3×)")  # fmt: skip
    # Processor time does not count waiting for the other processes of a loaded machine.
    print(f"processor time per document: workers {workers_cpu * 1000:.1f} ms "
          f"(+ PostgreSQL {pg_cpu * 1000:.1f} ms) against bare WeasyPrint {bare_cpu * 1000:.1f} ms"
          f" = {workers_cpu / bare_cpu:.2f}× bare (target ≤ 1.3×)")  # fmt: skip
    print(yardstick.line())
    print(f"1,000 in < 30 s: {'yes' if best * 1000 / args.count < 30 else 'NO'}; "
          f"memory growth < 10 MB: "
          f"{'yes' if max(a - b for a, b in zip(after, before, strict=True)) < 10 else 'NO'}")  # fmt: skip


if __name__ == "__main__":
    main()
