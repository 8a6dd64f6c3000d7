"""Every URL pattern of the project, tried by every persona (see tests/matrix.py)."""

import pytest
from django.urls import URLResolver, get_resolver

from tests.matrix import all_rows, build_all
from tests.world import PERSONAS

ADMIN_REPRESENTATIVE = "admin:index"


def url_names(patterns=None, namespace=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from url_names(p.url_patterns, ns)
        else:
            yield namespace + (p.name or f"<unnamed {p.pattern}>")


def test_every_url_pattern_has_a_matrix_row():
    rows = all_rows()
    missing = sorted(
        name
        for name in set(url_names())
        if name not in rows and not (name.startswith("admin:") and "admin:*" in rows)
    )
    assert not missing, f"URL patterns without a row in the role × URL matrix: {missing}"
    stale = sorted(set(rows) - set(url_names()) - {"admin:*"})
    assert not stale, f"Matrix rows for URL names that no longer exist: {stale}"


def test_every_row_names_every_persona():
    for _name, row in all_rows().items():
        for persona in PERSONAS:
            row.status_for(persona)  # raises KeyError when a persona has no expectation


@pytest.mark.django_db
def test_role_url_matrix(client):
    from tests.world import build_world

    world = build_world()
    build_all(world)
    failures = []
    for name, row in sorted(all_rows().items()):
        url_name = ADMIN_REPRESENTATIVE if name == "admin:*" else name
        url = row.url(url_name, world)
        for persona in PERSONAS:
            client.logout()
            user = world.persona(persona)
            if user is not None:
                client.force_login(user, backend="curiouslab.accounts.backends.ModelBackend")
            data = row.data(world) if row.data else {}
            response = getattr(client, row.method)(url, data)
            expected = row.status_for(persona)
            if response.status_code != expected:
                failures.append(
                    f"{row.method.upper()} {url} as {persona}: {response.status_code}, expected {expected}"
                )
    assert not failures, "\n".join(failures)
