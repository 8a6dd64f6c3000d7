"""Benchmark: a call for projects with 500 dossiers × 3 opinions (issue #18, point 9).

    python bench/calls_review.py [--database-url postgres://postgres@127.0.0.1:5432/cl_wt18]
        [--rounds 20] [--dossiers 500] [--experts 60]

Creates the database if missing and migrates it, builds one call (4 weighted criteria,
z-scores) with its dossiers admissible, its experts (fields of expertise, a conflict each),
the automatic balanced assignment (timed: the pure function, then the proposal with its reads)
and a submitted opinion per assignment, all with bulk_create; then requests in-process
(Django's test client), round after round: an expert's list, the synthesis and the committee's
ranking (the open meeting's page), and the CSV export. Prints per page the median and 95th
percentile wall clock, the bytes and the SQL queries, and the yardstick of
``bench/yardstick.py`` before and after. Targets: p95 < 100 ms for the expert's list and the
synthesis, a constant number of queries; the assignment of 60 experts to 500 dossiers < 2 s.
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

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cl_wt18"
TAGS = ["numérique", "santé", "emploi", "mobilité", "social", "environnement"]


def build(n_dossiers: int, n_experts: int):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from calls import services
    from calls.assignment import Candidate, propose
    from calls.models import (
        Assignment,
        Call,
        Criterion,
        Decision,
        Dossier,
        Expert,
        ExpertConflict,
        Opinion,
    )
    from cohorts.models import Programme
    from curiouslab.accounts.models import Membership, Organisation, User

    call_command("migrate", verbosity=0)
    state, _ = Organisation.objects.get_or_create(
        slug="bench-calls-state", defaults={"kind": "state_service", "name": "État bench"}
    )
    coordinator, _ = User.objects.get_or_create(
        email="bench.calls.coordinator@example.org", defaults={"first_name": "C"}
    )
    Membership.objects.get_or_create(user=coordinator, organisation=state, role="coordinator")
    programme, _ = Programme.objects.get_or_create(
        slug="bench-calls",
        defaults={"organisation": state, "name": "Bench calls", "format": services.CALL_FORMAT},
    )
    # A previous run's call: its decisions and dossiers first (they protect what they point at).
    Decision.objects.filter(committee__call__programme=programme).delete()
    Dossier.objects.filter(call__programme=programme).delete()
    Call.objects.filter(programme=programme).delete()
    now = timezone.now()
    call = Call.objects.create(
        programme=programme,
        title=f"Bench {n_dossiers}",
        slug=f"bench-{n_dossiers}-{int(time.time())}",
        eligibility="Tous",
        eligible_kinds=["epci"],
        opens_at=now - datetime.timedelta(days=30),
        closes_at=now - datetime.timedelta(days=1),
        sections=["summary", "budget"],
        funding_ceiling=250_000,
        envelope=10_000_000,
        experts_per_dossier=3,
        status="published",
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(call=call, name=f"Critère {i}", weight=w, position=i)
        for i, w in enumerate((3, 2, 2, 1))
    )
    rng = random.Random(18)
    orgs = Organisation.objects.bulk_create(
        Organisation(kind="epci", name=f"Porteur {i}", slug=f"bench-calls-{call.pk}-{i}")
        for i in range(n_dossiers)
    )
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            call=call,
            organisation=o,
            title=f"Dossier {i:04}",
            status="admissible",
            submitted_at=now,
            amount_requested=100_000 + i,
            tags=[rng.choice(TAGS)],
        )
        for i, o in enumerate(orgs)
    )
    users = []
    for i in range(n_experts):
        u, _ = User.objects.get_or_create(
            email=f"bench.calls.expert{i}@example.org", defaults={"first_name": f"E{i}"}
        )
        Membership.objects.get_or_create(user=u, organisation=state, role="expert")
        users.append(u)
    experts = Expert.objects.bulk_create(
        Expert(call=call, email=u.email, name=f"Expert {i}", tags=rng.sample(TAGS, 2))
        for i, u in enumerate(users)
    )
    ExpertConflict.objects.bulk_create(
        ExpertConflict(expert=e, organisation=rng.choice(orgs)) for e in experts
    )
    started = time.perf_counter()
    proposal = services.assignment_proposal(call)
    with_reads = time.perf_counter() - started
    started = time.perf_counter()
    propose(
        experts=[Candidate(e.pk, frozenset(e.tags)) for e in experts],
        dossiers=[Candidate(d.pk, frozenset(d.tags)) for d in dossiers],
        k=3,
        excluded=set(),
    )
    pure = time.perf_counter() - started
    print(
        f"assignment of {n_experts} experts to {n_dossiers} dossiers: pure function "
        f"{pure * 1000:.0f} ms, proposal with its reads {with_reads * 1000:.0f} ms, "
        f"loads within {proposal.spread}"
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(expert_id=e, dossier_id=d) for d, es in proposal.by_dossier.items() for e in es
    )
    Opinion.objects.bulk_create(
        Opinion(
            assignment=a,
            scores={str(c.pk): rng.randint(0, 5) for c in criteria},
            confidence=rng.randint(1, 3),
            recommendation=rng.choice(["retain", "reserved", "reject"]),
            submitted_at=now,
        )
        for a in assignments
    )
    committee = services.committee_create(
        call=call,
        actor=coordinator,
        meets_at=now,
        place="",
        quorum=1,
        members=[("Membre", "")],
    )
    services.committee_set_status(committee=committee, actor=coordinator, status="open")
    return coordinator, users[0], call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--dossiers", type=int, default=500)
    parser.add_argument("--experts", type=int, default=60)
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    print(yardstick.line())
    coordinator, expert, call = build(args.dossiers, args.experts)
    pages = {
        "expert's list": (expert, reverse("calls:expert_home")),
        "synthesis": (coordinator, reverse("calls:synthesis", args=[call.pk])),
        "committee's ranking (open meeting)": (
            coordinator,
            reverse("calls:committee", args=[call.pk]),
        ),
        "ranking CSV": (coordinator, reverse("calls:ranking_export", args=[call.pk, "csv"])),
    }
    clients = {}
    for label, (user, url) in pages.items():
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(user)
        clients[label] = client
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        print(f"{label}: {len(ctx.captured_queries)} queries, {len(response.content)} bytes")
    wall: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for label, (_user, url) in pages.items():
            t = time.perf_counter()
            clients[label].get(url)
            wall.setdefault(label, []).append(time.perf_counter() - t)
    print(f"\n{args.rounds} rounds, {args.dossiers} dossiers × 3 opinions; Django test client")
    for label, times in wall.items():
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(
            f"  {label:38} median {statistics.median(times) * 1000:6.1f} ms"
            f"  p95 {p95 * 1000:6.1f} ms"
        )
    print(yardstick.line())


if __name__ == "__main__":
    main()
