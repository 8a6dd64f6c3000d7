from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    """Programme sessions (kickoff, working sessions, visits, closing). The label is not
    "sessions": that one belongs to django.contrib.sessions."""

    name = "sessions"
    label = "meetings"
    verbose_name = _("Sessions and attendance")
