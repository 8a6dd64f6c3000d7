"""What anybody sees, signed in or not: a published project's page with its public files,
the national archive and the directory of programmes. Every read starts from
``selectors.publications_public`` (published only, names with consent, files under an open
licence)."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from cohorts.models import Programme
from commons import selectors
from commons.enums import Licence, OutcomeStatus
from commons.models import Publication
from curiouslab.downloads import serve_stored_file
from curiouslab.site import absolute_url

LICENCE_URLS = {
    Licence.ETALAB: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
}
PHOTO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
# What json.dumps leaves that could close the <script> element or open a comment in it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _json_ld(data: dict) -> str:
    """schema.org data for a ``<script type="application/ld+json">``: a data block, which the
    browser never runs (the strict CSP needs no nonce for it), escaped so that no text of a
    commune can close the element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308 -- escaped above


def _project_json_ld(publication: Publication, url: str, names: list[str]) -> dict:
    team, challenge = publication.team, publication.team.challenge
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": challenge.title,
        "headline": challenge.title,
        "abstract": challenge.question,
        "url": url,
        "inLanguage": "fr",
        "datePublished": publication.published_at.date().isoformat()
        if publication.published_at
        else None,
        "creator": [{"@type": "Person", "name": n} for n in names]
        or [{"@type": "Organization", "name": team.name}],
        "sourceOrganization": {
            "@type": "Organization",
            "name": team.cohort.programme.organisation.name,
        },
        "spatialCoverage": {"@type": "Place", "name": str(challenge.municipality)},
        "isPartOf": {"@type": "CreativeWorkSeries", "name": team.cohort.programme.name},
    }
    if publication.licence in LICENCE_URLS:
        data["license"] = LICENCE_URLS[publication.licence]
    return {k: v for k, v in data.items() if v is not None}


def project(request, slug: str):
    publication = selectors.public_project(slug)
    if publication is None:
        raise Http404
    team, challenge = publication.team, publication.team.challenge
    names = selectors.public_member_names(publication)
    outcome, outcome_milestones = selectors.project_outcome(publication)
    url = absolute_url(reverse("commons:project", args=[publication.slug]))
    return render(
        request,
        "commons/project.html",
        {
            "publication": publication,
            "team": team,
            "challenge": challenge,
            "programme": team.cohort.programme,
            "names": names,
            "schools": selectors.project_schools(publication),
            "scenario": selectors.project_scenario(publication),
            "files": selectors.project_files(publication),
            "files_downloadable": publication.files_downloadable,
            "licence_url": LICENCE_URLS.get(publication.licence, ""),
            "awards": selectors.project_awards(publication),
            "outcome": outcome,
            "outcome_milestones": outcome_milestones,
            "canonical_url": url,
            "og_description": challenge.question[:300],
            "json_ld": _json_ld(_project_json_ld(publication, url, names)),
        },
    )


def project_file(request, slug: str, pk: int):
    """A public file, always as an attachment with nosniff (curiouslab.downloads)."""
    publication = selectors.public_project(slug)
    if publication is None:
        raise Http404
    file = get_object_or_404(selectors.public_files(publication), pk=pk)
    return serve_stored_file(
        file.path, filename=file.original_name, content_type=file.content_type, inline=False
    )


def project_photo(request, slug: str):
    """The follow-up's photo, shown on the project page (an image: inline, with nosniff)."""
    publication = selectors.public_project(slug)
    if publication is None:
        raise Http404
    outcome, _milestones = selectors.project_outcome(publication)
    if outcome is None or not outcome.photo:
        raise Http404
    name = outcome.photo.name
    content_type = PHOTO_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    return serve_stored_file(
        name, filename=f"{publication.slug}.{name.rsplit('.', 1)[-1]}", content_type=content_type
    )


def archive(request):
    filters = selectors.ArchiveFilters.from_query(request.GET)
    results = selectors.archive(filters)
    page = Paginator(results, selectors.ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "commons/archive.html",
        {
            "filters": filters,
            "page": page,
            "query": filters.querystring(),
            "choices": selectors.archive_choices(),
            "outcome_statuses": OutcomeStatus.choices,
            "realisation": selectors.realisation(selectors.publications_public()),
        },
    )


def programme_list(request):
    page = Paginator(selectors.programmes_public(), 50).get_page(request.GET.get("page"))
    return render(request, "commons/programme_list.html", {"page": page})


def programme_detail(request, slug: str):
    programme = get_object_or_404(
        Programme.objects.select_related("organisation__departement"), slug=slug
    )
    filters = selectors.ArchiveFilters(programme=programme.slug)
    page = Paginator(selectors.archive(filters), selectors.ARCHIVE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "commons/programme_detail.html",
        {
            "programme": programme,
            "cohorts": list(programme.cohorts.order_by("-year")),
            "page": page,
        },
    )
