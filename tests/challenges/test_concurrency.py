"""Two coordinators deciding at the same moment, for real: two threads, two connections,
PostgreSQL row locks. (SQLite serialises writers differently; the stale-object case is
tested in test_services on every database.)"""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection, transaction

from challenges import services
from challenges.models import Challenge, ChallengeStatus, ChallengeTransition
from curiouslab.accounts.models import Role
from curiouslab.errors import DomainError
from tests.challenges.factories import on_side, submitted
from tests.factories import member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.USING_POSTGRESQL, reason="needs PostgreSQL row locks"),
]


def test_second_coordinator_waits_for_the_first_and_is_refused(world):
    challenge = submitted(**on_side(world.a))
    first, second = world.a.people["coordinator"], member(Role.COORDINATOR, world.a.departement)
    accepted = threading.Event()
    outcome: dict[str, object] = {}

    def accept_and_hold():
        try:
            with transaction.atomic():
                services.challenge_accept(challenge=challenge, actor=first)
                accepted.set()
                time.sleep(0.5)  # still holding the row lock
        finally:
            connection.close()

    def decline():
        try:
            accepted.wait(5)
            started = time.monotonic()
            try:
                services.challenge_decline(challenge=challenge, actor=second, message="Non.")
            except DomainError as exc:
                outcome["error"] = str(exc)
            outcome["waited"] = time.monotonic() - started
        finally:
            connection.close()

    threads = [threading.Thread(target=accept_and_hold), threading.Thread(target=decline)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert "déjà statué" in outcome["error"]
    assert outcome["waited"] >= 0.3  # it waited for the lock instead of overwriting
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.ACCEPTED
    assert not ChallengeTransition.objects.filter(to_status="declined").exists()
