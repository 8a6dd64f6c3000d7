"""The API's answers, cached until something public changes: the key holds the request's
address and ``selectors.generation()`` (published count, latest publication, consent and
follow-up), so an unpublished project or a withdrawn consent leaves the API at once; a minute
bounds any other change (a licence)."""

from __future__ import annotations

import functools
import hashlib

from django.core.cache import cache

from opendata import selectors

TIMEOUT = 60


def cached(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        raw = f"{request.path}?{request.META.get('QUERY_STRING', '')}|{selectors.generation()}"
        key = "opendata:" + hashlib.sha256(raw.encode()).hexdigest()
        answer = cache.get(key)
        if answer is None:
            answer = view(request, *args, **kwargs)
            cache.set(key, answer, TIMEOUT)
        return answer

    return wrapper
