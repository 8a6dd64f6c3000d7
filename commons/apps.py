from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonsConfig(AppConfig):
    name = "commons"
    verbose_name = _("The commons")

    def ready(self) -> None:
        from commons import rules  # noqa: F401, PLC0415 -- registers the perms once the registry is ready
