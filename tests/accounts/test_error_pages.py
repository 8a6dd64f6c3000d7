"""Styled error pages: the site's layout, a clear message, the right status."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from curiouslab import views

pytestmark = pytest.mark.django_db


def test_404_uses_the_site_layout(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'id="main"' in page and "Curious Lab" in page
    assert "Cette page n’existe pas" in page or "Cette page n'existe pas" in page


def test_403_for_a_role_without_access(world, login):
    response = login(world.a.people["student"]).get(reverse("accounts:invitation_list"))
    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]


def test_500_page_renders_without_a_request_context():
    request = RequestFactory().get("/")
    response = views.server_error(request)
    assert response.status_code == 500
    assert b"500" in response.content and b'lang="fr"' in response.content


def test_400_page():
    response = views.bad_request(RequestFactory().get("/"))
    assert response.status_code == 400
