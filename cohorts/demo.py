"""Demo seed of programmes and cohorts: the Curious Lab' programme and its 2026-2027 cohort
(plus the 2025-2026 one, finished)."""

from __future__ import annotations

import datetime

from cohorts.models import Cohort, Programme
from curiouslab.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    programme, _ = Programme.objects.update_or_create(
        slug="curious-lab-92",
        defaults={
            "organisation": ctx["departement"],
            "name": "Curious Lab' des défis communaux",
            "description": (
                "Des équipes mixtes d'étudiants relèvent, pendant une année scolaire, "
                "des défis réels posés par les communes des Hauts-de-Seine."
            ),
        },
    )
    ctx["programme"] = programme
    for year in (2025, 2026):
        d = datetime.date
        cohort, _ = Cohort.objects.update_or_create(
            programme=programme,
            year=year,
            defaults={
                "name": f"Curious Lab' {year}-{year + 1}",
                "call_opens": d(year, 5, 1),
                "call_closes": d(year, 12, 15),
                "kickoff": d(year + 1, 1, 15),
                "working_starts": d(year + 1, 1, 16),
                "working_ends": d(year + 1, 6, 5),
                "closing": d(year + 1, 6, 20),
            },
        )
        ctx[f"cohort:{year}"] = cohort
    ctx["cohort"] = ctx["cohort:2026"]
    ctx.say("programme Curious Lab' with cohorts 2025-2026 and 2026-2027")
