"""python manage.py storage_sweep [--delete] — list the files of the default storage (local
folder or S3 bucket) older than a day that no row points to; with ``--delete``, remove them
and the upload temporary files of processes that are gone. Beat runs it daily with
``--delete`` (task ``accounts.storage_sweep``); from the shell it only lists by default.
See curiouslab/storedfiles.py."""

from django.core.management.base import BaseCommand

from curiouslab.storedfiles import storage_sweep


class Command(BaseCommand):
    help = "List (or with --delete remove) the files in storage that no row points to."

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="remove them (by default only list them)"
        )

    def handle(self, *args, delete: bool = False, **options):
        found = storage_sweep(delete=delete)
        for name in found:
            self.stdout.write(name)
        verb = "deleted" if delete else "found (dry run: --delete removes them)"
        self.stdout.write(f"{len(found)} orphan file(s) older than a day {verb}.")
