import pytest

from tests.world import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    """Sign ``user`` in on the test client (or stay anonymous for None)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="curiouslab.accounts.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def media(settings, tmp_path):
    """Uploads and generated files go to a fresh folder of this test (the one media fixture;
    a test module that needs it everywhere writes ``pytestmark = pytest.mark.usefixtures("media")``)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def docworld(world, media):
    """The test world with a finished cohort to issue documents for (``tests/documents``)."""
    from tests.documents.document_fixtures import build_documents_world

    return build_documents_world(world)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts and ends in the default language (French): a test that activates
    English, or a request served in English, never changes the language of the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
