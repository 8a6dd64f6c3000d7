"""Reads of the referential: the commune autocomplete's search."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from territories.models import Commune
from territories.referential import normalise

SUGGESTIONS = 10
MAX_QUERY = 80


def communes_matching(query: str, *, departements=None, limit: int = SUGGESTIONS) -> QuerySet:
    """Communes whose name starts with the query (or one of its words does, accents ignored),
    or whose INSEE code or a postcode starts with it; the most populated first. A query of
    fewer than two characters matches nothing. ``departements``, when given, bounds the search
    to those départements' codes (a coordinator's territory)."""
    query = query.strip()[:MAX_QUERY]
    communes = Commune.objects.select_related("departement")
    if departements is not None:
        communes = communes.filter(departement_id__in=departements)
    if query.replace(" ", "").isdigit() or (len(query) <= 5 and query[:2].upper() in ("2A", "2B")):
        code = query.replace(" ", "").upper()
        if len(code) < 2:
            return communes.none()
        match = (
            Q(insee__startswith=code)
            | Q(postcodes__startswith=code)
            | Q(postcodes__contains=f" {code}")
        )
    else:
        words = normalise(query)
        if len(words) < 2:
            return communes.none()
        match = Q(search_name__startswith=words) | Q(search_name__contains=f" {words}")
    return communes.filter(match).order_by("-population", "name")[:limit]
