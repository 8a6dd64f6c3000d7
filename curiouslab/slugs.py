"""One way to give a row a free address: the slug of its name, then "-2", "-3" … when taken."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.text import slugify


def unique_slug(taken_in: QuerySet, text: str, *, max_length: int, fallback: str) -> str:
    """The slug of ``text`` (cut to ``max_length``, ``fallback`` when nothing is left) that
    no row of ``taken_in`` has yet; the taken ones are read in one query."""
    base = slugify(text)[:max_length] or fallback
    taken = set(taken_in.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
