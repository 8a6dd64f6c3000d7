"""Reads of the sprints app. Each scoped read starts from what the user may see, so that an
outsider (a site coordinator of another site) gets a 404."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from cohorts.models import Team
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from sprints.enums import RegistrationStatus
from sprints.models import AgendaItem, Edition, Feedback, Registration, Site, SiteChallenge


def editions_managed_by(user) -> QuerySet[Edition]:
    """The editions whose programme the user coordinates (the national coordinator)."""
    if not user.is_authenticated:
        return Edition.objects.none()
    return Edition.objects.filter(
        cohort__programme__organisation_id__in=roles_for(user).orgs(Role.COORDINATOR)
    ).select_related("cohort__programme")


def sites_visible_to(user) -> QuerySet[Site]:
    """The sites a user runs: every site of the programmes they coordinate, and the sites
    they are a local coordinator of."""
    if not user.is_authenticated:
        return Site.objects.none()
    q = Q(coordinators=user)
    coordinated = roles_for(user).orgs(Role.COORDINATOR)
    if coordinated:
        q |= Q(edition__cohort__programme__organisation_id__in=coordinated)
    return Site.objects.filter(pk__in=Site.objects.filter(q).values("pk")).select_related(
        "edition__cohort__programme"
    )


def sprint_teams_visible_to(user) -> QuerySet[Team]:
    """The sprint teams a signed-in user may open: their programme's, their sites', their
    municipality's challenges'. (A participant reaches their own team by their pass.)"""
    if not user.is_authenticated:
        return Team.objects.none()
    r = roles_for(user)
    q = Q(sprint_challenge__site__coordinators=user)
    if r.has(Role.COORDINATOR):
        q |= Q(cohort__programme__organisation_id__in=r.orgs(Role.COORDINATOR))
    if r.has(Role.MUNICIPAL_STAFF):
        q |= Q(challenge__municipality_id__in=r.orgs(Role.MUNICIPAL_STAFF))
    return sprint_teams().filter(pk__in=Team.objects.filter(q).values("pk"))


def sprint_teams() -> QuerySet[Team]:
    return Team.objects.filter(sprint_challenge__isnull=False).select_related(
        "cohort__programme",
        "challenge__municipality",
        "sprint_challenge__site__edition",
    )


def public_edition(edition_id: int) -> Edition | None:
    return Edition.objects.select_related("cohort__programme").filter(pk=edition_id).first()


def edition_sites(edition: Edition) -> list[Site]:
    """The sites with their challenges (and each challenge's fiche), in two queries."""
    return list(
        edition.sites.prefetch_related(
            Prefetch(
                "site_challenges",
                queryset=SiteChallenge.objects.select_related("challenge__municipality").order_by(
                    "challenge__title"
                ),
            )
        )
    )


@dataclass
class SiteFigures:
    site: Site
    confirmed: int = 0
    waiting: int = 0
    cancelled: int = 0
    checked_in: int = 0
    challenges: int = 0
    placed: int = 0
    feedback: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def free(self) -> int:
        return max(self.site.capacity - self.site.registered, 0)

    @property
    def fill_percent(self) -> int:
        return round(100 * self.site.registered / self.site.capacity) if self.site.capacity else 0


def sites_figures(sites: QuerySet[Site]) -> list[SiteFigures]:
    """Every site's figures in four queries, whatever the number of sites and participants:
    the sites, the registrations by site and status, the challenges by site, the feedback by
    site."""
    rows = {s.pk: SiteFigures(site=s) for s in sites}
    ids = list(rows)
    for r in (
        Registration.objects.filter(site_id__in=ids)
        .values("site_id", "status")
        .annotate(
            n=Count("id"),
            checked=Count("id", filter=Q(checked_in_at__isnull=False)),
            placed=Count("id", filter=Q(team__isnull=False)),
        )
    ):
        f = rows[r["site_id"]]
        f.by_status[r["status"]] = r["n"]
        f.checked_in += r["checked"]
        if r["status"] == RegistrationStatus.CONFIRMED:
            f.placed += r["placed"]
    for r in (
        SiteChallenge.objects.filter(site_id__in=ids).values("site_id").annotate(n=Count("id"))
    ):
        rows[r["site_id"]].challenges = r["n"]
    for r in (
        Feedback.objects.filter(stand__site_id__in=ids)
        .values("stand__site_id")
        .annotate(n=Count("id"))
    ):
        rows[r["stand__site_id"]].feedback = r["n"]
    for f in rows.values():
        f.confirmed = f.by_status.get(RegistrationStatus.CONFIRMED, 0)
        f.waiting = f.by_status.get(RegistrationStatus.WAITING, 0)
        f.cancelled = f.by_status.get(RegistrationStatus.CANCELLED, 0)
    return list(rows.values())


def site_agenda(site: Site) -> list[AgendaItem]:
    return list(site.agenda_items.select_related("session").order_by("session__starts_at"))


def site_challenges(site: Site) -> list[SiteChallenge]:
    return list(
        site.site_challenges.select_related("challenge__municipality", "team").annotate(
            members=Count(
                "team__sprint_registrations",
                filter=Q(team__sprint_registrations__status=RegistrationStatus.CONFIRMED),
            ),
            feedback_count=Count("feedback", distinct=True),
        )
    )


def site_registrations(site: Site, status: str | None = None) -> QuerySet[Registration]:
    qs = site.registrations.select_related("team", "choice_1__challenge")
    return qs.filter(status=status) if status else qs


def team_members(team: Team) -> list[Registration]:
    return list(
        team.sprint_registrations.filter(status=RegistrationStatus.CONFIRMED).order_by(
            "last_name", "first_name"
        )
    )


def stand_by_token(token: str) -> SiteChallenge | None:
    return (
        SiteChallenge.objects.select_related("challenge", "team", "site__edition__cohort")
        .filter(stand_token=token)
        .first()
    )


def feedback_count(stand: SiteChallenge) -> int:
    return Feedback.objects.filter(stand=stand).count()


def feedback_summary(stand: SiteChallenge) -> dict:
    rows = list(stand.feedback.order_by("-created_at").values("useful", "usable", "change"))
    n = len(rows)
    return {
        "count": n,
        "useful": round(sum(r["useful"] for r in rows) / n, 1) if n else None,
        "usable": round(sum(r["usable"] for r in rows) / n, 1) if n else None,
        "changes": [r["change"] for r in rows if r["change"]][:20],
    }
