import time

from django.core.management.base import BaseCommand

from territories.referential import DATA_FILE, load_referential


class Command(BaseCommand):
    help = (
        "Load (or refresh) the official geographic referential — régions, départements, EPCI "
        "and communes — from the data file the project ships. Idempotent."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = load_referential(DATA_FILE)
        self.stdout.write(
            f"{counts['regions']} régions, {counts['departements']} départements, "
            f"{counts['epci']} EPCI, {counts['communes']} communes from {counts['source']} "
            f"in {time.monotonic() - started:.1f} s"
        )
