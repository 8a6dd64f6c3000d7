"""The list pages of the calls answer with the same number of queries for one row and many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls import services
from calls.models import Assignment
from tests.calls.factories import applicant, applicant_org, expert_user, make_dossier

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(cfp, experts, n, start=0):
    """``n`` more submitted dossiers, each assigned to every expert, with submitted opinions
    and a declared conflict each."""
    for i in range(start, start + n):
        org = applicant_org(name=f"Porteur {i}")
        person = applicant(org)
        dossier = make_dossier(cfp.call, org, person, submit=True, title=f"Dossier {i}")
        for user, seat in experts:
            a = Assignment.objects.create(expert=seat, dossier=dossier)
            services.opinion_save(
                assignment=a,
                actor=user,
                scores={c.pk: (i + seat.pk) % 6 for c in cfp.call.criteria.all()},
                confidence=2,
                strengths="",
                weaknesses="",
                recommendation="retain",
                submit=True,
            )
        user, seat = experts[0]
        services.conflict_declare(expert=seat, actor=user, organisation=applicant_org(), reason="")


def test_list_pages_constant_queries(cfp, login):
    experts = [expert_user(cfp.call, tags=["santé"])]
    _grow(cfp, experts, 1)
    coordinator = login(cfp.coordinator)
    urls = [
        f"/appels/{cfp.call.pk}/",
        f"/appels/{cfp.call.pk}/experts/",
        f"/appels/{cfp.call.pk}/assignments/",
        f"/appels/{cfp.call.pk}/synthesis/",
        f"/appels/{cfp.call.pk}/ranking.csv",
        "/appels/",
    ]
    for url in urls:
        coordinator.get(url)
    one = {url: _queries(coordinator, url) for url in urls}
    expert_client = login(experts[0][0])
    expert_one = _queries(expert_client, "/appels/expert/")
    experts += [expert_user(cfp.call) for _ in range(2)]
    _grow(cfp, experts, 6, start=1)
    coordinator = login(cfp.coordinator)
    for url in urls:
        coordinator.get(url)
    many = {url: _queries(coordinator, url) for url in urls}
    assert many == one
    expert_client = login(experts[0][0])
    assert _queries(expert_client, "/appels/expert/") == expert_one
    page = expert_client.get("/appels/expert/").content.decode()
    assert page.count("/appels/expert/opinions/") == 7


def test_applicant_home_constant_queries(cfp, login):
    client = login(cfp.person)
    make_dossier(cfp.call, cfp.org, cfp.person, title="Premier")
    client.get("/appels/")
    one = _queries(client, "/appels/")
    from tests.calls.factories import make_call

    for i in range(5):
        call = make_call(cfp.programme, slug=f"autre-{i}")
        make_dossier(call, cfp.org, cfp.person, title=f"Autre {i}")
    assert _queries(client, "/appels/") == one
    assert client.get("/appels/").content.decode().count("/appels/dossiers/") == 6
