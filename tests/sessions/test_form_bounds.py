"""The session form answers 20-digit numbers with a message, never a 500."""

import pytest
from django.urls import reverse

from sessions.models import Session
from tests.sessions.test_sessions import _form

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("capacity", HUGE, "inférieure ou égale à 100000"),
        ("capacity", "-1", "supérieure ou égale à 1"),
        ("invited_teams", [HUGE], "Sélectionnez un choix valide"),
        ("people_in_charge", [HUGE], "Sélectionnez un choix valide"),
        ("invited_teams", ["1e3"], "n’est pas une valeur correcte"),
        ("invited_teams", ["9" * 5000], "Sélectionnez un choix valide"),
        ("people_in_charge", ["-" + HUGE], "Sélectionnez un choix valide"),
    ],
)
def test_huge_numbers_in_the_session_form_get_a_message(cast, login, field, value, says):
    client = login(cast.coordinator)
    response = client.post(
        reverse("sessions:create", args=[cast.cohort.pk]), _form(cast, **{field: value})
    )
    assert response.status_code == 400
    assert says in response.content.decode().replace("&#x27;", "'")
    assert not Session.objects.exists()
    session = Session.objects.create(
        cohort=cast.cohort,
        kind="working",
        title="Existante",
        starts_at="2030-01-01T10:00Z",
        ends_at="2030-01-01T12:00Z",
    )
    response = client.post(
        reverse("sessions:edit", args=[session.pk]), _form(cast, **{field: value})
    )
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.title == "Existante"
