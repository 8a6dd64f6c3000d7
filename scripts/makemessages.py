"""Extract the French catalogues: one per app (``<app>/locale``) and one for the project
(``locale/``: curiouslab/ and templates/). Needs GNU gettext (xgettext), a developer's tool;
the compiled .mo files are committed and `make` recompiles them with polib.

Django's makemessages must run inside each app folder, but an app's ``rules.py`` would then
hide the ``rules`` package: Django is set up here, from the project root, before moving."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "challenges",
    "cohorts",
    "sessions",
    "trophies",
    "documents",
    "territories",
    "privacy",
    "onboarding",
    "commons",
    "calls",
    "sprints",
    "opendata",
]
COMMON_IGNORES = [".venv", "var", "tests", "bench", "node_modules", "static", "migrations"]

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curiouslab.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402


def main() -> None:
    for app in APPS:
        (ROOT / app / "locale").mkdir(exist_ok=True)
        os.chdir(ROOT / app)
        call_command(
            "makemessages", locale=["fr"], ignore_patterns=COMMON_IGNORES, no_obsolete=True
        )
    os.chdir(ROOT)
    call_command(
        "makemessages",
        locale=["fr"],
        ignore_patterns=[*COMMON_IGNORES, *APPS, "scripts"],
        no_obsolete=True,
    )


if __name__ == "__main__":
    main()
