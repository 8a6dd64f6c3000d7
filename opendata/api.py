"""The read-only open-data API, ``/api/v1/``: the programmes, the published projects, their
challenges as the communes wrote them and their follow-ups, as JSON, with an OpenAPI 3 schema
generated from this code (``/api/v1/openapi.json``).

django-ninja rather than Django REST framework with drf-spectacular: the schema comes from
the same type hints that validate the query parameters and shape the answers (one
declaration, no serializer and schema kept side by side), it is a thin layer over plain
Django views (no second request/permission stack to configure), and it is fast. (No
``from __future__ import annotations`` here: ninja reads the annotations at import.) The API only
reads the commons' public selectors, so what is unpublished or not consented to cannot reach
it; every answer is paginated (``page``, 50 a page), rate-limited per address, and cached
until something public changes (``cache``)."""

import datetime

from django.core.paginator import Paginator
from django.http import Http404
from ninja import NinjaAPI, Query, Schema
from ninja.throttling import AnonRateThrottle

from commons import selectors as commons
from commons.enums import OutcomeStatus
from curiouslab.site import absolute_url
from opendata import selectors
from opendata.cache import cached

PAGE_SIZE = 50
MAX_PAGE = 10_000  # no request walks further (20,000 projects are 400 pages)

api = NinjaAPI(
    title="Curious Lab — open data",
    version="1",
    description=(
        "The published projects of every programme of the platform, their challenges and "
        "what became of them. Licence of each project: its `licence` field."
    ),
    urls_namespace="api",
    docs_url=None,  # no Swagger UI: it loads its script from a CDN, which the CSP forbids
    throttle=[AnonRateThrottle("120/m")],
)


class Page(Schema):
    count: int
    page: int
    pages: int


class ProgrammeOut(Schema):
    slug: str
    name: str
    organisation: str
    format: str
    url: str
    published_projects: int


class OutcomeOut(Schema):
    project: str
    status: str
    progress: int
    budget: int | None
    link: str
    updated_at: datetime.datetime


class ProjectOut(Schema):
    slug: str
    url: str
    title: str
    team: str
    members: list[str]
    programme: str
    year: int
    theme: str
    commune: str
    commune_insee: str | None
    departement: str | None
    licence: str
    published_at: datetime.datetime | None
    outcome_status: str


class ChallengeOut(Schema):
    project: str
    title: str
    question: str
    theme: str
    territory: str
    stakes: str
    stakeholders: str
    users_concerned: str
    obstacles: str
    levers: str
    expected_outcome: str
    commune: str


class ProgrammePage(Page):
    results: list[ProgrammeOut]


class ProjectPage(Page):
    results: list[ProjectOut]


class ChallengePage(Page):
    results: list[ChallengeOut]


class OutcomePage(Page):
    results: list[OutcomeOut]


class ProjectFilters(Schema):
    q: str = ""
    theme: str = ""
    departement: str = ""
    year: str = ""
    programme: str = ""
    outcome: str = ""
    page: int = 1


def _page(queryset, number: int, row) -> dict:
    paginator = Paginator(queryset, PAGE_SIZE)
    number = min(max(number, 1), MAX_PAGE)
    page = paginator.get_page(number)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [row(item) for item in page.object_list],
    }


def _filters(params: ProjectFilters) -> commons.ArchiveFilters:
    return commons.ArchiveFilters.from_query(params.dict(exclude={"page"}))


def _project(p) -> dict:
    challenge = p.team.challenge
    outcome = getattr(p, "outcome", None)
    return {
        "slug": p.slug,
        "url": absolute_url(f"/projets/{p.slug}/"),
        "title": challenge.title,
        "team": p.team.name,
        "members": [c.user.get_full_name() for c in p.public_consents],
        "programme": p.team.cohort.programme.slug,
        "year": p.team.cohort.year,
        "theme": challenge.theme,
        "commune": challenge.municipality.name,
        "commune_insee": challenge.municipality.commune_id,
        "departement": p.departement_code,
        "licence": p.licence,
        "published_at": p.published_at,
        "outcome_status": outcome.status if outcome else OutcomeStatus.IDEA,
    }


@api.get("/programmes", response=ProgrammePage, summary="Programmes")
@cached
def programmes(request, page: int = 1):
    return _page(
        commons.programmes_public(),
        page,
        lambda p: {
            "slug": p.slug,
            "name": p.name,
            "organisation": p.organisation.name,
            "format": p.format,
            "url": absolute_url(f"/programmes/{p.slug}/"),
            "published_projects": p.published,
        },
    )


@api.get("/projects", response=ProjectPage, summary="Published projects")
@cached
def projects(request, filters: Query[ProjectFilters]):
    return _page(selectors.projects(_filters(filters)), filters.page, _project)


@api.get("/projects/{slug}", response=ProjectOut, summary="One published project")
@cached
def project(request, slug: str):
    publication = selectors.project(slug[:140])
    if publication is None:
        raise Http404
    return _project(publication)


@api.get("/challenges", response=ChallengePage, summary="Challenges of published projects")
@cached
def challenges(request, filters: Query[ProjectFilters]):
    def row(p):
        c = p.team.challenge
        return {
            "project": p.slug,
            "commune": c.municipality.name,
            **{
                name: getattr(c, name)
                for name in (
                    "title",
                    "question",
                    "theme",
                    "territory",
                    "stakes",
                    "stakeholders",
                    "users_concerned",
                    "obstacles",
                    "levers",
                    "expected_outcome",
                )
            },
        }

    return _page(commons.archive(_filters(filters)), filters.page, row)


@api.get("/outcomes", response=OutcomePage, summary="Follow-ups of published projects")
@cached
def outcomes(request, page: int = 1):
    return _page(
        selectors.outcomes(),
        page,
        lambda o: {
            "project": o.publication.slug,
            "status": o.status,
            "progress": o.progress,
            "budget": int(o.budget) if o.budget is not None else None,
            "link": o.link,
            "updated_at": o.updated_at,
        },
    )
