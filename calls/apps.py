from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Calls for projects")

    def ready(self) -> None:
        from calls import rules  # noqa: F401, PLC0415 -- registers the perms once the registry is ready
