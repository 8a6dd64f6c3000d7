"""python manage.py seed_demo — create (or bring up to date) the demo programme. Idempotent:
running it twice leaves the same data. Each app adds its part in ``<app>/demo.py``."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from curiouslab.demo import DEMO_PASSWORD, DemoContext

# The order matters: each seed uses what the previous ones created.
SEEDS = [
    "curiouslab.accounts.demo",
    "cohorts.demo",
    "challenges.demo",
    "cohorts.demo_teams",
    "sessions.demo",
    "trophies.demo",
    "documents.demo",
    "onboarding.demo",
    "commons.demo",
    "training.demo",
    "calls.demo",
    "sprints.demo",
]


class Command(BaseCommand):
    help = "Create or update the demo data and demo accounts (idempotent)."

    def handle(self, *args, **options):
        ctx = DemoContext()
        with transaction.atomic():
            for name in SEEDS:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                module.seed(ctx)
        for line in ctx.log:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo password: {DEMO_PASSWORD}"))
