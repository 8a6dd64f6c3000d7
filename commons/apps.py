from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from curiouslab.panels import Panel, register_panel


def _team_panel(team) -> dict:
    from commons.enums import PublicationStatus  # noqa: PLC0415 -- models load after the registry is ready
    from commons.models import Publication  # noqa: PLC0415 -- models load after the registry is ready

    publication = Publication.objects.filter(team=team).first()
    return {
        "team": team,
        "publication": publication,
        "is_public": publication is not None and publication.status == PublicationStatus.PUBLISHED,
        "closed": team.challenge_id is not None and timezone.localdate() >= team.cohort.closing,
    }


def _dashboard_panel(cohort) -> dict:
    from commons import selectors  # noqa: PLC0415 -- models load after the registry is ready

    return {
        "cohort": cohort,
        "counts": selectors.cohort_publication_counts(cohort),
        "realisation": selectors.realisation(
            selectors.publications_public().filter(team__cohort=cohort)
        ),
    }


class CommonsConfig(AppConfig):
    name = "commons"
    verbose_name = _("The commons")

    def ready(self) -> None:
        from commons import rules  # noqa: F401, PLC0415 -- registers the perms once the registry is ready

        register_panel("cohorts.team", Panel("commons/_team_panel.html", _team_panel))
        register_panel(
            "cohorts.dashboard", Panel("commons/_dashboard_panel.html", _dashboard_panel)
        )
