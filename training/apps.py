from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """The agents' school of innovation: training modules scheduled as sessions, each agent's
    training record, experiments on a territory and their replication sheet."""

    name = "training"
    verbose_name = _("Agents' school: modules and experiments")
