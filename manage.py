#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curiouslab.settings")
    # Management commands on a developer's machine run in debug mode unless told otherwise;
    # production sets DEBUG=false (docker-compose.yml does), and the web process (wsgi) and
    # the Celery workers default to DEBUG off.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 -- Django's own manage.py: a clear message when Django is not installed

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
