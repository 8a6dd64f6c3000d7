import pytest

from tests.challenges.factories import ChallengeFactory, on_side, submitted


@pytest.fixture
def staff(world):
    return world.a.people["municipal_staff"]


@pytest.fixture
def coordinator(world):
    return world.a.people["coordinator"]


@pytest.fixture
def draft(world):
    return ChallengeFactory(**on_side(world.a))


@pytest.fixture
def pending(world):
    """A challenge of side A waiting for review."""
    return submitted(**on_side(world.a))
