"""Every full HTML page of the project passes the accessibility basics (lang, skip link,
landmarks, labelled fields, no inline script or style): each GET row of the role × URL
matrix is fetched as the first persona that gets a 200."""

import pytest

from tests.accounts.test_ui_accessibility import assert_accessible_basics
from tests.matrix import all_rows, build_all
from tests.test_url_matrix import ADMIN_REPRESENTATIVE
from tests.world import PERSONAS, build_world


@pytest.mark.django_db
def test_every_page_meets_the_accessibility_basics(client):
    world = build_world()
    build_all(world)
    checked, failures = [], []
    for name, row in sorted(all_rows().items()):
        if row.method != "get" or name == "admin:*":
            continue
        persona = next((p for p in PERSONAS if row.status_for(p) == 200), None)
        if persona is None:
            continue
        url = row.url(ADMIN_REPRESENTATIVE if name == "admin:*" else name, world)
        client.logout()
        user = world.persona(persona)
        if user is not None:
            client.force_login(user, backend="curiouslab.accounts.backends.ModelBackend")
        response = client.get(url)
        if response.streaming or not response["Content-Type"].startswith("text/html"):
            continue  # downloads, feeds, JSON
        html = response.content.decode(errors="replace")
        if "<html" not in html:
            continue  # HTMX fragments
        try:
            assert_accessible_basics(html)
        except AssertionError as exc:
            failures.append(f"{url} as {persona}: {exc}")
        checked.append(url)
    assert len(checked) > 40, checked  # the crawl really reached the apps' pages
    assert not failures, "\n".join(failures)
