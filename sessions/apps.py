from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from curiouslab.panels import Panel, register_panel


def _dashboard_attendance(cohort) -> dict:
    # No query: the panel loads its figures after the dashboard (sessions:attendance_summary).
    return {"cohort": cohort}


class SessionsConfig(AppConfig):
    """Programme sessions (kickoff, working sessions, visits, closing). The label is not
    "sessions": that one belongs to django.contrib.sessions."""

    name = "sessions"
    label = "meetings"
    verbose_name = _("Sessions and attendance")

    def ready(self):
        register_panel(
            "cohorts.dashboard", Panel("sessions/_dashboard_attendance.html", _dashboard_attendance)
        )
