"""Reads: every query starts from what the user may see."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from challenges.models import Challenge, ChallengeStatus
from cohorts.selectors import programmes_coordinated_by
from curiouslab.accounts.models import Membership, Organisation, Role, User
from curiouslab.accounts.roles import roles_for


def challenges_visible_to(user) -> QuerySet[Challenge]:
    """Municipal staff see their municipality's challenges (drafts included); coordinators
    see the challenges of their programmes once submitted. Nobody else sees any."""
    r = roles_for(user)
    condition = Q(pk__in=[])
    staff_orgs = r.orgs(Role.MUNICIPAL_STAFF)
    if staff_orgs:
        condition |= Q(municipality_id__in=staff_orgs)
    coord_orgs = r.orgs(Role.COORDINATOR)
    if coord_orgs:
        condition |= Q(programme__organisation_id__in=coord_orgs, submitted_at__isnull=False)
    return Challenge.objects.filter(condition)


def challenges_of_municipalities(user) -> QuerySet[Challenge]:
    """The challenges of the municipalities where ``user`` works (the "My challenges" list)."""
    return Challenge.objects.filter(
        municipality_id__in=roles_for(user).orgs(Role.MUNICIPAL_STAFF)
    ).select_related("municipality", "call")


def challenges_for_review(user) -> QuerySet[Challenge]:
    """The submitted challenges of the programmes ``user`` coordinates. The programme ids are
    fetched first (one small query) so that PostgreSQL can walk the queue index
    (programme, -submitted_at) instead of joining."""
    programme_ids = list(programmes_coordinated_by(user).values_list("id", flat=True))
    return Challenge.objects.filter(
        programme_id__in=programme_ids, submitted_at__isnull=False
    ).select_related("municipality", "call")


# --- Full-text search -----------------------------------------------------------------------

SEARCH_CONFIG = "french"
# On PostgreSQL, the search ranks at most this many of the most recent matches.
SEARCH_CAP = 500
# Fields searched by the SQLite fallback. On PostgreSQL a trigger (migration 0004) keeps a
# weighted French tsvector of the text in ``search_vector``, under a GIN index.
SEARCH_FIELDS = ["title", "question", "territory", "stakes", "users_concerned"]


def search(queryset: QuerySet[Challenge], text: str) -> QuerySet[Challenge]:
    """Challenges matching every word of ``text``: French full-text search ranked by
    relevance on PostgreSQL, a case-insensitive match of each word elsewhere."""
    text = text.strip()[:200]
    if not text:
        return queryset
    if settings.USING_POSTGRESQL:
        from django.contrib.postgres.search import SearchQuery, SearchRank  # noqa: PLC0415 -- PostgreSQL only: this branch runs on PostgreSQL, SQLite takes the other

        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        # Rank a bounded set: the SEARCH_CAP most recent matches. A frequent word would
        # otherwise make PostgreSQL rank (and count) tens of thousands of rows.
        recent = (
            queryset.filter(search_vector=query)
            .order_by("-submitted_at", "-id")
            .values("pk")[:SEARCH_CAP]
        )
        return (
            queryset.filter(pk__in=recent)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-submitted_at", "-id")
        )
    for word in text.split()[:10]:
        word_q = Q()
        for name in SEARCH_FIELDS:
            word_q |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(word_q)
    return queryset


# --- Similar past challenges ----------------------------------------------------------------

# Frequent French words (accents removed, four letters or more) that say nothing about the
# subject of a challenge.
STOPWORDS = frozenset(
    {
        "avec", "comment", "dans", "elle", "leur", "leurs", "mais", "meme", "notre", "nous",
        "pour", "votre", "vous", "sont", "etre", "faire", "plus", "tous", "toutes", "tout",
        "toute", "afin", "ainsi", "comme", "mieux", "bien", "entre", "sans", "tres", "peut",
        "peuvent", "cette", "chaque", "depuis", "encore", "alors", "aussi", "autre", "autres",
    }
)  # fmt: skip


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _plain_words(*texts: str) -> set[str]:
    return {
        w
        for text in texts
        for w in re.findall(r"\w+", (text or "").lower())
        if len(w) >= 4 and _fold(w) not in STOPWORDS
    }


def keywords(*texts: str) -> set[str]:
    """The meaningful words of ``texts``, lower-cased, accents removed, crudely stemmed."""
    words = set()
    for text in texts:
        for word in re.findall(r"[a-z0-9]+", _fold(text or "")):
            if len(word) < 4 or word in STOPWORDS:
                continue
            words.add(word[:7])  # a poor man's stemmer: "inscriptions" ~ "inscription"
    return words


@dataclass(frozen=True)
class Similar:
    challenge: Challenge
    score: float


def similar_challenges_visible_to(user, at=None) -> QuerySet[Challenge]:
    """The past challenges ``user`` may compare with, outcome texts included: the accepted
    challenges of the earlier cohorts of the programmes they take part in (coordinated by
    their organisation, or open to their municipality's territory), once those cohorts are
    over. Other territories' challenges stay out until they are published with consent: that
    is ``published_challenges``, empty until the commons exists."""
    r = roles_for(user)
    programme_orgs = set(r.orgs(Role.COORDINATOR))
    municipalities = r.orgs(Role.MUNICIPAL_STAFF)
    if municipalities:
        programme_orgs |= set(
            Organisation.objects.filter(pk__in=municipalities, territory__isnull=False).values_list(
                "territory_id", flat=True
            )
        )
    own = Challenge.objects.filter(
        status=ChallengeStatus.ACCEPTED,
        cohort__programme__organisation_id__in=programme_orgs,
        cohort__closing__lt=timezone.localdate(at),
    )
    return (own | published_challenges()).select_related("municipality", "cohort")


def published_challenges() -> QuerySet[Challenge]:
    """The seam of the commons: challenges any territory may read because their
    municipality published them with consent. Nothing is published yet."""
    return Challenge.objects.none()


def similar_challenges(
    *,
    user,
    title: str,
    question: str,
    theme: str = "",
    before_year: int | None = None,
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[Similar]:
    """The past challenges closest to this text, best first, in one query. On PostgreSQL the
    full-text index preselects candidates sharing a word; elsewhere a LIKE on the title and
    question does. Candidates are then scored by word overlap (Jaccard), with a bonus for the
    same theme. Only among ``similar_challenges_visible_to(user)``, of cohorts before
    ``before_year`` when it is given."""
    words = keywords(title, question)
    if not words:
        return []
    qs = similar_challenges_visible_to(user)
    if before_year is not None:
        qs = qs.filter(cohort__year__lt=before_year)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    ordered = sorted(words, key=len, reverse=True)[:12]
    if settings.USING_POSTGRESQL:
        # The French stemmer of PostgreSQL wants the words as written.
        ordered = sorted(_plain_words(title, question), key=len, reverse=True)[:12]
        from django.contrib.postgres.search import SearchQuery, SearchRank  # noqa: PLC0415 -- PostgreSQL only: this branch runs on PostgreSQL, SQLite takes the other

        query = SearchQuery(" OR ".join(ordered), config=SEARCH_CONFIG, search_type="websearch")
        qs = (
            qs.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank")
        )
    else:
        condition = Q()
        for word in ordered:
            condition |= Q(title__icontains=word) | Q(question__icontains=word)
        qs = qs.filter(condition | Q(theme=theme) if theme else condition).order_by("-id")
    candidates = list(qs[:200])
    scored = []
    for candidate in candidates:
        other = keywords(candidate.title, candidate.question)
        if not other:
            continue
        score = len(words & other) / len(words | other)
        if theme and candidate.theme == theme:
            score += 0.1
        if score > 0.05:
            scored.append(Similar(candidate, round(score, 3)))
    scored.sort(key=lambda s: (-s.score, -s.challenge.pk))
    return scored[:limit]


# How long a challenge's similar challenges are kept for one reader: the key changes with
# each version of the challenge (``updated_at``), so an edit searches again at once.
SIMILAR_CACHE_SECONDS = 600


def similar_to_challenge(*, user, challenge: Challenge, limit: int = 5) -> list[Similar]:
    """``similar_challenges`` for a challenge's own text, as its detail page shows them: the
    search is about half the page's cost, so it is cached per version of the challenge, per
    reader (their scope, ``similar_challenges_visible_to``) and per day (earlier cohorts are
    those closed before today)."""
    key = (
        f"challenges:similar:{challenge.pk}:{challenge.updated_at.timestamp()}:"
        f"{user.pk}:{timezone.localdate().isoformat()}:{limit}"
    )
    found = cache.get(key)
    if found is None:
        found = similar_challenges(
            user=user,
            title=challenge.title,
            question=challenge.question,
            theme=challenge.theme,
            before_year=challenge.call.year if challenge.call else None,
            exclude_id=challenge.pk,
            limit=limit,
        )
        cache.set(key, found, SIMILAR_CACHE_SECONDS)
    return found


# --- People to notify -----------------------------------------------------------------------


def municipality_staff(challenge: Challenge) -> list[User]:
    return [
        m.user
        for m in Membership.objects.active()
        .filter(organisation_id=challenge.municipality_id, role=Role.MUNICIPAL_STAFF)
        .select_related("user")
        if m.user.is_active
    ]


def programme_coordinators(challenge: Challenge) -> list[User]:
    return [
        m.user
        for m in Membership.objects.active()
        .filter(organisation_id=challenge.programme.organisation_id, role=Role.COORDINATOR)
        .select_related("user")
        if m.user.is_active
    ]
