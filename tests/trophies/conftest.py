import pytest


@pytest.fixture
def as_user(client):
    def _as(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="curiouslab.accounts.backends.ModelBackend")
        return client

    return _as
