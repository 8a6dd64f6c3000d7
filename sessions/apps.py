from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from curiouslab.panels import Panel, register_panel


def _dashboard_attendance(cohort) -> dict:
    from sessions.selectors import attendance_summary  # noqa: PLC0415 -- models load after ready()

    return {"cohort": cohort, "attendance": attendance_summary(cohort)}


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
