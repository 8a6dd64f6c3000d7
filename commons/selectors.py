"""The commons' reads. What the public sees starts here: published only, names only with
consent, files only under an open licence. The private pages start from
``publications_visible_to(user)``."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from challenges.enums import Theme
from challenges.selectors import SEARCH_CONFIG
from cohorts.models import (
    DeliverableFile,
    DeliverableVersion,
    KickoffScenario,
    Programme,
    Team,
    TeamMember,
)
from cohorts.selectors import cohorts_managed_by
from commons.enums import OutcomeStatus, PublicationStatus
from commons.models import NameConsent, Outcome, OutcomeMilestone, Publication
from curiouslab.accounts.models import Role
from curiouslab.accounts.roles import roles_for
from territories.models import Departement
from trophies.models import Award


def publications_public() -> QuerySet[Publication]:
    return Publication.objects.filter(status=PublicationStatus.PUBLISHED).select_related(
        "team__cohort__programme", "team__challenge__municipality"
    )


def public_member_names(publication: Publication) -> list[str]:
    """The names of the members who consented, and only while it is published."""
    if publication.status != PublicationStatus.PUBLISHED:
        return []
    return [
        c.user.get_full_name()
        for c in publication.consents.filter(given=True)
        .select_related("user")
        .order_by("user__last_name")
    ]


def public_files(publication: Publication) -> QuerySet[DeliverableFile]:
    """The files a visitor may download: none unless published under an open licence."""
    if publication.status != PublicationStatus.PUBLISHED or not publication.files_downloadable:
        return DeliverableFile.objects.none()
    return DeliverableFile.objects.filter(version__in=publication.public_versions.all())


# --- The private pages ----------------------------------------------------------------------


def publications_visible_to(user) -> QuerySet[Publication]:
    """The publications a signed-in person follows: the coordinators of the programme, the
    municipality of the challenge, the team's members (with a student role). Nobody else."""
    r = roles_for(user)
    condition = Q(pk__in=[])
    coordinated = r.orgs(Role.COORDINATOR)
    if coordinated:
        condition |= Q(team__cohort__programme__organisation_id__in=coordinated)
    municipalities = r.orgs(Role.MUNICIPAL_STAFF)
    if municipalities:
        condition |= Q(team__challenge__municipality_id__in=municipalities)
    if r.has(Role.STUDENT):
        condition |= Q(team_id__in=TeamMember.objects.filter(user_id=user.pk).values("team_id"))
    return Publication.objects.filter(condition).select_related(
        "team__cohort__programme", "team__challenge__municipality"
    )


def teams_to_propose(user) -> QuerySet[Team]:
    """The teams of the cohorts ``user`` coordinates whose closing session is past, with a
    challenge and not yet offered to the commons."""
    return (
        Team.objects.filter(
            cohort__in=cohorts_managed_by(user),
            cohort__closing__lte=timezone.localdate(),
            challenge__isnull=False,
            publication__isnull=True,
        )
        .select_related("cohort", "challenge__municipality")
        .order_by("-cohort__closing", "name", "pk")
    )


def consent_of(publication: Publication, user) -> NameConsent | None:
    return NameConsent.objects.filter(publication=publication, user_id=user.pk).first()


def consents_of(publication: Publication) -> list[NameConsent]:
    return list(publication.consents.select_related("user").order_by("user__last_name", "user__pk"))


def team_versions(publication: Publication) -> list[DeliverableVersion]:
    """The team's deliverable versions the coordinator may make public, newest first."""
    return list(
        DeliverableVersion.objects.filter(deliverable__team_id=publication.team_id)
        .select_related("deliverable__milestone")
        .prefetch_related("files")
        .order_by("deliverable__milestone__deadline", "-number")
    )


def cohort_publication_counts(cohort) -> dict[str, int]:
    """How many of the cohort's projects are at each stage of publication (one query)."""
    rows = (
        Publication.objects.filter(team__cohort=cohort)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


# --- The public archive ---------------------------------------------------------------------

ARCHIVE_PAGE_SIZE = 20
# On PostgreSQL the search ranks at most this many of the most recent matches (as the review
# queue's search, challenges.selectors.SEARCH_CAP).
SEARCH_CAP = 500
SORTS = ("relevance", "date")


def with_departement(queryset: QuerySet[Publication]) -> QuerySet[Publication]:
    """The département of each project: its commune's, else the coordinating body's."""
    return queryset.annotate(
        departement_code=Coalesce(
            "team__challenge__municipality__commune__departement_id",
            "team__cohort__programme__organisation__departement_id",
        )
    )


@dataclass(frozen=True)
class ArchiveFilters:
    q: str = ""
    theme: str = ""
    departement: str = ""
    year: int | None = None
    programme: str = ""
    outcome: str = ""
    sort: str = "date"

    @classmethod
    def from_query(cls, params) -> ArchiveFilters:
        year = params.get("year", "").strip()
        sort = params.get("sort", "")
        q = params.get("q", "").strip()[:200]
        return cls(
            q=q,
            theme=params.get("theme", "")[:30] if params.get("theme") in Theme.values else "",
            departement=params.get("departement", "").strip()[:3],
            year=int(year) if year.isascii() and year.isdigit() and len(year) == 4 else None,
            programme=params.get("programme", "").strip()[:80],
            outcome=params.get("outcome", "")
            if params.get("outcome") in OutcomeStatus.values
            else "",
            sort=sort if sort in SORTS else ("relevance" if q else "date"),
        )

    def querystring(self, **overrides) -> str:
        values = {
            "q": self.q,
            "theme": self.theme,
            "departement": self.departement,
            "year": self.year or "",
            "programme": self.programme,
            "outcome": self.outcome,
            "sort": self.sort,
            **overrides,
        }
        return urlencode({k: v for k, v in values.items() if v})

    @property
    def active(self) -> bool:
        return bool(
            self.q or self.theme or self.departement or self.year or self.programme or self.outcome
        )


def _search(queryset: QuerySet[Publication], text: str, *, ranked: bool) -> QuerySet[Publication]:
    """Published projects matching ``text``: French full text over the challenge (the
    tsvector the challenges app keeps) on PostgreSQL, each word's icontains elsewhere."""
    if settings.USING_POSTGRESQL:
        from django.contrib.postgres.search import SearchQuery, SearchRank  # noqa: PLC0415 -- PostgreSQL only: this branch runs on PostgreSQL, SQLite takes the other

        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        recent = (
            queryset.filter(Q(team__challenge__search_vector=query) | Q(team__name__icontains=text))
            .order_by("-published_at", "-id")
            .values("pk")[:SEARCH_CAP]
        )
        queryset = queryset.filter(pk__in=recent)
        if ranked:
            return queryset.annotate(
                rank=SearchRank(F("team__challenge__search_vector"), query)
            ).order_by(F("rank").desc(nulls_last=True), "-published_at", "-id")
        return queryset.order_by("-published_at", "-id")
    for word in text.split()[:10]:
        queryset = queryset.filter(
            Q(team__challenge__title__icontains=word)
            | Q(team__challenge__question__icontains=word)
            | Q(team__challenge__territory__icontains=word)
            | Q(team__challenge__stakes__icontains=word)
            | Q(team__name__icontains=word)
            | Q(team__challenge__municipality__name__icontains=word)
        )
    return queryset.order_by("-published_at", "-id")


def archive(filters: ArchiveFilters) -> QuerySet[Publication]:
    """The published projects of every programme, filtered, searched and sorted."""
    qs = with_departement(publications_public()).select_related(
        "team__challenge__municipality__commune", "outcome"
    )
    if filters.theme:
        qs = qs.filter(team__challenge__theme=filters.theme)
    if filters.departement:
        qs = qs.filter(departement_code=filters.departement)
    if filters.year:
        qs = qs.filter(team__cohort__year=filters.year)
    if filters.programme:
        qs = qs.filter(team__cohort__programme__slug=filters.programme)
    if filters.outcome == OutcomeStatus.IDEA:  # no follow-up yet reads as an idea
        qs = qs.filter(Q(outcome__status=OutcomeStatus.IDEA) | Q(outcome__isnull=True))
    elif filters.outcome:
        qs = qs.filter(outcome__status=filters.outcome)
    if filters.q:
        return _search(qs, filters.q, ranked=filters.sort == "relevance")
    return qs.order_by("-published_at", "-id")


def archive_choices() -> dict:
    """The values the archive's filters offer: only those some published project has
    (three small queries, whatever the size of the archive)."""
    public = with_departement(publications_public())
    codes = public.values("departement_code").distinct()
    return {
        "themes": Theme.choices,
        "departements": list(
            Departement.objects.filter(code__in=codes).order_by("code").values_list("code", "name")
        ),
        "years": list(
            public.order_by("-team__cohort__year")
            .values_list("team__cohort__year", flat=True)
            .distinct()
        ),
        "programmes": list(
            Programme.objects.filter(
                cohorts__teams__publication__status=PublicationStatus.PUBLISHED
            )
            .distinct()
            .order_by("name")
            .values_list("slug", "name")
        ),
    }


def public_project(slug: str) -> Publication | None:
    return (
        with_departement(publications_public())
        .select_related(
            "team__challenge__municipality__commune__departement",
            "team__cohort__programme__organisation",
        )
        .filter(slug=slug)
        .first()
    )


def project_schools(publication: Publication) -> list[str]:
    return list(
        TeamMember.objects.filter(team_id=publication.team_id)
        .values_list("school__name", flat=True)
        .distinct()
        .order_by("school__name")
    )


def project_scenario(publication: Publication) -> KickoffScenario | None:
    """The scenario the commune picked at kickoff (its text; its files stay private)."""
    return (
        KickoffScenario.objects.filter(team_id=publication.team_id, selected=True)
        .order_by("-selected_at", "-pk")
        .first()
    )


def project_awards(publication: Publication) -> list[Award]:
    return list(Award.objects.filter(team_id=publication.team_id).order_by("rank", "category"))


def project_files(publication: Publication) -> list[DeliverableFile]:
    return list(
        public_files(publication)
        .select_related("version__deliverable__milestone")
        .order_by("version__deliverable__milestone__deadline", "-version__number", "pk")
    )


# --- The directory of programmes ------------------------------------------------------------


def programmes_public() -> QuerySet[Programme]:
    """Every programme of the instance with its number of published projects."""
    return (
        Programme.objects.select_related("organisation__departement")
        .annotate(
            published=Count(
                "cohorts__teams__publication",
                filter=Q(cohorts__teams__publication__status=PublicationStatus.PUBLISHED),
            )
        )
        .order_by("name")
    )


# --- Follow-up ------------------------------------------------------------------------------


def project_outcome(publication: Publication) -> tuple[Outcome | None, list[OutcomeMilestone]]:
    outcome = Outcome.objects.filter(publication=publication).first()
    if outcome is None:
        return None, []
    return outcome, list(outcome.milestones.all())


def realisation(queryset: QuerySet[Publication]) -> dict:
    """How many of these publications were built, out of how many (one query)."""
    figures = queryset.order_by().aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(outcome__status=OutcomeStatus.DONE))
    )
    total, done = figures["total"] or 0, figures["done"] or 0
    return {"total": total, "done": done, "rate": round(100 * done / total) if total else None}
