"""The lists cost the same number of queries with 1 and with 50 challenges."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from challenges import services
from tests.challenges.factories import ChallengeFactory, on_side, submitted

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _assert_constant(client, url, add_one, django_assert_num_queries):
    add_one()
    with_one = _count(client, url)
    for _ in range(49):
        add_one()
    with django_assert_num_queries(with_one):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_review_queue_query_count_is_constant(world, login, django_assert_num_queries):
    client = login(world.a.people["coordinator"])
    response = _assert_constant(
        client,
        reverse("challenges:review_queue"),
        lambda: submitted(**on_side(world.a)),
        django_assert_num_queries,
    )
    assert response.context["page"].paginator.count == 50


def test_review_queue_with_filters_and_search_query_count_is_constant(
    world, login, django_assert_num_queries
):
    client = login(world.a.people["coordinator"])
    url = reverse("challenges:review_queue") + "?q=natation&status=submitted&theme=sports_loisirs"
    _assert_constant(
        client,
        url,
        lambda: submitted(**on_side(world.a), title="Natation"),
        django_assert_num_queries,
    )


def test_my_challenges_query_count_is_constant(world, login, django_assert_num_queries):
    staff = world.a.people["municipal_staff"]
    response = _assert_constant(
        login(staff),
        reverse("challenges:list"),
        lambda: ChallengeFactory(**on_side(world.a), created_by=staff),
        django_assert_num_queries,
    )
    assert response.context["page"].paginator.count == 50


def test_review_page_query_count_does_not_grow_with_history(
    world, login, django_assert_num_queries
):
    staff, coordinator = world.a.people["municipal_staff"], world.a.people["coordinator"]
    challenge = submitted(**on_side(world.a))
    client = login(coordinator)
    url = reverse("challenges:detail", kwargs={"pk": challenge.pk})
    services.challenge_comment_add(challenge=challenge, actor=staff, body="Bonjour")
    once = _count(client, url)
    for i in range(10):
        services.challenge_comment_add(challenge=challenge, actor=staff, body=f"Message {i}")
        services.challenge_update(challenge=challenge, actor=staff, data={"levers": f"Levier {i}"})
    with django_assert_num_queries(once):
        client.get(url)
