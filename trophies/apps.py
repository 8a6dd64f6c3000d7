from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrophiesConfig(AppConfig):
    name = "trophies"
    verbose_name = _("Jury and trophies")
